/**
 * Runs the index's merge policy after reloads: while the served version has segments to merge,
 * merge them into a new version (same content, same `version`, so cached answers stay valid)
 * and put it in place, one merge per turn of the event loop. Never inside a request; requests
 * that pinned the older version finish on it. If a reload swapped in a newer version while a
 * merge was being made, the merge is dropped and the policy asked again about the newer one.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { MergePolicy } from '../search/index.js';
import type { CorpusStore } from './store.js';

export class SegmentMerger {
  private timer: NodeJS.Immediate | null = null;
  private closed = false;
  /** Merges done so far. */
  merges = 0;
  lastMergeMs: number | null = null;

  constructor(
    private readonly store: CorpusStore,
    private readonly logger: Pick<FastifyBaseLogger, 'info'>,
    private readonly policy?: MergePolicy,
  ) {}

  /** Looks for merge work on a later turn of the event loop. */
  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setImmediate(() => {
      this.timer = null;
      this.step();
    });
  }

  private step(): void {
    const current = this.store.current;
    const merge = current.pendingMerge(this.policy);
    if (merge === null) return;
    const started = performance.now();
    const next = current.merged(merge[0], merge[1]);
    this.lastMergeMs = Math.round(performance.now() - started);
    if (this.store.current === current) {
      this.store.replace(next);
      this.merges++;
      this.logger.info({ segments: [merge[0], merge[1]], ms: this.lastMergeMs, shape: next.segments }, 'index segments merged');
    }
    this.schedule();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearImmediate(this.timer);
  }
}
