/**
 * Soak: the real server process under a steady mix of valid and invalid requests for a set time,
 * then a report of transport errors, statuses other than each request's expected one, latency,
 * and the server's memory (RSS and heap after a full GC) at the start, every --sample seconds,
 * and at the end. Zero errors, zero unexpected statuses and no steady memory growth expected.
 *
 *   npm run soak -- [--seconds 60] [--connections 16] [--sample 10] [--data DIR]
 *
 * The server runs with rate limiting on but set out of reach (one client sends everything) and
 * LOG_LEVEL=warn (a log line per request would measure the disk). Exit code 1 when any check fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { intArg, parseCli } from './lib/args.js';
import { freePort } from '../scripts/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BBC = path.resolve(ROOT, '../shared/corpora/bbc-news');
const args = parseCli(
  { seconds: { type: 'string' }, connections: { type: 'string' }, sample: { type: 'string' }, data: { type: 'string' } },
  'npm run soak -- [--seconds 60] [--connections 16] [--sample 10] [--data DIR]',
);
const SECONDS = intArg(args.seconds, 'seconds', 60);
const CONNECTIONS = intArg(args.connections, 'connections', 16);
const SAMPLE = intArg(args.sample, 'sample', 10);
const DATA = String(args.data ?? (existsSync(BBC) ? BBC : path.join(ROOT, 'data')));

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
}
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const PORT = await freePort();
const BASE = `http://127.0.0.1:${PORT}`;

const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', './bench/lib/memory-probe.ts', 'src/server.ts'], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: DATA, LOG_LEVEL: 'warn', LOG_PRETTY: 'false', RATE_LIMIT_MAX: '1000000000' },
  stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
});
let logs = '';
child.stdout!.on('data', (d) => (logs += d));
child.stderr!.on('data', (d) => (logs += d));
const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

function memory(): Promise<Memory> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { memory: Memory }).memory));
    child.send('memory');
  });
}

async function main(): Promise<number> {
  const base = await waitReady();
  const ids = ((await (await fetch(`${base}/articles?limit=50`)).json()) as { items: Array<{ id: string }> }).items.map((a) => a.id);
  if (ids.length === 0) throw new Error(`no articles in ${DATA}`);
  const id = (i: number) => ids[i % ids.length]!;
  // No HEAD: autocannon waits for a HEAD response's body (HEAD is covered by npm test).
  const mix: Array<{ method?: 'GET' | 'POST' | 'OPTIONS'; path: string; expect: number; headers?: Record<string, string> }> = [
    { path: '/articles?limit=20', expect: 200 },
    { path: `/articles/${id(0)}`, expect: 200 },
    { path: `/articles/${id(7)}/related?limit=5`, expect: 200 },
    { path: '/search?q=government+minister', expect: 200 },
    { path: '/search?q=%22prime+minister%22+-election&facets=source,category,month', expect: 200 },
    { path: '/search?q=econ*+OR+market&sort=newest&limit=50', expect: 200 },
    { path: '/search?q=goverment&fuzzy=true', expect: 200 },
    { path: '/sources', expect: 200 },
    { path: '/categories', expect: 200 },
    { path: '/health', expect: 200 },
    { path: '/ready', expect: 200 },
    { method: 'OPTIONS', path: '/search', expect: 204, headers: { origin: 'https://example.com', 'access-control-request-method': 'GET' } },
    { path: `/articles/${id(1)}`, expect: 304, headers: { 'if-none-match': '*' } },
    { path: '/articles?limit=500', expect: 400 },
    { path: '/search?q=%22unclosed', expect: 400 },
    { path: '/search?q=', expect: 400 },
    { path: '/articles?from=2021-02-30', expect: 400 },
    { path: '/articles/no-such-article', expect: 404 },
    { path: '/nope/%2e%2e%2f%00', expect: 404 },
    { method: 'POST', path: '/articles', expect: 405 },
    { path: `/search?q=${'a'.repeat(2100)}`, expect: 414 },
  ];
  const unexpected = new Map<string, number>();
  const statuses = new Map<number, number>();

  // Warm up (JIT, caches), then the baseline.
  await autocannon({ url: base, connections: 4, duration: 3, requests: mix.map((r) => ({ method: r.method ?? 'GET', path: r.path, headers: r.headers })) });
  const start = await memory();
  const samples: Array<{ t: number; m: Memory }> = [{ t: 0, m: start }];
  console.log(`soak: ${SECONDS} s, ${CONNECTIONS} connections, ${mix.length} kinds of request, data ${DATA} (${ids.length}+ articles)`);
  console.log(`memory at start: rss ${mb(start.rss)}, heap used ${mb(start.heapUsed)} (after GC)`);
  const t0 = Date.now();
  const sampler = setInterval(() => {
    void memory().then((m) => {
      samples.push({ t: Math.round((Date.now() - t0) / 1000), m });
      console.log(`  t=${Math.round((Date.now() - t0) / 1000)}s rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)}`);
    });
  }, SAMPLE * 1000);

  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: mix.map((r) => ({
      method: r.method ?? 'GET',
      path: r.path,
      headers: r.headers,
      onResponse: (status: number) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== r.expect) {
          const k = `${r.method ?? 'GET'} ${r.path.slice(0, 60)} -> ${status} (expected ${r.expect})`;
          unexpected.set(k, (unexpected.get(k) ?? 0) + 1);
        }
      },
    })),
  });
  clearInterval(sampler);
  const end = await memory();
  samples.push({ t: SECONDS, m: end });

  child.kill('SIGTERM');
  const code = await exited;

  const transportErrors = result.errors + result.timeouts;
  const unexpectedCount = [...unexpected.values()].reduce((a, b) => a + b, 0);
  // Steady growth: every sample after the first third above the one before it, and the end well above the start.
  const later = samples.slice(Math.floor(samples.length / 3));
  const monotonic = later.length > 2 && later.every((s, i) => i === 0 || s.m.heapUsed > later[i - 1]!.m.heapUsed);
  const heapGrowth = end.heapUsed - start.heapUsed;
  const growing = monotonic && heapGrowth > 0.2 * start.heapUsed;

  console.log('\nresults');
  console.log(`  requests: ${result.requests.total} in ${result.duration.toFixed(1)} s (${Math.round(result.requests.average)}/s), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`  statuses: ${[...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  console.log(`  transport errors: ${result.errors}, timeouts: ${result.timeouts}`);
  console.log(`  unexpected statuses: ${unexpectedCount}${unexpectedCount ? `\n    ${[...unexpected].map(([k, n]) => `${k} x${n}`).join('\n    ')}` : ''}`);
  console.log(`  memory: rss ${mb(start.rss)} -> ${mb(end.rss)}, heap used (after GC) ${mb(start.heapUsed)} -> ${mb(end.heapUsed)} (${heapGrowth >= 0 ? '+' : ''}${mb(heapGrowth)})${growing ? ' STEADY GROWTH' : ', no steady growth'}`);
  console.log(`  server exit code after SIGTERM: ${code}`);
  const ok = transportErrors === 0 && unexpectedCount === 0 && !growing && code === 0;
  console.log(ok ? 'soak: passed' : 'soak: FAILED');
  return ok ? 0 : 1;
}

async function waitReady(): Promise<string> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${BASE}/ready`)).ok) return BASE;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become ready:\n${logs}`);
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`soak: FAILED\n${(e as Error).message}`);
    child.kill('SIGKILL');
    process.exit(1);
  },
);
