/** What a replica needs from a shared article store, whatever holds it. */
import type { Article } from '../articles/schema.js';

export interface StoreSnapshot {
  /** Every change up to and including this number is in `articles`. */
  seq: number;
  articles: Article[];
}

/** One change: the article as it now is, or null when it was deleted. */
export interface ArticleChange {
  seq: number;
  id: string;
  article: Article | null;
}

export interface ChangeBatch {
  /** The store's last change number when read; the batch holds every change up to it. */
  seq: number;
  /** In change order; one id may appear more than once (the last one wins). */
  changes: ArticleChange[];
}

/**
 * Told each page of a snapshot as it is read: `page` in id order (as the store orders ids),
 * `total` the snapshot's article count; a first call with no articles says `total` before any page.
 */
export type SnapshotPageSink = (page: readonly Article[], total: number) => void;

export interface ArticleChangeSource {
  /** Every article; `onPage`, when given, sees them page by page while they are read (a replica starts indexing them). */
  snapshot(onPage?: SnapshotPageSink): Promise<StoreSnapshot>;
  changesSince(seq: number): Promise<ChangeBatch>;
  /** Names this store, for snapshots a replica writes (a snapshot of another store is refused). */
  identity?(): Promise<string>;
  /** The store's last change number. */
  lastChange?(): Promise<number>;
}
