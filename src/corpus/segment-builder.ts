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

export class SegmentBuilder {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { documents: readonly SearchDocument[]; resolve: (s: Segment) => void; reject: (e: Error) => void }>();

  /** The segment of `documents` (document i = `documents[i]`, kept by reference). */
  build = (documents: readonly SearchDocument[]): Promise<Segment> => {
    const worker = this.start();
    const id = this.nextId++;
    worker.ref(); // a build in flight keeps the process alive
    return new Promise<Segment>((resolve, reject) => {
      this.waiting.set(id, { documents, resolve, reject });
      worker.postMessage({ id, documents: documents.map((d) => ({ title: d.title, paragraphs: d.paragraphs, language: d.language })) });
    });
  };

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startModuleWorker(import.meta.url, 'segment-worker');
    worker.unref();
    worker.on('message', (message: { id: number; parts?: SegmentParts; error?: string }) => {
      const job = this.waiting.get(message.id);
      if (!job) return;
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      if (message.parts) job.resolve(new Segment(job.documents, message.parts));
      else job.reject(new Error(`segment build failed: ${message.error}`));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new Error(`segment worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private fail(e: Error): void {
    this.worker = null;
    for (const job of this.waiting.values()) job.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
