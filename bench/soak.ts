/**
 * Soak: the real server process under a steady mix of valid and invalid requests for a set time,
 * then a report of transport errors, statuses other than each request's expected one, latency,
 * and the server's memory (RSS and heap after a full GC) at the start, every --sample seconds,
 * and at the end. Zero errors, zero unexpected statuses and no steady memory growth expected.
 *
 *   npm run soak -- [--seconds 60] [--connections 16] [--sample 10] [--data DIR] [--plain] [--flood 1100] [--costly 32] [--seed 1]
 *
 * The server runs with rate limiting on but set out of reach (one client sends everything) and
 * LOG_LEVEL=warn (a log line per request would measure the disk). Exit code 1 when any check fails.
 *
 * Then, unless --plain, the hostile mixes (bench/lib/hostile.ts), with the server started under
 * `ulimit -n 1024` and --watch on a copy of the data folder: an ordinary client (one keep-alive
 * connection, random two-word searches and lookups) timed alone, then while --costly loopback
 * addresses send costly searches; then while --flood idle connections are opened and held, and
 * the data folder is renamed into place and later deleted and recreated. /health is sampled
 * throughout: the corpus must never be empty or smaller, and no ordinary answer may be a 5xx.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { intArg, parseCli } from './lib/args.js';
import { agentFrom, costlyClients, deleteAndRecreate, get, idleFlood, ordinaryClient, renameIntoPlace } from './lib/hostile.js';
import { freePort } from '../scripts/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BBC = path.resolve(ROOT, '../shared/corpora/bbc-news');
const args = parseCli(
  {
    seconds: { type: 'string' },
    connections: { type: 'string' },
    sample: { type: 'string' },
    data: { type: 'string' },
    plain: { type: 'boolean' },
    flood: { type: 'string' },
    costly: { type: 'string' },
    seed: { type: 'string' },
  },
  'npm run soak -- [--seconds 60] [--connections 16] [--sample 10] [--data DIR] [--plain] [--flood 1100] [--costly 32] [--seed 1]',
);
const SECONDS = intArg(args.seconds, 'seconds', 60);
const CONNECTIONS = intArg(args.connections, 'connections', 16);
const SAMPLE = intArg(args.sample, 'sample', 10);
const SOURCE = String(args.data ?? (existsSync(BBC) ? BBC : path.join(ROOT, 'data')));
const HOSTILE = !args.plain;
const FLOOD = intArg(args.flood, 'flood', 1100);
const COSTLY = intArg(args.costly, 'costly', 32);
const SEED = intArg(args.seed, 'seed', 1);
const OPEN_FILES = 1024;
// The hostile mixes replace the data folder: a copy, never the source.
const WORK = HOSTILE ? mkdtempSync(path.join(tmpdir(), 'news-soak-')) : null;
const DATA = WORK ? path.join(WORK, 'data') : SOURCE;
if (WORK) cpSync(SOURCE, DATA, { recursive: true });

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
}
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const PORT = await freePort();
const BASE = `http://127.0.0.1:${PORT}`;

const serverArgv = [process.execPath, '--expose-gc', '--import', 'tsx', '--import', './bench/lib/memory-probe.ts', 'src/server.ts'];
// Hostile: under a 1,024 open-files limit (bash's ulimit, then exec: the pid is the server's).
const [command, ...commandArgs] = HOSTILE ? ['bash', '-c', `ulimit -n ${OPEN_FILES} && exec "$@"`, 'bash', ...serverArgv] : serverArgv;
const child = spawn(command!, commandArgs, {
  cwd: ROOT,
  env: {
    ...process.env,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    DATA_DIR: DATA,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    RATE_LIMIT_MAX: '1000000000',
    ...(HOSTILE ? { WATCH: 'true' } : {}),
  },
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
  const hostile = HOSTILE ? await hostileMixes(base, ids) : null;
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
  if (hostile) for (const line of hostile.report) console.log(line);
  if (WORK) rmSync(WORK, { recursive: true, force: true });
  const ok = transportErrors === 0 && unexpectedCount === 0 && !growing && code === 0 && (hostile?.ok ?? true);
  console.log(ok ? 'soak: passed' : 'soak: FAILED');
  return ok ? 0 : 1;
}

interface Health {
  articles: number;
  status: string;
  watch?: { state: string };
  reload: { lastError: string | null };
}

/** The hostile phases (see the header); returns report lines and whether every check held. */
async function hostileMixes(base: string, ids: string[]): Promise<{ report: string[]; ok: boolean }> {
  const report: string[] = ['', 'hostile mixes'];
  const healthAgent = agentFrom();
  const health = async () => {
    const a = await get(healthAgent, base, '/health');
    return a.status === 200 ? (JSON.parse(a.body) as Health) : null;
  };
  const before = (await health())!;
  const titles = ((await (await fetch(`${base}/articles?limit=100`)).json()) as { items: Array<{ title: string }> }).items;
  const words = [...new Set(titles.flatMap((t) => t.title.toLowerCase().match(/[a-z]{4,}/gu) ?? []))];
  const phase = Math.max(10, Math.round(SECONDS / 3));
  const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
  const fmt = (r: { requests: number; p50: number; p99: number; max: number; statuses: Map<number, number> }) =>
    `${r.requests} requests, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, statuses ${[...r.statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`;
  const fiveXx = (m: Map<number, number>) => [...m].filter(([s]) => s >= 500 || s === 0).reduce((a, [, n]) => a + n, 0);

  // 1. The ordinary client alone, then with costly searches from many addresses.
  let ordinary = ordinaryClient(base, words, ids, SEED);
  await sleep(phase);
  const alone = await ordinary.stop();
  ordinary = ordinaryClient(base, words, ids, SEED + 1);
  const costly = costlyClients(base, COSTLY, SEED + 2);
  await sleep(phase);
  const crowded = await ordinary.stop();
  const costlyStatuses = await costly.stop();
  report.push(`  ordinary client alone (${phase} s): ${fmt(alone)}`);
  report.push(`  ordinary client with costly searches from ${COSTLY} addresses (${phase} s): ${fmt(crowded)}`);
  report.push(`  costly searches: ${[...costlyStatuses].map(([s, n]) => `${s}: ${n}`).join(', ')} (422: over the budget; 503: past the costly share)`);

  // 2. Idle connections past the descriptor limit, and the data folder replaced twice, while the ordinary client keeps asking.
  ordinary = ordinaryClient(base, words, ids, SEED + 3);
  const seen: number[] = [];
  const byStep = new Map<string, number[]>();
  let step = 'flood';
  let healthFailures = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const h = await health();
      if (h) {
        seen.push(h.articles);
        byStep.set(step, [...(byStep.get(step) ?? []), h.articles]);
      } else healthFailures++;
      await sleep(0.25);
    }
  })();
  const flood = await idleFlood(PORT, FLOOD);
  report.push(`  descriptor flood: ${FLOOD} idle connections held under ulimit -n ${OPEN_FILES} (${flood.opened} completed the TCP handshake; past MAX_CONNECTIONS the server closes them at once)`);
  await sleep(phase / 3);
  step = 'renamed into place';
  await renameIntoPlace(DATA, SOURCE);
  await sleep(phase / 3);
  step = 'deleted and copied back';
  await deleteAndRecreate(DATA, SOURCE);
  await sleep(phase / 3);
  step = 'flood released';
  flood.release();
  await sleep(3);
  sampling = false;
  await sampler;
  const resilient = await ordinary.stop();
  const after = (await health())!;
  healthFailures += seen.length === 0 ? 1 : 0;
  report.push(`  ordinary client meanwhile: ${fmt(resilient)}`);
  report.push(
    `  /health sampled ${seen.length} times (articles min-max by step: ${[...byStep].map(([k, v]) => `${k} ${Math.min(...v)}-${Math.max(...v)}`).join('; ')}; before: ${before.articles}); unanswered samples: ${healthFailures}`,
  );
  report.push(`  after: articles ${after.articles}, status ${after.status}, watch ${after.watch?.state ?? 'n/a'}, reload.lastError ${JSON.stringify(after.reload.lastError)}`);
  healthAgent.destroy();
  const checks = {
    'no 5xx or transport error for the ordinary client': fiveXx(alone.statuses) + fiveXx(crowded.statuses) + fiveXx(resilient.statuses) === 0,
    'ordinary p99 under 50 ms with costly searches': crowded.p99 < 50,
    // A folder copied file by file may be read half copied (a partial corpus for a moment, then
    // the whole one); never empty, never past the drop guard (RELOAD_MAX_DROP, 50%).
    'corpus never empty, never below half, whole at the end': seen.length > 0 && Math.min(...seen) >= before.articles / 2 && after.articles === before.articles,
    'watching again after the folder was replaced': after.watch?.state === 'watching',
    'still running': child.exitCode === null,
  };
  for (const [what, held] of Object.entries(checks)) report.push(`  ${held ? 'ok  ' : 'FAIL'} ${what}`);
  return { report, ok: Object.values(checks).every(Boolean) };
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
