/**
 * What an update costs: the server with --watch on a copy of a corpus, the update path (index
 * segments) against the full-rebuild path (--full-reload, what every change did before), side by
 * side in one run. Per mode: start-up to /health 200 (from files, and from a snapshot), then
 * single files added, modified and deleted and batches of 100 added and deleted while one client
 * polls /search every 50 ms for the change and another sends searches back to back:
 * visibility latency (file written → /search shows it), the longest request while updates run,
 * 503s, peak RSS during updates against steady RSS. In process: search p95 with 10 unmerged
 * segments against one merged, and retained heap against raw text.
 *
 *   npm run build && node --expose-gc --import tsx bench/update-bench.ts --corpus ../shared/corpora/bbc-news [--reps 5] [--seed 1]
 *
 * Copies the corpus to a temporary folder (the original is never touched). Uses dist/server.js.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { makeSnapshot } from '../src/cli/snapshot.js';
import { fingerprintDataDir } from '../src/snapshot/files.js';
import { Corpus } from '../src/corpus/index.js';
import { loadArticles } from '../src/loader/index.js';
import { parseQuery, SearchIndex, topK } from '../src/search/index.js';
import { startModuleWorker } from '../src/worker-module.js';
import { requiredArg } from './lib/args.js';
import { mulberry32 } from './lib/prng.js';
import type { SearchLoadResult } from './lib/search-load-worker.js';
import { fullGc, heapBytes, percentile } from './lib/stats.js';
import { shippedNodeFlags } from './lib/shipped-flags.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { corpus: { type: 'string' }, reps: { type: 'string' }, seed: { type: 'string' }, modes: { type: 'string' }, parts: { type: 'string' }, 'in-place': { type: 'boolean' }, 'server-node-options': { type: 'string' } },
});
const USAGE = 'node --expose-gc --import tsx bench/update-bench.ts --corpus <dir> [--reps 5] [--seed 1] [--modes update,full] [--parts updates,snapshot,in-process] [--in-place] [--server-node-options="--cpu-prof --cpu-prof-dir=DIR"]';
/** Extra node flags for the server (a CPU profile or --trace-gc of the updates; its log is kept beside a profile). */
const SERVER_NODE_OPTIONS = (values['server-node-options'] ?? '').split(' ').filter((x) => x !== '');
const CORPUS = path.resolve(requiredArg(values.corpus, 'corpus', USAGE));
const REPS = Number(values.reps ?? 5);
const SEED = Number(values.seed ?? 1);
const MODES = (values.modes ?? 'update,full').split(',') as Array<'update' | 'full'>;
/** Which parts to run: the servers under updates, the snapshot start-up, the in-process search and heap figures. */
const PARTS = new Set((values.parts ?? 'updates,snapshot,in-process').split(','));
/** Use the corpus folder itself (only a bench-updates/ folder is added and removed in it): no copy of a large corpus. */
const IN_PLACE = values['in-place'] === true;
const work = mkdtempSync(path.join(tmpdir(), 'update-bench-'));
const random = mulberry32(SEED);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

interface Server {
  child: ChildProcess;
  base: string;
  readyMs: number;
}

async function start(dataDir: string, extra: string[], env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const log = openSync(path.join(work, `server-${port}.log`), 'w');
  const child = spawn(process.execPath, [...shippedNodeFlags(ROOT), '--max-old-space-size=8192', ...SERVER_NODE_OPTIONS, path.join(ROOT, 'dist/server.js'), '--data', dataDir, ...extra], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_MAX: '0', LOG_LEVEL: SERVER_NODE_OPTIONS.length > 0 ? 'info' : 'warn', LOG_PRETTY: 'false', RESPONSE_CACHE_ENTRIES: '0' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`);
      await res.arrayBuffer();
      if (res.ok) return { child, base, readyMs: performance.now() - started };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const done = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await done;
}

/** Words to search for: drawn uniformly from the corpus's headlines. */
function headlineWords(dir: string, max = 2000): string[] {
  const words = new Set<string>();
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (words.size >= max) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.txt')) for (const w of readFileSync(p, 'utf8').split('\n')[0]!.toLowerCase().match(/[a-z]{4,}/gu) ?? []) words.add(w);
    }
  };
  visit(dir);
  return [...words];
}

/** Sends searches back to back on a thread of its own (bench/lib/search-load-worker.ts); `stop` returns what it measured. */
function backgroundLoad(base: string, words: readonly string[]): { stop: () => Promise<SearchLoadResult> } {
  const worker = startModuleWorker(import.meta.url, 'lib/search-load-worker', { base, words, seed: Math.floor(random() * 2 ** 32) });
  const done = new Promise<SearchLoadResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const result = await done;
      await worker.terminate();
      return result;
    },
  };
}

async function total(base: string, q: string): Promise<number> {
  try {
    const res = await fetch(`${base}/search?q=${encodeURIComponent(q)}&limit=1`);
    const body = (await res.json()) as { total?: number };
    return body.total ?? -1;
  } catch {
    return -1; // refused or reset: keep polling (a dead server ends in the timeout)
  }
}

/** Polls /search every 50 ms until `q` has `want` hits; ms from `since`. */
async function visible(base: string, q: string, want: number, since: number, timeoutMs = 600_000): Promise<number> {
  for (;;) {
    if ((await total(base, q)) === want) return performance.now() - since;
    if (performance.now() - since > timeoutMs) return NaN;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const story = (token: string, n: number) =>
  `Harbour ${token} report ${n}\n\nThe ${token} harbour report ${n} was filed on March 3, 2022 by dock officials.\n\nMore about ${token} follows.\n`;

async function runMode(mode: 'update' | 'full', words: readonly string[]): Promise<Record<string, string | number>> {
  const data = IN_PLACE ? CORPUS : path.join(work, `data-${mode}`);
  if (!IN_PLACE) {
    rmSync(data, { recursive: true, force: true });
    cpSync(CORPUS, data, { recursive: true });
  }
  const server = await start(data, ['--watch', ...(mode === 'full' ? ['--full-reload'] : [])]);
  const pid = server.child.pid!;
  // steady state: a few seconds of load, then RSS
  const warm = backgroundLoad(server.base, words);
  await new Promise((r) => setTimeout(r, 3000));
  const steadyLoad = await warm.stop();
  const steadyRss = rssOf(pid);
  let peakRss = steadyRss;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssOf(pid));
    } catch {
      /* exited */
    }
  }, 50);
  // this thread's event loop (files written, polls, RSS): the search client runs on its own thread beside it
  const ownDelay = monitorEventLoopDelay({ resolution: 10 });
  ownDelay.enable();
  const load = backgroundLoad(server.base, words);
  const latency: Record<string, number[]> = { add: [], modify: [], delete: [], 'add 100': [], 'delete 100': [] };
  const folder = path.join(data, 'bench-updates');
  mkdirSync(folder, { recursive: true });
  for (let rep = 0; rep < REPS; rep++) {
    const token = `zq${mode}${rep}x${Math.floor(random() * 1e6)}`;
    const file = path.join(folder, `${token}.txt`);
    let t = performance.now();
    writeFileSync(file, story(token, rep));
    latency.add!.push(await visible(server.base, token, 1, t));
    // a token of its own: one a letter away from the first would be found at once by /search's typo tolerance
    const changed = `zqedit${mode}${rep}x${Math.floor(random() * 1e6)}`;
    t = performance.now();
    writeFileSync(file, story(changed, rep));
    latency.modify!.push(await visible(server.base, changed, 1, t));
    t = performance.now();
    rmSync(file);
    latency.delete!.push(await visible(server.base, changed, 0, t));
  }
  for (let rep = 0; rep < Math.max(1, Math.floor(REPS / 2)); rep++) {
    const token = `zqbatch${mode}${rep}x${Math.floor(random() * 1e6)}`;
    const files = Array.from({ length: 100 }, (_, i) => path.join(folder, `${token}-${i}.txt`));
    let t = performance.now();
    files.forEach((f, i) => writeFileSync(f, story(token, i)));
    latency['add 100']!.push(await visible(server.base, token, 100, t));
    t = performance.now();
    for (const f of files) rmSync(f);
    latency['delete 100']!.push(await visible(server.base, token, 0, t));
  }
  const during = await load.stop();
  ownDelay.disable();
  clearInterval(sampler);
  const slowest = during.latencies.map((ms, i) => [ms, during.startedAt[i]!] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
  console.error(`slowest requests (${mode}): ${slowest.map(([ms, at]) => `${ms.toFixed(0)} ms at ${new Date(at).toISOString()} (${at.toFixed(0)})`).join(', ')}`);
  const health = (await (await fetch(`${server.base}/health`).catch(() => null))?.json().catch(() => ({}))) as { index?: { segments: number; deletedShare: number } } | undefined;
  await stop(server);
  if (IN_PLACE) rmSync(folder, { recursive: true, force: true });
  const out: Record<string, string | number> = { mode, 'start (files) → /health 200': `${(server.readyMs / 1000).toFixed(2)} s` };
  for (const [op, xs] of Object.entries(latency)) out[`visible p95: ${op}`] = `${(percentile(xs, 95) / 1000).toFixed(2)} s (n=${xs.length}, max ${(Math.max(...xs) / 1000).toFixed(2)} s)`;
  out['longest request during updates'] = `${Math.max(...during.latencies).toFixed(0)} ms`;
  out['request p99 during updates'] = `${percentile(during.latencies, 99).toFixed(1)} ms`;
  out["the search client's own longest event-loop delay"] = `${during.ownDelayMaxMs.toFixed(0)} ms`;
  out["the bench's main thread's longest event-loop delay (files written, polls)"] = `${(ownDelay.max / 1e6).toFixed(0)} ms`;
  out['503s during updates'] = during.status503;
  out['other errors'] = during.errors;
  out['steady RSS'] = `${(steadyRss / 1048576).toFixed(0)} MB`;
  out['peak RSS during updates'] = `${(peakRss / 1048576).toFixed(0)} MB (${(peakRss / steadyRss).toFixed(2)}x)`;
  out['search p95 steady (HTTP)'] = `${percentile(steadyLoad.latencies, 95).toFixed(1)} ms`;
  out['index segments at the end'] = health?.index ? `${health.index.segments} (deleted ${(health.index.deletedShare * 100).toFixed(1)}%)` : 'n/a';
  return out;
}

async function snapshotStart(): Promise<Record<string, string>> {
  const data = IN_PLACE ? CORPUS : path.join(work, 'data-snapshot');
  if (!IN_PLACE) {
    rmSync(data, { recursive: true, force: true });
    cpSync(CORPUS, data, { recursive: true });
  }
  const file = path.join(work, 'bench.snapshot');
  const made = await makeSnapshot(data, file);
  const fromFiles = await start(data, []);
  await stop(fromFiles);
  const fromSnapshot = await start(data, ['--snapshot', file]);
  await stop(fromSnapshot);
  return {
    'snapshot write': `${(made.ms / 1000).toFixed(1)} s, ${(statSync(file).size / 1048576).toFixed(0)} MB`,
    'start from files → /health 200': `${(fromFiles.readyMs / 1000).toFixed(2)} s`,
    'start from snapshot → /health 200': `${(fromSnapshot.readyMs / 1000).toFixed(2)} s`,
  };
}

/** In process: search latency over 10 unmerged segments against one merged segment, and heap against raw text. */
async function inProcess(words: readonly string[]): Promise<Record<string, string>> {
  fullGc();
  const before = heapBytes();
  const load = await loadArticles(CORPUS, { syncRead: true });
  const corpus = new Corpus(load);
  fullGc();
  const heap = heapBytes() - before;
  // raw text: the article files' bytes, as bench/http/load-probe.ts counts them
  const raw = (await fingerprintDataDir(CORPUS)).reduce((sum, [, size]) => sum + size, 0);
  const docs = load.articles;
  const one = SearchIndex.build(docs);
  let ten = SearchIndex.build(docs.slice(0, Math.ceil(docs.length / 10)));
  for (let k = 1; k < 10; k++) ten = ten.withChanges({ add: docs.slice(Math.ceil((k * docs.length) / 10), Math.ceil(((k + 1) * docs.length) / 10)) });
  const queries = Array.from({ length: 400 }, () => parseQuery(`${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]}`));
  const time = (index: SearchIndex): number[] =>
    queries.map((q) => {
      const t = performance.now();
      const r = index.match(q);
      topK(r.docs, r.scores, 10);
      return performance.now() - t;
    });
  time(one);
  time(ten); // warm-up
  const rounds: Array<[number, number]> = [];
  for (let round = 0; round < 3; round++) rounds.push([percentile(time(one), 95), percentile(time(ten), 95)]);
  const oneP95 = Math.min(...rounds.map((r) => r[0]));
  const tenP95 = Math.min(...rounds.map((r) => r[1]));
  void corpus;
  return {
    'search p95, 1 merged segment (in process, best of 3 rounds)': `${(oneP95 * 1000).toFixed(0)} µs`,
    'search p95, 10 unmerged segments': `${(tenP95 * 1000).toFixed(0)} µs (${(tenP95 / oneP95).toFixed(2)}x)`,
    'retained heap (records + index) / raw text': `${(heap / 1048576).toFixed(0)} MB / ${(raw / 1048576).toFixed(0)} MB (file bytes) = ${(heap / raw).toFixed(2)}x`,
  };
}

const words = headlineWords(CORPUS);
console.log(`# update bench: ${CORPUS}, reps ${REPS}, seed ${SEED}, ${new Date().toISOString()}, node ${process.version}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const rows: Array<Record<string, string | number>> = [];
for (const mode of PARTS.has('updates') ? MODES : []) {
  const row = await runMode(mode, words);
  rows.push(row);
  console.error(`done: ${mode} ${JSON.stringify(row)}`); // kept even if a later mode fails
}
const keys = rows.length > 0 ? Object.keys(rows[0]!).filter((k) => k !== 'mode') : [];
console.log(`\n| | ${rows.map((r) => r.mode === 'update' ? 'update (segments)' : 'full rebuild (--full-reload)').join(' | ')} |`);
console.log(`|---|${rows.map(() => '---').join('|')}|`);
for (const k of keys) console.log(`| ${k} | ${rows.map((r) => r[k]).join(' | ')} |`);
console.log('');
if (PARTS.has('snapshot')) for (const [k, v] of Object.entries(await snapshotStart())) console.log(`- ${k}: ${v}`);
if (PARTS.has('in-process')) for (const [k, v] of Object.entries(await inProcess(words))) console.log(`- ${k}: ${v}`);
if (SERVER_NODE_OPTIONS.length > 0) console.log(`server logs kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
