/**
 * The HTTP bench's uncached search load (`npm run bench -- --seed N`: a headline of `/articles`
 * drawn uniformly, two of its distinct words; 50 connections) against a server you started
 * yourself (e.g. under `--cpu-prof` or `--trace-gc`), with the server's CPU per request split by
 * thread from Linux's /proc: the main (JavaScript) thread against V8's and libuv's helpers.
 *
 * `RESPONSE_CACHE_ENTRIES=0 RATE_LIMIT_MAX=0 NODE_ENV=production PORT=3917 DATA_DIR=../shared/corpora/bbc-news node --import tsx src/server.ts &`
 * `npx tsx bench/http/search-load.ts --base http://127.0.0.1:3917 --pid <server pid> [--seed 1] [--duration 6] [--warmup 2]`
 */
import { readFileSync, readdirSync } from 'node:fs';
import autocannon from 'autocannon';
import { intArg, parseCli, requiredArg } from '../lib/args.js';
import { headlinePairQueries } from '../lib/queries.js';

const USAGE = 'usage: tsx bench/http/search-load.ts --base URL [--pid N] [--seed N] [--duration S] [--warmup S]';
const values = parseCli(
  { base: { type: 'string' }, pid: { type: 'string' }, seed: { type: 'string', default: '1' }, duration: { type: 'string', default: '6' }, warmup: { type: 'string', default: '2' } },
  USAGE,
);
const base = requiredArg(values.base, 'base', USAGE);
const pid = values.pid === undefined ? null : intArg(values.pid, 'pid', 0);
const seed = intArg(values.seed, 'seed', 1);
const duration = intArg(values.duration, 'duration', 6);
const warmup = intArg(values.warmup, 'warmup', 2);

const titles: string[] = [];
for (let offset = 0; titles.length < 3000; offset += 100) {
  const page = (await (await fetch(`${base}/articles?limit=100&offset=${offset}`, { headers: { 'accept-encoding': 'identity' } })).json()) as { items: Array<{ title: string }> };
  if (page.items.length === 0) break;
  titles.push(...page.items.map((i) => i.title));
}
const paths = headlinePairQueries(titles, seed, 5000).map((q) => `/search?q=${encodeURIComponent(q)}`);

/** CPU ticks (1/100 s, user + system) of each thread of the server, keyed "main" or by thread name and id. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  if (pid === null) return out;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = Number(tid) === pid ? 'main' : `${readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()} ${tid}`;
    out.set(name, Number(fields[11]) + Number(fields[12]));
  }
  return out;
}

const load = (seconds: number) =>
  autocannon({ url: base + paths[0], connections: 50, duration: seconds, pipelining: 1, requests: paths.map((p) => ({ method: 'GET' as const, path: p })) });
if (warmup > 0) await load(warmup);
const before = threadTicks();
const r = await load(duration);
const after = threadTicks();
const answered = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
let main = 0;
let helpers = 0;
for (const [name, t] of after) {
  const used = t - (before.get(name) ?? 0);
  if (name === 'main') main += used;
  else helpers += used;
}
const us = (ticks: number) => Math.round((ticks * 1e4) / Math.max(1, answered));
console.log(JSON.stringify({ seed, urls: paths.length, rps: Math.round(r.requests.average), answered, non2xx: r.non2xx, ...(pid === null ? {} : { cpuUsPerRequest: { main: us(main), otherThreads: us(helpers), total: us(main + helpers) } }) }));
