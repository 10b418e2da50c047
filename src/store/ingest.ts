/**
 * Ingest: a data directory into PostgreSQL. The folder is loaded by the same loader as the server
 * and check-data (so the same articles, ids and problems), then compared with what the database
 * holds for this dataset: new and changed articles are upserted, unchanged ones (same content
 * hash) skipped, and articles whose files left the folder deleted, in batches, one transaction
 * each. The whole run holds the dataset's advisory lock, so two ingests of one folder run one
 * after the other and the second finds nothing to do.
 */
import path from 'node:path';
import type pg from 'pg';
import type { Article } from '../articles/schema.js';
import { loadArticles, type LoadOptions, type LoadResult } from '../loader/index.js';
import { contentHash, storedState, withIngestLock, writeBatch } from './postgres.js';

export interface IngestOptions extends Pick<LoadOptions, 'maxFileBytes' | 'followSymlinksOutside' | 'onProgress'> {
  /** Names the folder's articles in the database (default: the folder's absolute path). */
  dataset?: string;
  /** Articles per transaction. */
  batchSize?: number;
}

export interface IngestOutcome {
  dataset: string;
  load: LoadResult;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Ids that another dataset already owns: left alone, and listed here. */
  conflicts: Array<{ id: string; path: string; owner: string }>;
  /** The last change number written, or null when nothing changed. */
  lastSeq: number | null;
  batches: number;
  durationMs: number;
}

function defaultDataset(dataDir: string): string {
  return path.resolve(dataDir);
}

export async function ingestDirectory(pool: pg.Pool, dataDir: string, options: IngestOptions = {}): Promise<IngestOutcome> {
  const started = performance.now();
  const dataset = options.dataset ?? defaultDataset(dataDir);
  const batchSize = options.batchSize ?? 1000;
  // Loaded before the lock: parsing is the slow part and touches no shared state.
  const load = await loadArticles(dataDir, { maxFileBytes: options.maxFileBytes, followSymlinksOutside: options.followSymlinksOutside, onProgress: options.onProgress });
  return withIngestLock(pool, dataset, async () => {
    const { byId, ofDataset } = await storedState(
      pool,
      dataset,
      load.articles.map((a) => a.id),
    );
    const upserts: { article: Article; hash: string }[] = [];
    const conflicts: IngestOutcome['conflicts'] = [];
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    const present = new Set<string>();
    for (const article of load.articles) {
      present.add(article.id);
      const hash = contentHash(article);
      const stored = byId.get(article.id);
      if (stored && stored.dataset !== dataset) conflicts.push({ id: article.id, path: article.origin.path, owner: stored.dataset });
      else if (stored?.hash === hash) unchanged++;
      else {
        upserts.push({ article, hash });
        if (stored) updated++;
        else inserted++;
      }
    }
    const deletes = ofDataset.filter((id) => !present.has(id)).sort();
    let lastSeq: number | null = null;
    let batches = 0;
    for (let i = 0; i < upserts.length; i += batchSize) {
      lastSeq = (await writeBatch(pool, dataset, { upserts: upserts.slice(i, i + batchSize), deletes: [] })) ?? lastSeq;
      batches++;
    }
    for (let i = 0; i < deletes.length; i += batchSize) {
      lastSeq = (await writeBatch(pool, dataset, { upserts: [], deletes: deletes.slice(i, i + batchSize) })) ?? lastSeq;
      batches++;
    }
    return { dataset, load, inserted, updated, unchanged, deleted: deletes.length, conflicts, lastSeq, batches, durationMs: Math.round(performance.now() - started) };
  });
}

/** What an ingest changed, for logs and `ingest --json`. */
export function ingestSummary(o: IngestOutcome): Record<string, unknown> {
  return {
    dataset: o.dataset,
    inserted: o.inserted,
    updated: o.updated,
    unchanged: o.unchanged,
    deleted: o.deleted,
    conflicts: o.conflicts,
    lastChange: o.lastSeq,
    batches: o.batches,
    durationMs: o.durationMs,
  };
}
