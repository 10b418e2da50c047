/**
 * What single-file updates allocate at 100,000 articles, in process (no HTTP, no files): a corpus
 * restored from a snapshot takes `--reps` rounds of one article added, changed and deleted (each
 * update's new segment built beforehand, as the server's worker would), every merge the default
 * policy asks for made after each. Per kind of step: how many, the median and longest time, and
 * the bytes of the typed arrays it made (Float64/Int32/Uint32/Uint16/Float32Array, counted by
 * subclasses put in place of those globals before anything is read; views of an existing buffer
 * are not counted): typed arrays live outside V8's heap and every megabyte of them advances its
 * major GC. The segment builds (the worker's part in the server) are left out. Then the GCs seen.
 *
 *   node --expose-gc --max-old-space-size=8192 --import tsx bench/update-alloc.ts --snapshot c100.snapshot [--reps 30]
 *
 * Make the snapshot with `node dist/cli/snapshot.js --data DIR --out FILE`. Timings are of one
 * process with nothing else on its event loop: read the allocations and merge counts, not the ms.
 */
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Article } from '../src/articles/schema.js';
import { Corpus } from '../src/corpus/index.js';
import type { LoadResult } from '../src/loader/index.js';
import { buildSegment, type SearchDocument, type Segment } from '../src/search/index.js';
import { readSnapshot } from '../src/snapshot/files.js';
import { requiredArg } from './lib/args.js';

/** Bytes of typed arrays made since the start (not views of an existing buffer). */
const made = { bytes: 0 };
for (const name of ['Float64Array', 'Int32Array', 'Uint32Array', 'Uint16Array', 'Float32Array'] as const) {
  const Base = globalThis[name] as unknown as new (...args: unknown[]) => ArrayBufferView;
  const Counted = class extends Base {
    constructor(...args: unknown[]) {
      super(...args);
      if (!(args[0] instanceof ArrayBuffer) && !(args[0] instanceof SharedArrayBuffer)) made.bytes += this.byteLength;
    }
  };
  Object.defineProperty(globalThis, name, { value: Counted, writable: true, configurable: true });
}

const { values } = parseArgs({ options: { snapshot: { type: 'string' }, reps: { type: 'string' } } });
const USAGE = 'node --expose-gc --max-old-space-size=8192 --import tsx bench/update-alloc.ts --snapshot FILE [--reps 30]';
const REPS = Number(values.reps ?? 30);
const content = await readSnapshot(requiredArg(values.snapshot, 'snapshot', USAGE));
const rest = { problems: content.problems, stats: content.stats };
let articles = content.articles;
let token: object = {};
let corpus = Corpus.fromSegment({ ...rest, articles, token }, content.segment, content.stories, new Date(), content.orders);

const steps = new Map<string, { ms: number[]; bytes: number }>();
/** What a step spent building a segment (the worker's part in the server), taken off its figures. */
const worker = { ms: 0, bytes: 0 };
async function step(kind: string, make: () => Promise<Corpus>): Promise<void> {
  const bytesBefore = made.bytes;
  worker.ms = 0;
  worker.bytes = 0;
  const started = performance.now();
  corpus = await make();
  const s = steps.get(kind) ?? { ms: [], bytes: 0 };
  s.ms.push(performance.now() - started - worker.ms);
  s.bytes += made.bytes - bytesBefore - worker.bytes;
  steps.set(kind, s);
}

/** A segment built as the server's worker would: its time and typed arrays are taken off the step's. */
function workerBuild(documents: readonly SearchDocument[]): Promise<Segment> {
  const bytesBefore = made.bytes;
  const started = performance.now();
  const segment = buildSegment(documents);
  worker.ms += performance.now() - started;
  worker.bytes += made.bytes - bytesBefore;
  return Promise.resolve(segment);
}

/** The next load, as the loader would say what it changed (made outside the step: the loader's part). */
function nextLoad(added: Article[], removed: string[]): LoadResult {
  const gone = new Set(removed);
  articles = [...articles.filter((a) => !gone.has(a.id)), ...added];
  const since = token;
  token = {};
  return { ...rest, articles, token, delta: { since, removed, added } };
}

async function merges(): Promise<void> {
  for (let m = corpus.pendingMerge(); m !== null; m = corpus.pendingMerge()) {
    const [first, end] = m;
    await step('merge', () => corpus.mergedWith(first, end, workerBuild));
  }
}

const model = content.articles[Math.floor(content.articles.length / 2)]!;
// a new file's record: its own id, and for an edit another content hash (what makes a record changed)
const copy = (n: number, edit: number): Article => ({ ...model, id: `bench-alloc-${n}`, slug: `bench-alloc-${n}`, title: `${model.title} (${edit})`, origin: { ...model.origin, path: `bench-alloc/${n}.txt`, sha256: `${n}-${edit}` } });
const gcs = new Map<string, { count: number; ms: number; longest: number }>();
const KINDS: Record<number, string> = { 1: 'scavenge', 2: 'minor mark-compact', 4: 'major', 8: 'incremental marking', 16: 'weak callbacks' };
let observing = false;
new PerformanceObserver((list) => {
  if (!observing) return;
  for (const e of list.getEntries()) {
    const detail = (e as PerformanceEntry & { detail?: { kind?: number } }).detail;
    const kind = KINDS[detail?.kind ?? 0] ?? 'other';
    const g = gcs.get(kind) ?? { count: 0, ms: 0, longest: 0 };
    g.count++;
    g.ms += e.duration;
    g.longest = Math.max(g.longest, e.duration);
    gcs.set(kind, g);
  }
}).observe({ entryTypes: ['gc'] });
globalThis.gc?.();
observing = true;
for (let rep = 0; rep < REPS; rep++) {
  for (const [kind, load] of [
    ['add', () => nextLoad([copy(rep, 0)], [])],
    ['change', () => nextLoad([copy(rep, 1)], [`bench-alloc-${rep}`])],
    ['delete', () => nextLoad([], [`bench-alloc-${rep}`])],
  ] as const) {
    const next = load();
    await step(kind, () => corpus.updateWith(next, workerBuild));
    await merges();
  }
}
observing = false;

console.log(`# update alloc: ${content.articles.length} articles, ${REPS} rounds (add, change, delete), node ${process.version}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| step | count | median ms | longest ms | typed arrays made, MB (total) | per step, MB |');
console.log('|---|---|---|---|---|---|');
for (const [kind, s] of steps) {
  const sorted = s.ms.slice().sort((a, b) => a - b);
  console.log(`| ${kind} | ${s.ms.length} | ${sorted[sorted.length >> 1]!.toFixed(1)} | ${sorted[sorted.length - 1]!.toFixed(1)} | ${(s.bytes / 1e6).toFixed(1)} | ${(s.bytes / 1e6 / s.ms.length).toFixed(2)} |`);
}
console.log(`GCs while updating: ${[...gcs].map(([k, g]) => `${k} ${g.count} (${g.ms.toFixed(0)} ms, longest ${g.longest.toFixed(1)})`).join(', ')}; index at the end: ${JSON.stringify(corpus.segments)}`);
