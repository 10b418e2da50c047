/**
 * Holds the corpus version being served. A reload or a merge makes a new version off the
 * request path and swaps the reference in one assignment, so a request that took `current` at
 * its start answers from one consistent version.
 */
import type { Corpus } from './corpus.js';

export class CorpusStore {
  private snapshot: Corpus;
  lastReloadAt: Date | null = null;
  lastReloadError: string | null = null;
  /** Milliseconds the last successful reload took, from its start to the swap (reading files included). */
  lastReloadMs: number | null = null;
  /** File change events noticed since the last reload started. */
  pendingChanges = 0;
  private readonly listeners: Array<(next: Corpus) => void> = [];

  constructor(initial: Corpus) {
    this.snapshot = initial;
  }

  get current(): Corpus {
    return this.snapshot;
  }

  /** A reload's result: the new version (or the same one when nothing changed). */
  swap(next: Corpus, ms?: number): void {
    this.snapshot = next;
    this.lastReloadMs = ms ?? null;
    this.lastReloadAt = new Date();
    this.lastReloadError = null;
    for (const listener of this.listeners) listener(next);
  }

  /** The same content in another shape (merged index segments): not a reload. */
  replace(next: Corpus): void {
    this.snapshot = next;
  }

  /** Calls `listener` after every reload swap (the merger uses it to look for work). */
  onSwap(listener: (next: Corpus) => void): void {
    this.listeners.push(listener);
  }

  fail(reason: string): void {
    this.lastReloadAt = new Date();
    this.lastReloadError = reason;
  }
}
