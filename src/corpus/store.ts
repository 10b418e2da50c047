/**
 * Holds the snapshot being served. A reload builds a whole new Corpus off the request path and
 * swaps the reference in one assignment, so a request that took `current` at its start answers
 * from one consistent snapshot.
 */
import type { Corpus } from './corpus.js';

export class CorpusStore {
  private snapshot: Corpus;
  lastReloadAt: Date | null = null;
  lastReloadError: string | null = null;

  constructor(initial: Corpus) {
    this.snapshot = initial;
  }

  get current(): Corpus {
    return this.snapshot;
  }

  swap(next: Corpus): void {
    this.snapshot = next;
    this.lastReloadAt = new Date();
    this.lastReloadError = null;
  }

  fail(reason: string): void {
    this.lastReloadAt = new Date();
    this.lastReloadError = reason;
  }
}
