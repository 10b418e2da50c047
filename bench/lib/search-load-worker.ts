/**
 * A search client on a thread of its own: sends two-word searches back to back and records each
 * request's latency, start time, 503s and errors. On its own thread, a latency is the server's
 * answer time and not also the time the benchmark's main thread spent writing or deleting files,
 * polling or sampling RSS (a batch of 100 files written synchronously held that thread for
 * 17-401 ms on the shared machine, and every request in flight then looked that much slower).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { mulberry32 } from './prng.js';

export interface SearchLoadResult {
  latencies: number[];
  /** When each request was sent (ms since the epoch), to find a slow one in the server's log. */
  startedAt: number[];
  status503: number;
  errors: number;
  /** This thread's own longest event-loop delay (ms): what the client itself added at most. */
  ownDelayMaxMs: number;
}

const { base, words, seed } = workerData as { base: string; words: string[]; seed: number };
const random = mulberry32(seed);
const result: SearchLoadResult = { latencies: [], startedAt: [], status503: 0, errors: 0, ownDelayMaxMs: 0 };
const ownDelay = monitorEventLoopDelay({ resolution: 10 });
ownDelay.enable();
let running = true;
parentPort!.once('message', () => {
  running = false;
});
while (running) {
  const q = `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]}`;
  const t = performance.now();
  try {
    const res = await fetch(`${base}/search?q=${encodeURIComponent(q)}&limit=10`);
    await res.arrayBuffer();
    if (res.status === 503) result.status503++;
    else if (!res.ok) result.errors++;
  } catch {
    result.errors++;
  }
  result.latencies.push(performance.now() - t);
  result.startedAt.push(performance.timeOrigin + t);
}
ownDelay.disable();
result.ownDelayMaxMs = ownDelay.max / 1e6;
parentPort!.postMessage(result);
