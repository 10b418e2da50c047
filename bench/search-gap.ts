/**
 * Where the uncached search route's CPU goes beyond the search itself, in one process (no
 * sockets): the HTTP bench's uncached URLs (`npm run bench -- --seed N`: a headline of
 * `/articles` drawn uniformly, two of its distinct words) answered in several ways, in
 * alternating rounds; per request: process CPU µs (`us`), the CPU spent inside `Corpus.search`
 * however it was reached (`searchCpuUs`, a getrusage pair around each call), young / old GC
 * counts per 1,000 and GC pause µs (wall, so inflated on a loaded machine).
 *
 * - `search`: `Corpus.search` (decoded q, limit 20, relevance) + `searchPageBody`, back to back;
 * - `budget`: the same with a `SearchFairness` work budget, as the route passes;
 * - `route-options`: the options exactly as the route builds them from the zod-parsed query;
 * - `health`: `GET /health` through `app.inject` alone (the cost of a cheap request in process);
 * - `mixed`: `search`, each after one `GET /health` through the app (interleaving alone);
 * - `inject`: the whole app (`buildApp`, RESPONSE_CACHE_ENTRIES=0, no rate limit, no shedding)
 *   through `app.inject` (light-my-request: no socket, no HTTP parser);
 * - `inject-log`: the same with the server's request log (pino, JSON lines to /dev/null).
 *
 * `npx tsx bench/search-gap.ts --corpus ../shared/corpora/bbc-news [--seed 1] [--rounds 3] [--modes search,mixed,inject]`
 */
import { openSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { Corpus, CorpusStore } from '../src/corpus/index.js';
import { searchPageBody } from '../src/http/representations.js';
import { SearchFairness } from '../src/http/search-fairness.js';
import { SearchQuery } from '../src/http/schemas/search.js';
import { loadConfig } from '../src/config.js';
import { toArticleFilter } from '../src/corpus/index.js';
import { loadArticles } from '../src/loader/index.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { headlinePairQueries } from './lib/queries.js';

const USAGE = 'usage: tsx bench/search-gap.ts --corpus DIR [--seed N] [--rounds N] [--modes search,budget,route-options,health,mixed,inject,inject-log]';
const values = parseCli(
  { corpus: { type: 'string' }, seed: { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' }, modes: { type: 'string', default: 'search,health,mixed,inject' } },
  USAGE,
);
const corpusDir = path.resolve(requiredArg(values.corpus, 'corpus', USAGE));
const seed = intArg(values.seed, 'seed', 1);
const rounds = intArg(values.rounds, 'rounds', 3);

const corpus = new Corpus(await loadArticles(corpusDir));
// Process CPU inside Corpus.search, however it is called (the route's reader calls this
// instance's method); each reading costs a getrusage call (~1 µs), in every mode alike.
let inSearchUs = 0;
const searchAlone = corpus.search.bind(corpus);
corpus.search = (q, o) => {
  const t = process.cpuUsage();
  try {
    return searchAlone(q, o);
  } finally {
    const d = process.cpuUsage(t);
    inSearchUs += d.user + d.system;
  }
};
const store = new CorpusStore(corpus);
// no shedding: a synchronous round of searches blocks the loop the shedder samples
const config = { responseCacheEntries: 0, rateLimitMax: 0, shedMaxEventLoopDelayMs: 0 };
const quiet = await buildApp({ store, config, logger: false });
const logged = await buildApp({ store, config, loggerInstance: pino({ level: 'info' }, pino.destination({ dest: openSync('/dev/null', 'w'), sync: false })) });
await quiet.ready();
await logged.ready();

// The HTTP bench's draw: titles in /articles order (newest first), then the same rng walk.
const titles: string[] = [];
for (let offset = 0; titles.length < 3000; offset += 100) {
  const page = (await quiet.inject(`/articles?limit=100&offset=${offset}`)).json<{ items: Array<{ title: string }> }>();
  if (page.items.length === 0) break;
  titles.push(...page.items.map((i) => i.title));
}
const queries = headlinePairQueries(titles, seed, 5000);
const list = queries.map((q) => `/search?q=${encodeURIComponent(q)}`);

let minor = 0;
let major = 0;
let gcMs = 0;
new PerformanceObserver((entries) => {
  for (const e of entries.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else major++;
    gcMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

type Mode = 'search' | 'budget' | 'route-options' | 'health' | 'mixed' | 'inject' | 'inject-log';
const fairness = new SearchFairness(loadConfig([], {}));
const parsed = list.map((u) => SearchQuery.parse(Object.fromEntries(new URLSearchParams(u.slice('/search?'.length)))));
async function round(mode: Mode): Promise<{ us: number; minorPerK: number; majorPerK: number; gcUs: number; searchCpuUs: number }> {
  minor = major = gcMs = inSearchUs = 0;
  const before = process.cpuUsage();
  if (mode === 'search') {
    for (const q of queries) {
      const r = corpus.search(q, { sort: 'relevance', limit: 20, offset: 0, fuzzy: false, facets: [], collapse: false, });
      searchPageBody({ query: q, total: r.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: r.suggestion }, r.hits);
    }
  } else if (mode === 'health') {
    for (let k = 0; k < queries.length; k++) {
      await quiet.inject({ method: 'GET', url: '/health', headers: { host: '127.0.0.1' } });
      if (k % 10 === 9) await new Promise((r) => setImmediate(r));
    }
  } else if (mode === 'mixed') {
    // the direct search, each after a cheap request through the app (/health)
    for (let k = 0; k < queries.length; k++) {
      await quiet.inject({ method: 'GET', url: '/health', headers: { host: '127.0.0.1' } });
      const q = queries[k]!;
      const r = corpus.search(q, { sort: 'relevance', limit: 20, offset: 0, fuzzy: false, facets: [], collapse: false });
      searchPageBody({ query: q, total: r.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: r.suggestion }, r.hits);
      if (k % 10 === 9) await new Promise((r) => setImmediate(r));
    }
  } else if (mode === 'budget') {
    for (const q of queries) {
      const r = corpus.search(q, { sort: 'relevance', limit: 20, offset: 0, fuzzy: false, facets: [], collapse: false, budget: fairness.budget() });
      searchPageBody({ query: q, total: r.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: r.suggestion }, r.hits);
    }
  } else if (mode === 'route-options') {
    for (const q of parsed) {
      const budget = fairness.budget();
      const r = corpus.search(q.q, Object.assign(toArticleFilter(q), { sort: q.sort, limit: q.limit, offset: q.offset, after: undefined, fuzzy: q.fuzzy, facets: q.facets, recency: q.recency, collapse: q.collapse === 'story', facetCount: q.facetCount, budget }));
      fairness.spend(budget, 0);
      searchPageBody({ query: q.q, total: r.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: r.suggestion }, r.hits);
    }
  } else {
    const app = mode === 'inject' ? quiet : logged;
    for (let k = 0; k < list.length; k++) {
      const res = await app.inject({ method: 'GET', url: list[k]!, headers: { host: '127.0.0.1' } });
      if (res.statusCode !== 200) throw new Error(`${list[k]}: ${res.statusCode} ${res.body}`);
      // inject resolves on microtasks alone: let the loop turn now and then, as a server's does,
      // or every response stays referenced from the pending setImmediate queue
      if (k % 10 === 9) await new Promise((r) => setImmediate(r));
    }
  }
  const used = process.cpuUsage(before);
  await new Promise((r) => setTimeout(r, 50)); // let the observer deliver this round's GC entries
  const n = list.length;
  return { us: Math.round((used.user + used.system) / n), minorPerK: Math.round((minor * 1000) / n), majorPerK: Math.round((major * 1000) / n), gcUs: Math.round((gcMs * 1000) / n), searchCpuUs: Math.round(inSearchUs / n) };
}

const modes = (values.modes ?? '').split(',') as Mode[];
for (const m of modes) await round(m); // warm-up
const out: Partial<Record<Mode, Array<Awaited<ReturnType<typeof round>>>>> = Object.fromEntries(modes.map((m) => [m, []]));
for (let r = 0; r < rounds; r++) for (const m of r % 2 === 0 ? modes : [...modes].reverse()) out[m]!.push(await round(m));
console.log(JSON.stringify({ seed, urls: list.length, ...out }));
await quiet.close();
await logged.close();
