/**
 * CPU cost of a ranking option, in process: one index is built, a second version shares its
 * segments with the option changed (`SearchIndex.fromSegments`, nothing rebuilt), and the search
 * bench's two-term and known-item queries (same seeds and samplers as `bench/search-bench.ts`)
 * are run against both as the product runs them (match without bonuses, then the page of 10 with
 * the bonuses where they can change it), in rounds alternating A B B A, so load that drifts
 * during the run weighs on both alike. Prints the process CPU µs per query of each round, and
 * each side's minimum and median, and A's first pass (after B's warm-up pass) on its own: what A
 * remembers per segment on first use is paid there.
 *
 *   node --expose-gc --import tsx bench/ranking-cost.ts --corpus DIR [--seed 1] [--rounds 8]
 *       [--option '{"headlineIdf":false}']
 *
 * A is the default options, B the defaults with --option merged in. At 100,000 articles run it
 * under `flock /work/wt/notes/bench.lock` (about 1.5 GB).
 */
import { readCorpus } from './lib/corpus.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { mixSeed, mulberry32 } from './lib/prng.js';
import { QueryFactory } from './lib/queries.js';
import { parseQuery, SearchIndex, type SearchIndexOptions } from '../src/search/index.js';

const USAGE = 'node --import tsx bench/ranking-cost.ts --corpus DIR [--seed 1] [--rounds 8] [--option JSON]';
const args = parseCli({ corpus: { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' }, option: { type: 'string' } }, USAGE);
const corpus = requiredArg(args.corpus, 'corpus', USAGE);
const seed = intArg(args.seed, 'seed', 1);
const rounds = intArg(args.rounds, 'rounds', 8);
const option = JSON.parse(args.option ?? '{"headlineIdf":false}') as Partial<SearchIndexOptions>;

const { docs } = await readCorpus(corpus);
const qf = new QueryFactory(docs);
// the search bench's samplers and seeds (bench/search-bench.ts)
const queries = [...qf.twoTerm(mulberry32(mixSeed(seed, 1)), 300), ...qf.knownItem(mulberry32(mixSeed(seed, 2)), 300).map((k) => k.q)].map((q) => parseQuery(q));
const a = SearchIndex.build(docs);
const b = SearchIndex.fromSegments(a.views, option);
const numbers = Uint32Array.from({ length: a.documentSpace }, (_, i) => i);

let sink = 0;
const round = (index: SearchIndex): number => {
  const start = process.cpuUsage();
  for (const query of queries) {
    const m = index.match(query, { bonuses: false });
    sink += index.rankWithBonuses(query, m.docs, Float64Array.from(m.scores), numbers, 10, 0).length;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / queries.length;
};
// warm-up: every query once on B, then once on A, timed: A's first pass pays what A remembers per
// segment on first use (a word's headline document frequency), so it is printed apart
round(b);
const firstA = round(a);
const times: { A: number[]; B: number[] } = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
  for (const side of order) times[side].push(round(side === 'A' ? a : b));
}
const summary = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  return { rounds: xs.map((x) => Math.round(x)), min: Math.round(sorted[0]!), median: Math.round(sorted[Math.floor(sorted.length / 2)]!) };
};
console.log(JSON.stringify({ corpus, articles: docs.length, seed, queries: queries.length, option, 'A first pass µs/query': Math.round(firstA), 'A (defaults) µs/query': summary(times.A), 'B (defaults + option) µs/query': summary(times.B), sink }));
