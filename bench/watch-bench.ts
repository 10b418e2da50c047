/**
 * Watching a large data folder: set-up time, memory, and what a burst of new files does to the
 * event loop, for our per-folder watcher (src/corpus/watcher.ts), Node's recursive fs.watch, and,
 * when installed, chokidar and @parcel/watcher. Each runs in its own child process; the parent
 * writes the burst, so the child's event loop only watches.
 *
 *   npm i --no-save chokidar@5 @parcel/watcher    # optional: the two libraries compared
 *   npx tsx bench/watch-bench.ts [--files 20000] [--folders 100] [--burst 5000] [--only ours,parcel]
 *
 * Figures: setup = until the watcher is ready; rss = the child's RSS growth from before set-up;
 * burst = from the first new file written until the watcher reported all of them; lag max = the
 * largest event-loop delay seen meanwhile (monitorEventLoopDelay, 10 ms resolution).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { intArg, parseCli } from './lib/args.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
const CANDIDATES = ['ours', 'node-recursive', 'chokidar', 'parcel'] as const;
type Candidate = (typeof CANDIDATES)[number];

const args = parseCli(
  { files: { type: 'string' }, folders: { type: 'string' }, burst: { type: 'string' }, only: { type: 'string' }, child: { type: 'string' }, dir: { type: 'string' } },
  'npx tsx bench/watch-bench.ts [--files 20000] [--folders 100] [--burst 5000] [--only ours,parcel]',
);
const story = (i: number) => `Headline ${i}\n\nBody of article ${i}.\n`;

if (args.child) await child(args.child as Candidate, String(args.dir), intArg(args.burst, 'burst', 5000));
else await parent();

async function parent(): Promise<void> {
  const files = intArg(args.files, 'files', 20000);
  const folders = intArg(args.folders, 'folders', 100);
  const burst = intArg(args.burst, 'burst', 5000);
  console.log(`watch bench: ${files} files in ${folders} folders, then a burst of ${burst} new files (node ${process.version}, ${new Date().toISOString()})`);
  const only = args.only ? String(args.only).split(',') : null;
  for (const who of CANDIDATES.filter((c) => !only || only.includes(c))) {
    const dir = mkdtempSync(path.join(tmpdir(), 'watch-bench-'));
    for (let f = 0; f < folders; f++) mkdirSync(path.join(dir, `f${f}`));
    for (let i = 0; i < files; i++) writeFileSync(path.join(dir, `f${i % folders}`, `a${i}.txt`), story(i));
    const proc = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', who, '--dir', dir, '--burst', String(burst)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let writing = false;
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY\n') && !writing) {
        writing = true;
        void (async () => {
          for (let i = 0; i < burst; i++) await writeFile(path.join(dir, `f${i % folders}`, `new${i}.txt`), story(i));
        })();
      }
    });
    await new Promise((r) => proc.once('exit', r));
    const line = out.split('\n').find((l) => l.startsWith('{'));
    const r = line ? (JSON.parse(line) as Record<string, unknown>) : null;
    if (!r) console.log(`  ${who.padEnd(15)} failed:\n${out}`);
    else if (r.skipped) console.log(`  ${who.padEnd(15)} skipped: ${String(r.skipped)}`);
    else
      console.log(
        `  ${who.padEnd(15)} setup ${String(r.setupMs).padStart(6)} ms, rss +${String(r.rssMb).padStart(6)} MB, burst ${String(r.burstMs).padStart(6)} ms (${r.seen}/${burst} seen), lag max ${String(r.lagMaxMs).padStart(6)} ms`,
      );
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(who: Candidate, dir: string, burst: number): Promise<void> {
  const seen = new Set<string>();
  let firstAt = 0;
  let doneAt = 0;
  const note = (p: string) => {
    const name = path.basename(p);
    if (!name.startsWith('new')) return;
    if (!firstAt) firstAt = performance.now();
    seen.add(name);
    if (seen.size === burst && !doneAt) doneAt = performance.now();
  };
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let close: () => unknown;
  try {
    close = await start(who, dir, note);
  } catch (e) {
    console.log(JSON.stringify({ skipped: (e as Error).message.split('\n')[0] }));
    process.exit(0);
  }
  const setupMs = Math.round(performance.now() - t0);
  const rssMb = ((process.memoryUsage().rss - rss0) / 1024 / 1024).toFixed(1);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  process.stdout.write('READY\n');
  const deadline = performance.now() + 120_000;
  while (!doneAt && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  lag.disable();
  await close();
  console.log(JSON.stringify({ setupMs, rssMb, burstMs: doneAt ? Math.round(doneAt - firstAt) : 'timeout', seen: seen.size, lagMaxMs: Math.round(lag.max / 1e6) }));
  process.exit(0);
}

async function start(who: Candidate, dir: string, note: (p: string) => void): Promise<() => unknown> {
  if (who === 'ours') {
    const { DataDirWatcher } = await import('../src/corpus/watcher.js');
    const w = new DataDirWatcher({ root: dir, onChanges: (c) => c !== 'all' && c.forEach((x) => note(x.path)) });
    await w.start();
    return () => w.close();
  }
  if (who === 'node-recursive') {
    const { watch } = await import('node:fs');
    const w = watch(dir, { recursive: true }, (_t, name) => name && note(String(name)));
    return () => w.close();
  }
  if (who === 'chokidar') {
    const name = 'chokidar';
    const chokidar = (await import(name)) as typeof import('node:fs') & { watch: (d: string, o: object) => import('node:events').EventEmitter & { close(): Promise<void> } };
    const w = chokidar.watch(dir, { ignoreInitial: true });
    await new Promise((r) => w.once('ready', r));
    w.on('add', note);
    w.on('change', note);
    return () => w.close();
  }
  const name = '@parcel/watcher';
  const parcel = (await import(name)) as { subscribe: (d: string, cb: (err: unknown, events: Array<{ path: string }>) => void) => Promise<{ unsubscribe(): Promise<void> }> };
  const sub = await parcel.subscribe(dir, (_err, events) => events.forEach((e) => note(e.path)));
  return () => sub.unsubscribe();
}
