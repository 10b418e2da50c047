/**
 * Holds the corpus version being served. A reload or a merge makes a new version off the
 * request path and swaps the reference in one assignment, so a request that took `current` at
 * its start answers from one consistent version.
 *
 * Beside it, what /health reports, kept up to date by the reloader and the watcher so a health
 * check costs nothing proportional to the corpus: the problems of the files as they were last
 * read (even when that read was not swapped in), the last reload's outcome, the watch state.
 */
import type { Corpus } from './corpus.js';
import { WATCH_OFF, type WatchStatus } from './watcher.js';

export interface ProblemReport {
  total: number;
  byKind: Readonly<Record<string, number>>;
}

export class CorpusStore {
  private snapshot: Corpus;
  lastReloadAt: Date | null = null;
  lastReloadError: string | null = null;
  /** Problems of the last completed read of the data directory (served or not). */
  problems: ProblemReport;
  watch: WatchStatus = WATCH_OFF;
  private readonly listeners: Array<(next: Corpus) => void> = [];

  constructor(initial: Corpus) {
    this.snapshot = initial;
    this.problems = initial.problemReport;
  }

  get current(): Corpus {
    return this.snapshot;
  }

  /** A reload's result: the new version (or the same one when nothing changed). */
  swap(next: Corpus): void {
    this.snapshot = next;
    this.problems = next.problemReport;
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

  /** A read that completed but is not swapped in (same articles, or refused): its problems are still today's. */
  readWithoutSwap(read: Corpus): void {
    this.problems = read.problemReport;
  }

  fail(reason: string): void {
    this.lastReloadAt = new Date();
    this.lastReloadError = reason;
  }
}
