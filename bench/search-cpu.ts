/**
 * CPU time of one uncached search and its JSON page, in process (no HTTP): `Corpus.search`
 * (limit 20, relevance) plus `searchPageJson` over 5,000 distinct two-word queries drawn as the
 * HTTP bench's `--seed` draws them (a headline uniformly, then two of its distinct words), in
 * rounds; prints the process CPU µs per search of each round (the first warms up).
 *
 * `npx tsx bench/search-cpu.ts --corpus ../shared/corpora/bbc-news [--seed 1] [--rounds 4]`
 */
import path from 'node:path';
import { Corpus } from '../src/corpus/index.js';
import { searchPageJson } from '../src/http/representations.js';
import { loadArticles } from '../src/loader/index.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { mulberry32 } from './lib/prng.js';

const USAGE = 'usage: tsx bench/search-cpu.ts --corpus DIR [--seed N] [--rounds N]';
const values = parseCli({ corpus: { type: 'string' }, seed: { type: 'string', default: '1' }, rounds: { type: 'string', default: '4' } }, USAGE);
const corpus = new Corpus(await loadArticles(path.resolve(requiredArg(values.corpus, 'corpus', USAGE))));
const seed = intArg(values.seed, 'seed', 1);
const rounds = intArg(values.rounds, 'rounds', 4);
const distinct = (title: string) => (title.toLowerCase().match(/[a-z]{4,}/gu) ?? []).filter((w, k, a) => a.indexOf(w) === k);
const rng = mulberry32(seed);
const queries = new Set<string>();
for (let tries = 0; queries.size < 5000 && tries < 100_000; tries++) {
  const words = distinct(corpus.articles[Math.floor(rng() * corpus.articles.length)]!.title);
  if (words.length < 2) continue;
  const a = Math.floor(rng() * words.length);
  const b = (a + 1 + Math.floor(rng() * (words.length - 1))) % words.length;
  queries.add(`${words[a]} ${words[b]}`);
}
let bytes = 0;
const perSearch: number[] = [];
for (let r = 0; r < rounds; r++) {
  const before = process.cpuUsage();
  for (const q of queries) {
    const result = corpus.search(q, { sort: 'relevance', limit: 20, offset: 0, fuzzy: false, facets: [], collapse: false });
    bytes += searchPageJson({ query: q, total: result.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: result.suggestion }, result.hits).length;
  }
  const used = process.cpuUsage(before);
  perSearch.push(Math.round((used.user + used.system) / queries.size));
}
console.log(JSON.stringify({ seed, queries: queries.size, cpuUsPerSearchAndPage: perSearch, bytes }));
