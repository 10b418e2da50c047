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
  /** Milliseconds the last successful reload took, from its start to the swap (reading files included). */
  lastReloadMs: number | null = null;
  /** File change events noticed since the last reload started. */
  pendingChanges = 0;
  /** Problems of the last completed read of the data directory (served or not). */
  problems: ProblemReport;
  watch: WatchStatus = WATCH_OFF;
  private readonly listeners: Array<(next: Corpus) => void> = [];
  /**
   * Versions recently swapped out, kept a while so that relevance pages walked with a cursor
   * finish on the version they started on (scores depend on the whole corpus, so a keyset on
   * score holds only within one version). Index segments are shared between versions, so a
   * kept version costs its columns and orders, not a second index.
   */
  private readonly recent: Array<{ corpus: Corpus; until: number }> = [];
  static readonly KEEP_VERSIONS = 16;
  static readonly KEEP_MS = 10 * 60_000;

  constructor(initial: Corpus) {
    this.snapshot = initial;
    this.problems = initial.problemReport;
  }

  get current(): Corpus {
    return this.snapshot;
  }

  /** A reload's result: the new version (or the same one when nothing changed). */
  swap(next: Corpus, ms?: number): void {
    if (next.version !== this.snapshot.version) this.keep(this.snapshot);
    this.snapshot = next;
    this.lastReloadMs = ms ?? null;
    this.problems = next.problemReport;
    this.lastReloadAt = new Date();
    this.lastReloadError = null;
    for (const listener of this.listeners) listener(next);
  }

  /** The same content in another shape (merged index segments): not a reload. */
  replace(next: Corpus): void {
    this.snapshot = next;
  }

  private keep(previous: Corpus): void {
    const now = Date.now();
    this.recent.push({ corpus: previous, until: now + CorpusStore.KEEP_MS });
    while (this.recent.length > CorpusStore.KEEP_VERSIONS || (this.recent.length > 0 && this.recent[0]!.until < now)) this.recent.shift();
  }

  /** The version with this content hash if it is being served or was recently, else undefined. */
  version(version: string): Corpus | undefined {
    if (this.snapshot.version === version) return this.snapshot;
    const now = Date.now();
    return this.recent.find((r) => r.corpus.version === version && r.until >= now)?.corpus;
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
