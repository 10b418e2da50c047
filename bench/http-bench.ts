/**
 * HTTP throughput against Fastify's ceiling, and start-up time and memory by corpus size.
 *
 *   npm run bench -- [--corpus ../shared/corpora/bbc-news] [--duration 10] [--connections 50]
 *                    [--warmup 2] [--sizes 10000,100000] [--no-load-table] [--no-http] [--dist]
 *
 * In one run, two child processes: the product (src/server.ts under `node --import tsx`, or
 * dist/server.js with --dist after `npm run build`) on --corpus, and a bare Fastify hello-world
 * (bench/http/bare-server.ts). Both log at `info` with the same pino options and the same
 * one-line-per-request hook, to a log file in the OS temp dir. autocannon runs in this (parent)
 * process. On a 2-core machine the server under load and autocannon each get roughly one core;
 * only one server is loaded at a time (the other idles).
 *
 * Routes: bare `GET /`; product `GET /articles/{id}`, `GET /articles?limit=20`,
 * `GET /search?q=<two terms>` (one query repeated, so served by the answer cache, and thousands of
 * distinct two-term queries cycled against a second product server started with
 * RESPONSE_CACHE_ENTRIES=0, so every request misses: cycling alone is not enough, since every
 * autocannon connection walks the same list and all but the first find the answer cached), `GET /articles/{id}` with If-None-Match (304) and with
 * `Accept-Encoding: br` (`--search-only`: the bare route and the two searches only). Each: --warmup seconds discarded, then --duration seconds measured.
 *
 * With `--against DIR` (another checkout of this repository with its node_modules, e.g. a worktree
 * of main), an uncached server of that tree is started beside this tree's and the two are measured
 * alternately on the same URLs (this, other, other, this), each with its own server CPU per request:
 * a before/after in the same minutes on a shared machine. Load averages at the start and end are printed.
 *
 * Load table: for the BBC corpus and synthetic corpora of --sizes articles (generated with
 * bench/generate-corpus.ts into bench/corpora/ when missing): wall time from spawning the
 * server to its first 200 on /health, RSS then, and, from bench/http/load-probe.ts in a fresh
 * process, the shares of read, load (read+parse+validate), validate alone and build, and the
 * retained heap against the raw text size.
 * Progress goes to stderr; the markdown report to stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { intArg, parseCli } from './lib/args.js';
import { headlinePairQueries } from './lib/queries.js';
import { rssOf, startServerProcess, stop, type Server } from './lib/server-process.js';
import { shippedNodeFlags } from './lib/shipped-flags.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'npm run bench -- [--corpus <dir>] [--duration 10] [--connections 50] [--warmup 2] [--sizes 10000,100000] [--no-load-table] [--no-http] [--dist] [--search-only] [--seed N] [--against <other tree>]';
const args = parseCli(
  {
    corpus: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    sizes: { type: 'string' },
    'no-load-table': { type: 'boolean', default: false },
    'no-http': { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    'search-only': { type: 'boolean', default: false },
    seed: { type: 'string' },
    against: { type: 'string' },
  },
  USAGE,
);
const duration = intArg(args.duration, 'duration', 10);
const connections = intArg(args.connections, 'connections', 50);
const warmup = intArg(args.warmup, 'warmup', 2);
/** Without it, the fixed walk over headline word pairs of earlier runs; with it, uniformly random pairs. */
const seed = args.seed === undefined ? null : intArg(args.seed, 'seed', 1);
const sizes = (args.sizes ?? '10000,100000').split(',').filter(Boolean).map((s) => intArg(s, 'sizes', 0));
const BBC = path.resolve(ROOT, '../shared/corpora/bbc-news');
const corpusDir = path.resolve(args.corpus ?? (existsSync(BBC) ? BBC : path.join(ROOT, 'data')));
const logDir = mkdtempSync(path.join(os.tmpdir(), 'news-api-bench-'));

const log = (s: string) => process.stderr.write(`${s}\n`);


/** The other tree of `--against`, if any. */
const against = args.against === undefined ? null : path.resolve(args.against);

function productArgv(root = ROOT): string[] {
  return [...shippedNodeFlags(root), ...(args.dist ? [path.join(root, 'dist/server.js')] : ['--import', 'tsx', path.join(root, 'src/server.ts')])];
}

interface Row {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  unexpected: number;
  errors: number;
  bytes: number;
  /** The server's own CPU time (user + system) per answered request in the measured window; null where /proc is not there. */
  cpuUs: number | null;
}

/**
 * CPU seconds (user + system) the process `pid` has used so far, from Linux's /proc (fields 14
 * and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s: `getconf CLK_TCK` is 100 on Linux
 * kernels with the usual USER_HZ); null elsewhere. On a shared machine a route's req/s moves with
 * the other jobs, while the CPU a request costs the server moves much less: both are reported.
 */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function load(url: string, headers: Record<string, string>, seconds: number, paths?: string[]): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, headers, pipelining: 1, ...(paths ? { requests: paths.map((p) => ({ method: 'GET' as const, path: p })) } : {}) });
}

/** fetch() asks for gzip/br by itself; the bench says exactly what each request accepts. */
const IDENTITY = { 'accept-encoding': 'identity' };

async function measure(server: Server, route: string, url: string, headers: Record<string, string> = {}, expectStatus = 200, paths?: string[]): Promise<Row> {
  const probe = await fetch(url, { headers: { ...IDENTITY, ...headers } });
  await probe.arrayBuffer();
  if (probe.status !== expectStatus) throw new Error(`${route}: expected ${expectStatus}, got ${probe.status}`);
  if (warmup > 0) await load(url, headers, warmup, paths);
  log(`  ${route} (${duration} s)`);
  const cpuBefore = cpuSeconds(server.child.pid);
  const r = await load(url, headers, duration, paths);
  const cpuAfter = cpuSeconds(server.child.pid);
  // Answers other than the expected class (a 304 route answering 200 would be a bench bug).
  const expected = expectStatus === 304 ? r['3xx'] : r['2xx'];
  const unexpected = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'] - expected;
  const answered = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  const cpuUs = cpuBefore !== null && cpuAfter !== null && answered > 0 ? ((cpuAfter - cpuBefore) * 1e6) / answered : null;
  return { route, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, unexpected, errors: r.errors + r.timeouts, bytes: r.throughput.average, cpuUs };
}

/** The product's answer cache size in the bench (RESPONSE_CACHE_ENTRIES). */
const SEARCH_CACHE = 1000;

/** Two-term queries from headline words (pairs of words that occur in some headline), cycled by autocannon. */
async function distinctQueries(base: string, want: number): Promise<string[]> {
  const titles: string[] = [];
  for (let offset = 0; titles.length < 3000; offset += 100) {
    const page = (await (await fetch(`${base}/articles?limit=100&offset=${offset}`, { headers: IDENTITY })).json()) as { items: Array<{ title: string }> };
    if (page.items.length === 0) break;
    titles.push(...page.items.map((i) => i.title));
  }
  // A headline drawn uniformly, then two of its distinct words drawn uniformly.
  if (seed !== null) return headlinePairQueries(titles, seed, want).map((q) => `/search?q=${encodeURIComponent(q)}`);
  const out = new Set<string>();
  const distinctWords = (title: string) => (title.toLowerCase().match(/[a-z]{4,}/gu) ?? []).filter((w, k, a) => a.indexOf(w) === k);
  for (let i = 0; out.size < want && i < titles.length * 4; i++) {
    const words = distinctWords(titles[i % titles.length]!);
    if (words.length < 2) continue;
    const k = Math.floor(i / titles.length);
    const a = words[k % words.length]!;
    const b = words[(k + 1) % words.length]!;
    if (a !== b) out.add(`/search?q=${encodeURIComponent(`${a} ${b}`)}`);
  }
  return [...out];
}

/** A row's server CPU per request and how many times the bare route's that is (what req/s would show with a free core for the client). */
function cpuCell(us: number | null, bareUs: number | null): string {
  if (us === null) return '';
  return `${us.toFixed(0)}${bareUs !== null && us > 0 ? ` (${(bareUs / us).toFixed(2)})` : ''}`;
}

function twoTerms(title: string): string {
  const words = title.toLowerCase().match(/[a-z]{4,}/gu) ?? [];
  const picked = [...new Set(words)].sort((a, b) => b.length - a.length).slice(0, 2);
  return picked.length === 2 ? picked.join(' ') : 'oil prices';
}

async function httpTable(): Promise<string> {
  const loadAtStart = os.loadavg()[0]!;
  log(`bare Fastify and product on ${corpusDir}`);
  const bare = await startServerProcess(logDir, 'bare', ['--import', 'tsx', path.join(ROOT, 'bench/http/bare-server.ts')], {}, '/');
  const product = await startServerProcess(logDir, 'product', productArgv(), { DATA_DIR: corpusDir, RESPONSE_CACHE_ENTRIES: String(SEARCH_CACHE) }, '/health');
  try {
    const list = (await (await fetch(`${product.base}/articles?limit=1`, { headers: IDENTITY })).json()) as { items: Array<{ id: string; title: string }> };
    const first = list.items[0];
    if (!first) throw new Error('the corpus has no articles');
    const articleUrl = `${product.base}/articles/${first.id}`;
    const etag = (await fetch(articleUrl, { headers: IDENTITY })).headers.get('etag') ?? '';
    const q = twoTerms(first.title);
    const brEtag = (await fetch(articleUrl, { headers: { 'accept-encoding': 'br' } })).headers.get('etag') ?? '';

    const bodySize = async (url: string) => (await (await fetch(url, { headers: IDENTITY })).text()).length;
    const articleBytes = await bodySize(articleUrl);
    const listBytes = await bodySize(`${product.base}/articles?limit=20`);

    // Each product route, and for the two with large bodies a bare route sending as many bytes.
    const rows: Array<Row & { sameSize?: Row }> = [];
    rows.push(await measure(bare, 'bare GET / (hello world)', `${bare.base}/`));
    if (!args['search-only']) {
    rows.push({ ...(await measure(product, 'GET /articles/{id}', articleUrl)), sameSize: await measure(bare, `bare ${articleBytes} B`, `${bare.base}/bytes/${articleBytes}`) });
    rows.push({ ...(await measure(product, 'GET /articles?limit=20', `${product.base}/articles?limit=20`)), sameSize: await measure(bare, `bare ${listBytes} B`, `${bare.base}/bytes/${listBytes}`) });
    rows.push(await measure(product, 'GET /articles/{id} If-None-Match (304)', articleUrl, { 'if-none-match': etag }, 304));
    rows.push(await measure(product, 'GET /articles/{id} Accept-Encoding: br', articleUrl, { 'accept-encoding': 'br' }));
    rows.push(await measure(product, 'GET /articles/{id} br + If-None-Match (304)', articleUrl, { 'accept-encoding': 'br', 'if-none-match': brEtag }, 304));
    }
    // Search last: if it falls behind, its backlog cannot slow the routes measured after it.
    // The same query again and again is answered from the search cache; many distinct queries
    // (more than the cache holds, cycled) measure searching and highlighting themselves.
    rows.push(await measure(product, `GET /search?q=${q} (repeated: cached)`, `${product.base}/search?q=${encodeURIComponent(q)}`));
    const queries = await distinctQueries(product.base, 5000);
    await stop(product);
    // Every connection cycles through the same list, so with a cache all but the first would hit
    // it: the uncached figure comes from a server without an answer cache.
    const uncached = await startServerProcess(logDir, 'product-uncached', productArgv(), { DATA_DIR: corpusDir, RESPONSE_CACHE_ENTRIES: '0' }, '/health');
    const uncachedRoute = `GET /search, ${queries.length} distinct two-term queries (RESPONSE_CACHE_ENTRIES=0: every request misses)`;
    try {
      if (against === null) rows.push(await measure(uncached, uncachedRoute, `${uncached.base}${queries[0]}`, {}, 200, queries));
      else {
        // both trees' servers up, loaded one at a time: this, other, other, this
        const other = await startServerProcess(logDir, 'against-uncached', productArgv(against), { DATA_DIR: corpusDir, RESPONSE_CACHE_ENTRIES: '0' }, '/health');
        try {
          for (const [server, name] of [[uncached, 'this tree'], [other, against], [other, against], [uncached, 'this tree']] as const) {
            rows.push(await measure(server, `${uncachedRoute}, ${name}`, `${server.base}${queries[0]}`, {}, 200, queries));
          }
        } finally {
          await stop(other);
        }
      }
    } finally {
      await stop(uncached);
    }
    const ceiling = rows[0]!.rps;
    const lines = [
      `Answer cache: ${SEARCH_CACHE} entries, except for the uncached rows (0).`,
      `Load average (1 min) at the start and the end: ${loadAtStart.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}.`,
      `Corpus: ${path.relative(ROOT, corpusDir) || corpusDir}; ${connections} connections, ${duration} s per route after ${warmup} s warm-up; article ${first.id}.`,
      '',
      '| route | req/s | ratio to bare | p50 ms | p99 ms | server CPU µs/request (bare ÷ this) | avg bytes/s | other status | errors | bare, same body size: req/s (ratio) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (r) =>
          `| ${r.route} | ${Math.round(r.rps)} | ${(r.rps / ceiling).toFixed(2)} | ${r.p50} | ${r.p99} | ${cpuCell(r.cpuUs, rows[0]!.cpuUs)} | ${(r.bytes / 1e6).toFixed(1)} MB | ${r.unexpected} | ${r.errors} | ${
            r.sameSize ? `${Math.round(r.sameSize.rps)} (${(r.rps / r.sameSize.rps).toFixed(2)})` : ''
          } |`,
      ),
    ];
    const logLines = readFileSync(product.logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"request"')).length;
    lines.push('', `The product wrote ${logLines} request log lines during the run (${product.logFile}).`);
    return lines.join('\n');
  } finally {
    await stop(bare);
    await stop(product);
  }
}

function ensureSynthetic(n: number): string {
  const name = n % 1000 === 0 ? `synthetic-${n / 1000}k` : `synthetic-${n}`;
  const dir = path.join(ROOT, 'bench/corpora', name);
  if (!existsSync(path.join(dir, 'README.md'))) {
    log(`generating ${n} synthetic articles into ${path.relative(ROOT, dir)}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/generate-corpus.ts'), '--count', String(n), '--out', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`generate-corpus failed for ${n}`);
  }
  return dir;
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

async function loadTable(): Promise<string> {
  const corpora: Array<[string, string]> = [];
  if (existsSync(BBC)) corpora.push(['bbc-news', BBC]);
  for (const n of sizes) corpora.push([`synthetic ${n}`, ensureSynthetic(n)]);
  const lines = [
    '| corpus | articles | raw text | spawn → ready | load (read+parse+validate) | of which read | validate (zod) | build (tables + index) | retained heap | heap / raw | server RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [name, dir] of corpora) {
    log(`start-up: ${name}`);
    const p = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', path.join(ROOT, 'bench/http/load-probe.ts'), dir], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (p.status !== 0) throw new Error(`load-probe failed on ${dir}: ${p.stderr}`);
    const probe = JSON.parse(p.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    const server = await startServerProcess(logDir, `ready-${name.replace(/\s/gu, '-')}`, productArgv(), { DATA_DIR: dir }, '/health', 600_000);
    const rss = rssOf(server.child.pid!);
    await stop(server);
    lines.push(
      `| ${name} | ${probe.articles} | ${mb(probe.rawBytes!)} | ${(server.readyMs / 1000).toFixed(2)} s | ${probe.loadMs} ms | ${probe.readMs} ms | ${probe.validateMs} ms | ${probe.buildMs} ms | ${mb(probe.heapBytes!)} | ${(probe.heapBytes! / probe.rawBytes!).toFixed(2)}x | ${mb(rss)} |`,
    );
  }
  return lines.join('\n');
}

const header = [
  `## HTTP throughput and start-up`,
  '',
  `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\``.replace(/ `$/u, '`'),
  `Date: ${new Date().toISOString().slice(0, 10)}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}); Node ${process.version}; product run ${args.dist ? 'from dist/ (npm run build)' : 'with node --import tsx'}.`,
];
const out = [header.join('\n')];
if (!args['no-http']) out.push(await httpTable());
if (!args['no-load-table']) out.push(await loadTable());
console.log(out.join('\n\n'));
