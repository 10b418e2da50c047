/**
 * Where one update's time goes, in process, as the server makes it: a full load (or a start
 * from a snapshot, `--snapshot FILE` made from the same folder), then single files added,
 * changed and deleted, each through the parse cache with its path named (as the watcher names
 * it) and `Corpus.updateWith` with the segment built on the worker thread, then the merges the
 * policy asks for. Per update: every phase's time and longest stretch without letting requests
 * in (loader and corpus), the event loop's longest stall seen by a 1 ms timer, and RSS / heap.
 * Writes a profile-updates/ folder into DIR and removes it at the end: give it a copy
 * (`cp -al corpus /tmp/copy`) of a corpus that must stay untouched.
 *
 * `--cpu-profile FILE` writes a V8 CPU profile of the updates alone (open it in Chrome's DevTools), and prints the functions that took the most time in them.
 *
 *   node --expose-gc --import tsx bench/reload-profile.ts --corpus DIR [--snapshot FILE] [--reps 3] [--cpu-profile FILE]
 *   node --import tsx bench/reload-profile.ts --blocks SERVER.cpuprofile   (the blocks of a profile taken with node --cpu-prof)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { type Corpus, SegmentBuilder } from '../src/corpus/index.js';
import { loadArticles, ParseCache, type PhaseTimes } from '../src/loader/index.js';
import { startCorpus } from '../src/server.js';

const { values } = parseArgs({ options: { corpus: { type: 'string' }, snapshot: { type: 'string' }, reps: { type: 'string', default: '3' }, 'cpu-profile': { type: 'string' }, blocks: { type: 'string' } } });
if (values.blocks) {
  // `--blocks FILE`: only list the event loop's blocks of a CPU profile taken elsewhere (the server's, `node --cpu-prof`).
  const profile = JSON.parse(readFileSync(values.blocks, 'utf8')) as Parameters<typeof printBlocks>[0] & { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }> };
  printBlocks(profile, new Map(profile.nodes.map((n) => [n.id, n])), [], 40);
  process.exit(0);
}
const dir = path.resolve(values.corpus!);
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const cache = new ParseCache();
const s = performance.now();
const logger = { info: () => undefined, warn: (m: unknown) => console.error(m) };
let current: Corpus = await startCorpus({ dataDir: dir, maxFileBytes: 5 * 1024 * 1024, followSymlinksOutside: false, snapshot: values.snapshot }, logger, cache);
console.log(`# ${new Date().toISOString()} start: ${(performance.now() - s).toFixed(0)} ms, ${current.size} articles, rss ${mb(process.memoryUsage().rss)}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const builder = new SegmentBuilder();
const folder = path.join(dir, 'profile-updates');
mkdirSync(folder, { recursive: true });

/**
 * The longest gap between two ticks of a 1 ms timer while `work` runs: what a request could have
 * waited; and the longest gap in CPU time (the process's user + system ms between two ticks),
 * which a loaded machine stretches far less than the wall-clock gap (a blocked thread waiting
 * for a core uses none).
 */
async function stalls<T>(work: () => Promise<T>): Promise<{ value: T; longestStallMs: number; longestCpuMs: number; peakRss: number }> {
  let last = performance.now();
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let lastCpu = cpuNow();
  let longest = 0;
  let longestCpu = 0;
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuNow();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 1);
  const from = process.hrtime.bigint() / 1000n;
  const value = await work();
  windows.push({ label: currentLabel, from: Number(from), to: Number(process.hrtime.bigint() / 1000n) });
  clearInterval(timer);
  longest = Math.max(longest, performance.now() - last);
  longestCpu = Math.max(longestCpu, cpuNow() - lastCpu);
  return { value, longestStallMs: longest, longestCpuMs: longestCpu, peakRss };
}

/** When each update and merge ran (µs of the monotonic clock the CPU profile's timestamps use), to name the blocks. */
const windows: Array<{ label: string; from: number; to: number }> = [];
let currentLabel = '';

const rows: Array<{ op: string; totalMs: number; stallMs: number; cpuMs: number; phases: PhaseTimes }> = [];
const merges: Array<{ stallMs: number; cpuMs: number }> = [];
async function update(op: string, rel: string): Promise<void> {
  currentLabel = `${rows.length + 1}. ${op}`;
  // A forced full GC would show in the profile as a block of its own: with --cpu-profile the heap is left as the server would have it.
  if (!values['cpu-profile']) (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  const { value: next, longestStallMs, longestCpuMs, peakRss } = await stalls(async () => {
    const load = await loadArticles(dir, { cache, changedPaths: [{ path: rel }] });
    return current.updateWith(load, builder.build);
  });
  const totalMs = performance.now() - started;
  current = next;
  rows.push({ op, totalMs, stallMs: longestStallMs, cpuMs: longestCpuMs, phases: next.phases ?? {} });
  console.log(`${op}: ${totalMs.toFixed(0)} ms, longest stall ${longestStallMs.toFixed(1)} ms (${longestCpuMs.toFixed(1)} ms of CPU), change ${JSON.stringify(next.change)}, rss ${mb(rssBefore)} -> peak ${mb(peakRss)} (+${mb(peakRss - rssBefore)})`);
  // the merges the policy asks for after the swap, as the server's merger makes them
  for (;;) {
    const merge = current.pendingMerge();
    if (!merge) break;
    currentLabel = `${rows.length}. merge after ${op}`;
    const m = await stalls(() => current.mergedWith(merge[0], merge[1], builder.build));
    current = m.value;
    merges.push({ stallMs: m.longestStallMs, cpuMs: m.longestCpuMs });
    console.log(`  merge [${merge[0]}, ${merge[1]}): longest stall ${m.longestStallMs.toFixed(1)} ms (${m.longestCpuMs.toFixed(1)} ms of CPU), peak rss ${mb(m.peakRss)}`);
  }
}

const profiler = values['cpu-profile'] ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
  await profiler.post('Profiler.start');
}
const story = (token: string) => `Harbour ${token} report\n\nThe ${token} harbour report was filed on March 3, 2022 by dock officials.\n\nMore about ${token} follows.\n`;
for (let rep = 0; rep < Number(values.reps); rep++) {
  const rel = `profile-updates/p${rep}.txt`;
  writeFileSync(path.join(dir, rel), story(`zzprof${rep}`));
  await update('add', rel);
  writeFileSync(path.join(dir, rel), story(`zzedit${rep}`));
  await update('modify', rel);
  rmSync(path.join(dir, rel));
  await update('delete', rel);
}
rmSync(folder, { recursive: true, force: true });
await builder.close();
if (profiler) {
  const { profile } = (await profiler.post('Profiler.stop')) as { profile: { startTime: number; nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] } };
  writeFileSync(values['cpu-profile']!, JSON.stringify(profile));
  // Self time per function (sampled).
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log('\nself time (ms) in the updates, top 25:');
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms.toFixed(0).padStart(7)}  ${name}`);
  printBlocks(profile, byNode, windows);
}

/**
 * The event loop's blocks in the profile: stretches of consecutive samples that are not idle
 * (what a request arriving then waits for), longest first, each with the project's functions on
 * the stack most often in it (inclusive) and the functions that took its time (self).
 */
function printBlocks(
  profile: { startTime: number; samples: number[]; timeDeltas: number[] },
  byNode: Map<number, { id: number; parent?: number; callFrame: { functionName: string; url: string; lineNumber: number } }>,
  spans: ReadonlyArray<{ label: string; from: number; to: number }>,
  minMs = 20,
): void {
  const parentOf = new Map<number, number>();
  for (const n of byNode.values()) for (const c of (n as { children?: number[] }).children ?? []) parentOf.set(c, n.id);
  const label = (f: { functionName: string; url: string; lineNumber: number }) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  const blocks: Array<{ ms: number; at: number; inclusive: Map<string, number>; self: Map<string, number> }> = [];
  let current: (typeof blocks)[number] | null = null;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const f = byNode.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      if (current && current.ms >= minMs) blocks.push(current);
      current = null;
      return;
    }
    current ??= { ms: 0, at, inclusive: new Map(), self: new Map() };
    current.ms += dt;
    current.self.set(label(f), (current.self.get(label(f)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
      const frame = byNode.get(n)!.callFrame;
      if (!frame.url.includes('/src/')) continue;
      const name = label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      current.inclusive.set(name, (current.inclusive.get(name) ?? 0) + dt);
    }
  });
  if (current && (current as { ms: number }).ms >= minMs) blocks.push(current);
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('; ');
  console.log(`\nblocks of the event loop >= ${minMs} ms (not idle), longest first: ${blocks.length}`);
  const during = (b: { at: number }) => spans.find((w) => b.at >= w.from && b.at <= w.to)?.label ?? 'between updates';
  for (const b of blocks.sort((x, y) => y.ms - x.ms).slice(0, 30)) console.log(`${b.ms.toFixed(0).padStart(6)} ms  (${during(b)})  self: ${top(b.self, 3)}\n           in: ${top(b.inclusive, 6)}`);
}

// Per phase: median time and the longest block over all updates.
const names = [...new Set(rows.flatMap((r) => Object.keys(r.phases)))];
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`\n| phase (${rows.length} updates) | median ms | longest block ms |\n|---|---|---|`);
for (const n of names) {
  const xs = rows.map((r) => r.phases[n]?.ms ?? 0);
  const blocks = rows.map((r) => r.phases[n]?.longestBlockMs ?? 0);
  console.log(`| ${n} | ${median(xs).toFixed(1)} | ${Math.max(...blocks).toFixed(1)} |`);
}
console.log(`| whole update | ${median(rows.map((r) => r.totalMs)).toFixed(1)} | ${Math.max(...rows.map((r) => r.stallMs)).toFixed(1)} (1 ms timer) |`);
// The first update after a start from a snapshot runs the loader's full passes once: the others are what every later change costs.
const later = rows.slice(1);
const show = (xs: number[]) => (xs.length === 0 ? '–' : `median ${median(xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}`);
console.log(`\nlongest block per update after the first (${later.length}): ${show(later.map((r) => r.stallMs))} ms wall, ${show(later.map((r) => r.cpuMs))} ms CPU`);
console.log(`longest block per merge (${merges.length}): ${show(merges.map((m) => m.stallMs))} ms wall, ${show(merges.map((m) => m.cpuMs))} ms CPU`);
console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
