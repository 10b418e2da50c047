/**
 * Ranking settings side by side on the held-out query sets, with per-query differences: how
 * issue 11's ranking options were tuned (on a held-out seed) and confirmed (on seeds 1 and 2).
 *
 *   npx tsx bench/ranking-variants.ts --corpus ../shared/corpora/bbc-news --seed 7
 *       [--kinds headline,random-3] [--queries 500] [--show 10] [--known-item-seeds 1,2]
 *       [--variants '[["default",{}],["delta 1",{"delta":1}]]']
 *
 * For each variant (a name and `SearchIndexOptions` overrides): MRR@10 on each query kind of
 * bench/lib/quality.ts against MiniSearch's on the same queries (the difference with the search
 * bench's 95% paired bootstrap interval, "below" when it lies under zero, and on how many
 * queries each ranks the target higher), and, with --known-item-seeds, MRR@10 on the search
 * bench's known-item queries (each target's three most distinctive words, bench/lib/queries.ts).
 * --show N prints, for the first variant, N queries per kind where MiniSearch ranks the target
 * higher, with our top 3 and their scores: where to look for the cause of a gap.
 * Ours is asked as the product asks (`SearchIndex.answer`: a query matching nothing is retried
 * with typo tolerance when a word is misspelt, then answered by all of it but one word).
 */
import { readCorpus, type BenchDoc } from './lib/corpus.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { flexSearchAdapter, miniSearchAdapter } from './lib/engines.js';
import { mixSeed, mulberry32 } from './lib/prng.js';
import { QueryFactory } from './lib/queries.js';
import { isTypoKind, pairedBootstrap, plainBm25Adapter, QUERY_KINDS, querySet, type QueryKind } from './lib/quality.js';
import { parseQuery, SearchIndex, topK, type SearchIndexOptions } from '../src/search/index.js';

const USAGE =
  'npx tsx bench/ranking-variants.ts --corpus <dir> [--seed 7] [--kinds headline,random-3] [--queries 500] [--show 0] [--known-item-seeds 1,2] [--variants JSON] [--peer minisearch|flexsearch|bm25]';
const args = parseCli(
  {
    corpus: { type: 'string' },
    seed: { type: 'string' },
    kinds: { type: 'string' },
    queries: { type: 'string' },
    show: { type: 'string' },
    'known-item-seeds': { type: 'string' },
    variants: { type: 'string' },
    peer: { type: 'string' },
  },
  USAGE,
);
const corpus = requiredArg(args.corpus, 'corpus', USAGE);
const seed = intArg(args.seed, 'seed', 7);
const count = intArg(args.queries, 'queries', 500);
const show = intArg(args.show, 'show', 0);
const kinds = (args.kinds ?? 'headline,random-3').split(',').filter(Boolean) as QueryKind[];
for (const k of kinds) if (!QUERY_KINDS.includes(k)) throw new Error(`--kinds: unknown kind ${k} (known: ${QUERY_KINDS.join(', ')})`);
const knownSeeds = (args['known-item-seeds'] ?? '').split(',').filter(Boolean).map((s) => intArg(s, 'known-item-seeds', 1));
const variants = JSON.parse(args.variants ?? '[["default",{}]]') as Array<[string, Partial<SearchIndexOptions>]>;

const { docs } = await readCorpus(corpus);
const docText = (d: BenchDoc): string => `${d.title}\n${d.paragraphs.join('\n')}`;
/** Reciprocal rank of the target (or an exact textual duplicate of it) in the top 10. */
const reciprocalRank = (top: readonly number[], target: number): number => {
  const text = docText(docs[target]!);
  const rank = top.slice(0, 10).findIndex((d) => d === target || docText(docs[d]!) === text);
  return rank < 0 ? 0 : 1 / (rank + 1);
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const peers = { minisearch: miniSearchAdapter, flexsearch: flexSearchAdapter, bm25: plainBm25Adapter };
const peerName = (args.peer ?? 'minisearch') as keyof typeof peers;
if (!(peerName in peers)) throw new Error(`--peer: unknown peer ${peerName} (known: ${Object.keys(peers).join(', ')})`);
const miniSearch = peers[peerName]();
miniSearch.build(docs);
const sets = new Map(kinds.map((kind) => [kind, querySet(mulberry32(mixSeed(seed, 100 + QUERY_KINDS.indexOf(kind))), kind, docs, count)]));
const theirs = new Map(kinds.map((kind) => [kind, sets.get(kind)!.map((x) => reciprocalRank(miniSearch.search(x.q, { fuzzy: isTypoKind(kind) }), x.doc))]));
const factory = new QueryFactory(docs);
const knownSets = knownSeeds.map((s) => factory.knownItem(mulberry32(mixSeed(s, 2)), 300));

console.log(`Corpus ${corpus}: ${docs.length} articles; held-out seed ${seed}, ${count} queries a kind; MRR@10 ours (ours − ${miniSearch.name}; queries where ${miniSearch.name} / ours ranks the target higher)`);
variants.forEach(([name, options], v) => {
  const index = SearchIndex.build(docs, options);
  const search = (q: string, fuzzy: boolean) => {
    let query;
    try {
      query = parseQuery(q);
    } catch {
      return { top: [], scores: new Map<number, number>() }; // refused (a syntax error): a miss, as in the search bench
    }
    // as the product asks (SearchIndex.answer: typo tolerance for a misspelling, then all of it but one word), bonuses for the whole query
    const answered = index.answer(query, { fuzzy }).result;
    const bonused = Float64Array.from(answered.scores);
    index.addBonuses(query, answered.docs, bonused, null);
    const m = { docs: answered.docs, scores: bonused };
    const scores = new Map<number, number>();
    m.docs.forEach((d, i) => scores.set(d, m.scores[i]!));
    return { top: Array.from(topK(m.docs, m.scores, 10), (i) => m.docs[i]!), scores };
  };
  const cells: string[] = [];
  for (const kind of kinds) {
    const set = sets.get(kind)!;
    const results = set.map((x) => search(x.q, isTypoKind(kind)));
    const ours = results.map((r, i) => reciprocalRank(r.top, set[i]!.doc));
    const ms = theirs.get(kind)!;
    const worse = ours.filter((x, i) => x < ms[i]!).length;
    const better = ours.filter((x, i) => x > ms[i]!).length;
    // the search bench's interval (same resampling seed), so a variant's tie or loss reads as there
    const { mean: diff, low, high } = pairedBootstrap(mulberry32(mixSeed(seed, 999)), ours, ms);
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
    cells.push(`${kind} ${mean(ours).toFixed(3)} (${signed(diff)} [${signed(low)}, ${signed(high)}]${high > 0 || diff >= 0 ? '' : ' below'}; ${worse}/${better})`);
    if (v === 0 && show > 0) {
      let shown = 0;
      set.forEach((x, i) => {
        if (shown >= show || ours[i]! >= ms[i]!) return;
        shown++;
        const r = results[i]!;
        const own = r.scores.get(x.doc);
        const rank = own === undefined ? 'unmatched' : String(1 + [...r.scores.values()].filter((s) => s > own).length);
        console.log(`  [${kind}] "${x.q}" → target "${docs[x.doc]!.title}" (score ${own?.toFixed(2) ?? 'none'}), our rank ${rank}, ${miniSearch.name}'s ${ms[i]! > 0 ? (1 / ms[i]!).toFixed(0) : '>10'}`);
        for (const d of r.top.slice(0, 3)) console.log(`      ${d === x.doc ? '*' : ' '} ${r.scores.get(d)!.toFixed(2)} ${docs[d]!.title}`);
      });
    }
  }
  const known = knownSets.map((set) => mean(set.map((k) => reciprocalRank(search(k.q, false).top, k.doc))).toFixed(3));
  console.log(`${name}: ${cells.join(' | ')}${known.length ? ` | known-item ${known.join(' / ')}` : ''}`);
});
