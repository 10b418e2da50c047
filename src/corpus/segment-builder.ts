/**
 * Builds index segments on a worker thread (`segment-worker.ts`): an update's new articles and
 * a merge's rewrite are tokenised and inverted there while the event loop keeps answering
 * requests. Only the headline, paragraphs and language travel to the worker; the finished segment's typed
 * arrays are transferred back without copying and joined to the original article objects.
 * One worker, one batch at a time (the machine's other core serves requests).
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../worker-module.js';
import { Segment, type SearchDocument, type SegmentParts } from '../search/index.js';
import type { Fingerprint, NearDuplicateOptions } from '../search/near-duplicates.js';

/** Fingerprints of a batch (document k: `shingles[k]`, its signature bins `k × bins` on), as the worker sends them. */
export interface PackedFingerprints {
  shingles: Uint32Array;
  signatures: Uint16Array;
}

/** Document k's fingerprint out of a packed batch (a view: no copy), as `fingerprint()` made it. */
export function unpackFingerprint(packed: PackedFingerprints, k: number, options: NearDuplicateOptions): Fingerprint {
  const shingles = packed.shingles[k]!;
  const bins = options.bands * options.rows;
  return { shingles, signature: shingles < options.minShingles ? new Uint16Array(0) : packed.signatures.subarray(k * bins, (k + 1) * bins) };
}

interface Job {
  documents: readonly SearchDocument[];
  resolve: (segment: Segment) => void;
  reject: (e: Error) => void;
  /** When fingerprints were asked for: they come back first, in a message of their own. */
  printed?: { resolve: (prints: PackedFingerprints) => void; reject: (e: Error) => void };
}

export class SegmentBuilder {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Job>();

  /** The segment of `documents` (document i = `documents[i]`, kept by reference). */
  build = (documents: readonly SearchDocument[]): Promise<Segment> => this.send(documents);

  /**
   * The segment of `documents` and their story fingerprints (made with `stories`, a story
   * index's options). The fingerprints are made first and come back before the segment, so the
   * caller groups stories while the worker indexes. Batches sent to one builder are built one
   * after the other, in order.
   */
  buildWithFingerprints(documents: readonly SearchDocument[], stories: NearDuplicateOptions): { prints: Promise<PackedFingerprints>; segment: Promise<Segment> } {
    let printed: Job['printed'];
    const prints = new Promise<PackedFingerprints>((resolve, reject) => (printed = { resolve, reject }));
    return { prints, segment: this.send(documents, stories, printed) };
  }

  /**
   * How long the worker's event loop has been busy since it started, in ms (its own clock: time
   * the OS gave another thread while it ran counts too); 0 before it starts. For timelines.
   */
  busyMs(): number {
    return this.worker ? this.worker.performance.eventLoopUtilization().active : 0;
  }

  /** Starts the worker now (its modules load while the caller does other work), not at the first build. */
  warm(): void {
    this.start();
  }

  private send(documents: readonly SearchDocument[], stories?: NearDuplicateOptions, printed?: Job['printed']): Promise<Segment> {
    const worker = this.start();
    const id = this.nextId++;
    worker.ref(); // a build in flight keeps the process alive
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { documents, resolve, reject, ...(printed ? { printed } : {}) });
      worker.postMessage({ id, documents: documents.map((d) => ({ title: d.title, ...('paragraphs' in d ? { paragraphs: d.paragraphs } : { lead: d.lead, body: d.body }), language: d.language })), ...(stories ? { stories } : {}) });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startModuleWorker(import.meta.url, 'segment-worker');
    worker.unref();
    worker.on('message', (message: { id: number; parts?: SegmentParts; prints?: PackedFingerprints; error?: string }) => {
      const job = this.waiting.get(message.id);
      if (!job) return;
      if (message.prints) {
        job.printed?.resolve(message.prints);
        return;
      }
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      if (message.parts) job.resolve(new Segment(job.documents, message.parts));
      else {
        const e = new Error(`segment build failed: ${message.error}`);
        job.reject(e);
        job.printed?.reject(e);
      }
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`segment worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const job of this.waiting.values()) {
      job.reject(e);
      job.printed?.reject(e);
    }
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
