/**
 * Reads and parses article files on worker threads (parse-worker.ts): a full load of a large
 * folder spends most of its time in work that needs no other file (reading, parsing, cleaning,
 * language detection), which spreads over the machine's cores. The loader's thread keeps what
 * spans files. Results come back in the order of the files asked, so a load with workers gives
 * exactly what a load without them gives. The pool belongs to the load that made it.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../worker-module.js';
import type { FileOutcome, FileProblem } from './parse-file.js';
import type { FolderDefaults, WalkEntry } from './walk.js';

/** A folder's defaults as they travel to a worker (the chrome list as its fingerprint). */
interface WireDefaults {
  key: string;
  source?: { id?: string | undefined; name: string };
  language?: string;
  category?: string;
  url?: string;
  chrome: string;
}

export interface ParseJob {
  id: number;
  maxBytes: number;
  defaults: WireDefaults[];
  files: Array<{ abs: string; rel: string; defaults: number }>;
}

type Reply = { id: number; results: Array<FileOutcome | FileProblem>; error?: undefined } | { id: number; error: string };

/** Files per message: large enough that messaging costs little, small enough that both workers stay busy to the end. */
const CHUNK = 64;

export class ParsePool {
  private readonly workers: Worker[];
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Array<FileOutcome | FileProblem>) => void; reject: (e: Error) => void }>();

  constructor(size: number) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = startModuleWorker(import.meta.url, 'parse-worker');
      w.on('message', (m: Reply) => {
        const job = this.waiting.get(m.id);
        if (!job) return;
        this.waiting.delete(m.id);
        if (m.error !== undefined) job.reject(new Error(`parse worker failed: ${m.error}`));
        else job.resolve(m.results);
      });
      w.on('error', (e) => this.fail(e));
      return w;
    });
  }

  /** Every file's outcome (or the problem that stopped it), in the order of `files`. */
  async parse(files: readonly WalkEntry[], keyOf: (d: FolderDefaults) => string, maxBytes: number, onDone?: (files: number) => void): Promise<Array<FileOutcome | FileProblem>> {
    const table = new Map<FolderDefaults, number>();
    const defaults: WireDefaults[] = [];
    const indexOf = (d: FolderDefaults): number => {
      let i = table.get(d);
      if (i === undefined) {
        table.set(d, (i = defaults.length));
        defaults.push({ key: keyOf(d), ...(d.source ? { source: d.source } : {}), ...(d.language ? { language: d.language } : {}), ...(d.category ? { category: d.category } : {}), ...(d.url ? { url: d.url } : {}), chrome: d.chrome.fingerprint });
      }
      return i;
    };
    const chunks: Array<ParseJob['files']> = [];
    for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK).map((f) => ({ abs: f.abs, rel: f.rel, defaults: indexOf(f.defaults) })));
    const results: Array<Array<FileOutcome | FileProblem>> = new Array(chunks.length);
    let next = 0;
    // Four chunks in flight per worker: a worker always has the next ones waiting, even while this
    // thread, busy taking in results or waiting for a core on a loaded machine, is slow to send more.
    const lane = async (worker: Worker) => {
      while (next < chunks.length) {
        const c = next++;
        results[c] = await this.ask(worker, { id: 0, maxBytes, defaults, files: chunks[c]! });
        onDone?.(chunks[c]!.length);
      }
    };
    await Promise.all(this.workers.flatMap((w) => [lane(w), lane(w), lane(w), lane(w)]));
    return results.flat();
  }

  private ask(worker: Worker, job: ParseJob): Promise<Array<FileOutcome | FileProblem>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...job, id });
    });
  }

  private fail(e: Error): void {
    for (const job of this.waiting.values()) job.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
