/**
 * An uncached search's stages in process (no HTTP), over the HTTP bench's `--seed` draw (5,000
 * distinct two-word headline queries, as `bench/search-cpu.ts`): CPU µs a query of each stage
 * on its own — parsing, matching (`match`, no bonuses), the bonus plan, the bonuses of every
 * match, `rankWithBonuses` (plan + bonuses + top 20), the highlight plan, the highlights of the
 * page's hits, the JSON page, and the whole `Corpus.search` + page — then, with `--alloc`, the
 * bytes allocated a query (search + page) by function, from V8's sampling heap profiler with
 * collected objects kept (young garbage included): a count that does not depend on the load,
 * unlike every timing on a shared machine.
 *
 * `npx tsx bench/search-stages.ts --corpus ../shared/corpora/bbc-news [--seed 1] [--rounds 3] [--alloc] [--tree DIR]`
 *
 * `--tree DIR` measures another checkout (e.g. a worktree of main with its node_modules) with
 * this script: run it for both trees one after the other, twice, and compare like with like.
 */
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { headlinePairQueries } from './lib/queries.js';

const USAGE = 'usage: tsx bench/search-stages.ts --corpus DIR [--seed N] [--rounds N] [--alloc] [--tree DIR]';
const values = parseCli(
  { corpus: { type: 'string' }, seed: { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' }, alloc: { type: 'boolean', default: false }, tree: { type: 'string' } },
  USAGE,
);
const corpusDir = path.resolve(requiredArg(values.corpus, 'corpus', USAGE));
const seed = intArg(values.seed, 'seed', 1);
const rounds = Math.max(1, intArg(values.rounds, 'rounds', 3));
const root = values.tree === undefined ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') : path.resolve(values.tree);

const { Corpus } = (await import(path.join(root, 'src/corpus/index.ts'))) as typeof import('../src/corpus/index.js');
const { loadArticles } = (await import(path.join(root, 'src/loader/index.ts'))) as typeof import('../src/loader/index.js');
const { parseQuery } = (await import(path.join(root, 'src/search/query.ts'))) as typeof import('../src/search/query.js');
const { bonusPlan, addBonuses } = (await import(path.join(root, 'src/search/proximity.ts'))) as typeof import('../src/search/proximity.js');
const { searchPageBody } = (await import(path.join(root, 'src/http/representations.ts'))) as typeof import('../src/http/representations.js');

const corpus = new Corpus(await loadArticles(corpusDir));
// the version's index and orders, which `Corpus.search` uses inside (private: a probe reads them as they are)
const { index, orders } = (corpus as unknown as { state: { index: import('../src/search/search-index.js').SearchIndex; orders: { idRank: Uint32Array } } }).state;
const queries = headlinePairQueries(
  corpus.articles.map((a) => a.title),
  seed,
  5000,
);
const options = { sort: 'relevance', limit: 20, offset: 0, fuzzy: false, facets: [], collapse: false } as const;
const parsed = queries.map((q) => parseQuery(q));
const matched = parsed.map((q) => index.match(q, { fuzzy: false, bonuses: false }));
const plans = parsed.map((q) => bonusPlan(index, q));
const pages = parsed.map((q, i) => index.rankWithBonuses(q, matched[i]!.docs, matched[i]!.scores.slice(), orders.idRank, 20, 0));
const highlightPlans = parsed.map((q) => index.prepareHighlight(q, { fuzzy: false }));
const results = queries.map((q) => corpus.search(q, options));

function page(i: number): Buffer {
  const result = corpus.search(queries[i]!, options);
  return searchPageBody({ query: queries[i]!, total: result.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: result.suggestion }, result.hits);
}

const stages: Array<[string, (i: number) => unknown]> = [
  ['parseQuery', (i) => parseQuery(queries[i]!)],
  ['match (no bonuses)', (i) => index.match(parsed[i]!, { fuzzy: false, bonuses: false })],
  ['bonusPlan', (i) => bonusPlan(index, parsed[i]!)],
  ['addBonuses (every match)', (i) => plans[i] && addBonuses(index, plans[i], matched[i]!.docs, matched[i]!.scores.slice(), null)],
  ['rankWithBonuses (top 20)', (i) => index.rankWithBonuses(parsed[i]!, matched[i]!.docs, matched[i]!.scores.slice(), orders.idRank, 20, 0)],
  ['prepareHighlight', (i) => index.prepareHighlight(parsed[i]!, { fuzzy: false })],
  ['highlight (page hits)', (i) => Array.from(pages[i]!, (k) => index.highlight(matched[i]!.docs[k]!, highlightPlans[i]!))],
  [
    'searchPageBody',
    (i) =>
      searchPageBody(
        { query: queries[i]!, total: results[i]!.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: results[i]!.suggestion },
        results[i]!.hits,
      ),
  ],
  ['search + page', page],
];

/** CPU µs a query of `f` over every query (after one pass to warm up). */
function cpuUs(f: (i: number) => unknown): number {
  const before = process.cpuUsage();
  for (let i = 0; i < queries.length; i++) f(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / queries.length;
}

for (const [, f] of stages) cpuUs(f);
const us = new Map<string, number[]>(stages.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) for (const [name, f] of r % 2 === 0 ? stages : [...stages].reverse()) us.get(name)!.push(cpuUs(f));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
let hits = 0;
let matches = 0;
for (let i = 0; i < queries.length; i++) {
  hits += pages[i]!.length;
  matches += matched[i]!.docs.length;
}
console.log(
  JSON.stringify({
    tree: root,
    seed,
    queries: queries.length,
    hitsPerQuery: +(hits / queries.length).toFixed(2),
    matchesPerQuery: +(matches / queries.length).toFixed(2),
    cpuUsPerQuery: Object.fromEntries([...us].map(([name, a]) => [name, { min: +Math.min(...a).toFixed(1), median: +median(a).toFixed(1) }])),
  }),
);

if (values.alloc) {
  interface ProfileNode {
    callFrame: { functionName: string; url: string; lineNumber: number };
    selfSize: number;
    children: ProfileNode[];
  }
  const session = new Session();
  session.connect();
  // every sampled allocation counted, collected or not: the young garbage a request leaves is the point
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  for (let i = 0; i < queries.length; i++) page(i);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
  session.disconnect();
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (n: ProfileNode): void => {
    const site = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}`;
    bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  const kb = (bytes: number) => +(bytes / queries.length / 1024).toFixed(2);
  console.log(
    JSON.stringify({
      allocatedKbPerQuery: kb(total),
      topSites: Object.fromEntries(
        [...bySite]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15)
          .map(([site, bytes]) => [site, kb(bytes)]),
      ),
    }),
  );
}
