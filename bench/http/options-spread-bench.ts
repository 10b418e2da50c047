/**
 * Why the search route builds its options with Object.assign (session 7, bench/RESULTS.md): the
 * options object of one /search request made both ways, over 1,000 query objects shaped as the
 * route's zod output, in alternating rounds; prints ns per object.
 *
 *   npx tsx bench/http/options-spread-bench.ts [--rounds 4]
 *
 * On Node 20 (V8 11.3) spreading the filter object into a 17-property literal measured ~11 µs
 * an object on the shared 2-core machine, Object.assign 0.2-0.4 µs.
 */
import { toArticleFilter } from '../../src/corpus/index.js';
import { intArg, parseCli } from '../lib/args.js';

const args = parseCli({ rounds: { type: 'string', default: '4' } }, 'usage: tsx bench/http/options-spread-bench.ts [--rounds 4]');
const rounds = intArg(args.rounds, 'rounds', 4);
const queries = Array.from({ length: 1000 }, (_, i) => ({ q: `word${i} other`, source: undefined as string | undefined, sort: 'relevance' as const, limit: 20, offset: 0, fuzzy: false, facets: [] as string[], format: 'json' as const, recency: undefined as number | undefined, collapse: undefined as 'story' | undefined, facetCount: undefined as 'articles' | undefined }));
const budget = { spent: 0 };

const spread = (q: (typeof queries)[number]) => ({ ...toArticleFilter(q), sort: q.sort, limit: q.limit, offset: q.offset, after: undefined, fuzzy: q.fuzzy, facets: q.facets, recency: q.recency, collapse: q.collapse === 'story', facetCount: q.facetCount, budget });
const assign = (q: (typeof queries)[number]) => Object.assign(toArticleFilter(q), { sort: q.sort, limit: q.limit, offset: q.offset, after: undefined, fuzzy: q.fuzzy, facets: q.facets, recency: q.recency, collapse: q.collapse === 'story', facetCount: q.facetCount, budget });

let sink = 0;
function round(make: typeof spread): number {
  const started = process.hrtime.bigint();
  for (let k = 0; k < 50; k++) for (const q of queries) sink += make(q).limit;
  return Number(process.hrtime.bigint() - started) / (50 * queries.length);
}
const ns: Record<'spread' | 'assign', number[]> = { spread: [], assign: [] };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 === 0 ? (['spread', 'assign'] as const) : (['assign', 'spread'] as const)) ns[name].push(round(name === 'spread' ? spread : assign));
}
console.log(JSON.stringify({ node: process.version, nsPerObject: Object.fromEntries(Object.entries(ns).map(([k, v]) => [k, v.map((x) => Math.round(x))])), sink: sink > 0 }));
