/**
 * Articles in PostgreSQL: the writes an ingest makes (one transaction per batch) and the reads a
 * replica makes (a whole snapshot, then the changes after a sequence number).
 *
 * Change numbers follow commit order: a replica that has seen change N has seen every change
 * below N. Without that, a transaction that drew 11 could commit after one that drew 12, and a
 * replica reading "after 12" would never see 11. A write transaction does its heavy part (the
 * upsert: JSON, to_tsvector, index upkeep) without any shared lock, so batches are written in
 * parallel, and only at its end takes one advisory lock (CHANGE_LOCK), held to commit, to append
 * what it changed to `article_changes` with numbers drawn under that lock. Replicas read that
 * log, never `articles.change_seq` (which is drawn when a row is written, not at commit).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { bodyOfParagraphs, fromJson, toJson } from '../articles/record.js';
import type { Article } from '../articles/schema.js';
import { RecordSharing, validateArticle } from '../loader/finish.js';
import { inTransaction } from './connection.js';
import type { ArticleChange, ArticleChangeSource, ChangeBatch, SnapshotPageSink, StoreSnapshot } from './types.js';

/** The channel NOTIFY wakes replicas on; the payload is the last change number (a hint only). */
export const CHANGE_CHANNEL = 'article_changes';
const CHANGE_LOCK: [number, number] = [0x6e657773, 0x63686e67];
/** Session lock per dataset held for a whole ingest run (two ingests of one folder run one after the other). */
const INGEST_LOCK_SPACE = 0x696e6773;

/** The last change number written (0 for none): every change up to it is committed and visible. */
const HIGH_WATER = 'SELECT COALESCE(max(change_seq), 0)::text AS seq FROM article_changes';

/** The store's last change number (0 when empty). */
export async function lastChange(db: pg.Pool | pg.PoolClient): Promise<number> {
  return Number((await db.query<{ seq: string }>(HIGH_WATER)).rows[0]!.seq);
}

/** sha256 of the record as stored: an ingest skips an article whose hash has not changed. */
export function contentHash(a: Article): string {
  return hashOfRecordText(JSON.stringify(toJson(a)));
}

function hashOfRecordText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Author names from the byline ("Jane Doe and John Roe", "A, B and C") for the authors column. */
export function authorsOf(a: Article): string[] {
  if (!a.byline) return [];
  return a.byline
    .split(/\s*(?:,|;|\band\b|&)\s*/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface StoredState {
  hash: string;
  dataset: string;
}

/** id → hash and owner of the articles with these ids, and every id the dataset owns. */
export async function storedState(pool: pg.Pool, dataset: string, ids: readonly string[]): Promise<{ byId: Map<string, StoredState>; ofDataset: string[] }> {
  const byId = new Map<string, StoredState>();
  const r = await pool.query<{ id: string; content_hash: string; dataset: string }>(
    'SELECT id, content_hash, dataset FROM articles WHERE dataset = $1 OR id = ANY($2::text[])',
    [dataset, ids],
  );
  const ofDataset: string[] = [];
  for (const row of r.rows) {
    byId.set(row.id, { hash: row.content_hash, dataset: row.dataset });
    if (row.dataset === dataset) ofDataset.push(row.id);
  }
  return { byId, ofDataset };
}

export interface BatchWrite {
  /** Each article's content hash when the caller already made it (contentHash), else made here. */
  upserts: readonly { article: Article; hash?: string }[];
  deletes: readonly string[];
}

/**
 * The SQL of an article's weighted search vector from three SQL expressions: headline (A) above
 * lead (B) above the other paragraphs (C). Shared with the benchmark that fills a synthetic archive
 * in SQL, so its rows are what an ingest writes.
 */
export function searchVectorSql(title: string, lead: string, body: string): string {
  return `setweight(to_tsvector('english', ${title}), 'A') || setweight(to_tsvector('english', ${lead}), 'B') || setweight(to_tsvector('english', ${body}), 'C')`;
}

/**
 * The rows of an upsert as one JSON array: every column but the search vector made here, so
 * PostgreSQL parses the batch as plain JSON text (no jsonb built, nothing looked up inside
 * records) and stores each record's text. Each record is stringified once, for its content hash
 * and for its row: the text is spliced in as the row's last field.
 */
export function upsertRows(upserts: BatchWrite['upserts']): string {
  const rows = upserts.map(({ article: a, hash }) => {
    const record = JSON.stringify(toJson(a));
    const columns = JSON.stringify({
      id: a.id,
      hash: hash ?? hashOfRecordText(record),
      slug: a.slug,
      published_at: a.publishedAt,
      source_id: a.source?.id ?? null,
      source_name: a.source?.name ?? null,
      category: a.category,
      language: a.language,
      authors: authorsOf(a),
      tags: a.tags,
      title: a.title,
      lead: a.lead,
      body: a.body,
    });
    return `${columns.slice(0, -1)},"record":${record}}`;
  });
  return `[${rows.join(',')}]`;
}

/** How a caller keeps PostgreSQL busy while Node makes the next batch's rows. */
export interface BatchPipelining {
  /** `upsertRows(batch.upserts)`, when the caller made it already. */
  rows?: string;
  /** Called once the upsert is sent, while PostgreSQL runs it (the caller makes its next rows then). */
  whileWriting?: () => void;
  /**
   * A batch of a large ingest, which merges the search index's pending list at its end: written
   * with WRITE_BEGIN's large list. Other writes (a watched folder's few changed files) keep the
   * server's limit, so their entries never pile up in a long list that searches scan.
   */
  bulk?: boolean;
}

/**
 * How a write transaction of a large ingest begins (BatchPipelining.bulk): with room for 64 MB of new search-index entries in each GIN
 * index's pending list (PostgreSQL's default is 4 MB) and as much memory to merge them into the
 * index. An upsert's new entries go to the pending list, and the insert that finds the list over
 * its limit merges the whole list into the index; at 4 MB that was every few hundred articles,
 * each merge rewriting the posting lists of the same common words again, and with work_mem's
 * 4 MB a merge of even that list was done in several passes. Merged sixteen times less often, an
 * upsert costs PostgreSQL about a sixth less CPU (bench/RESULTS.md, "session 7, s14ingest").
 * Readers stay correct meanwhile (an index scan reads the pending list too, only longer); the
 * ingest merges what is left at its end (mergePendingSearchEntries). SET LOCAL: the settings end
 * with the transaction, so a connection goes back to the pool as it came.
 */
const WRITE_BEGIN = "BEGIN; SET LOCAL gin_pending_list_limit = '64MB'; SET LOCAL work_mem = '64MB'";

/** SQLSTATE insufficient_privilege: what gin_clean_pending_list raises for a role that does not own the index. */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Merges the pending lists of the articles table's GIN indexes (and of any other GIN index on a
 * table beside it) into the indexes, after an ingest that wrote with WRITE_BEGIN's large lists
 * (bulk batches),
 * so searches after it scan no long pending list. A role that does not own an index may not merge
 * it: that index is skipped (autovacuum merges it, or the next insert past the server's own limit);
 * any other error is thrown. Returns the pending-list pages merged.
 */
export async function mergePendingSearchEntries(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT i.indexrelid::regclass::text AS name
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam JOIN pg_class t ON t.oid = i.indrelid
      WHERE am.amname = 'gin' AND t.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = 'articles'::regclass)
      ORDER BY 1`,
  );
  let pages = 0;
  for (const { name } of rows) {
    try {
      pages += Number((await pool.query<{ n: string }>('SELECT gin_clean_pending_list($1::regclass)::text AS n', [name])).rows[0]!.n);
    } catch (e) {
      // Not this role's to merge (it must own the index): left to autovacuum. Any other failure
      // (a lock not granted in time, a lost connection) is the caller's to see.
      if ((e as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw e;
    }
  }
  return pages;
}

/** The number of the last change written, or null when the batch had nothing to write. */
export async function writeBatch(pool: pg.Pool, dataset: string, batch: BatchWrite, pipelining: BatchPipelining = {}): Promise<number | null> {
  if (batch.upserts.length === 0 && batch.deletes.length === 0) return null;
  const payload = batch.upserts.length ? (pipelining.rows ?? upsertRows(batch.upserts)) : null;
  return inTransaction(pool, payload && pipelining.bulk ? WRITE_BEGIN : 'BEGIN', async (client) => {
    const written: string[] = [];
    const gone: string[] = [];
    if (payload) {
      // One parameter (a JSON array) whatever the batch size; the values never touch the SQL text.
      const upsert = client.query<{ id: string }>(
        // The search vector and the filter columns go to article_search (migration 0007), made only
        // for the rows the upsert wrote (an unchanged article's words are not analysed again).
        `WITH r AS MATERIALIZED (
           SELECT * FROM json_to_recordset($1::json) AS r(id text, hash text, record json, slug text, published_at timestamptz, source_id text, source_name text,
                                                       category text, language text, authors text[], tags text[], title text, lead text, body text)),
         written AS (
           INSERT INTO articles (id, dataset, content_hash, record, slug, published_at, source_id, source_name, category, language, authors, tags, change_seq)
           SELECT r.id, $2, r.hash, r.record, r.slug, r.published_at, r.source_id, r.source_name, r.category, r.language, r.authors, r.tags,
                  nextval('article_change_seq')
             FROM r
           ON CONFLICT (id) DO UPDATE SET
             content_hash = EXCLUDED.content_hash, record = EXCLUDED.record, slug = EXCLUDED.slug, published_at = EXCLUDED.published_at,
             source_id = EXCLUDED.source_id, source_name = EXCLUDED.source_name, category = EXCLUDED.category, language = EXCLUDED.language,
             authors = EXCLUDED.authors, tags = EXCLUDED.tags, change_seq = EXCLUDED.change_seq
           WHERE articles.dataset = EXCLUDED.dataset AND articles.content_hash <> EXCLUDED.content_hash
           RETURNING id),
         searched AS (
           INSERT INTO article_search (id, published_at, source_id, category, language, authors, tags, search_tsv)
           SELECT r.id, r.published_at, r.source_id, r.category, r.language, r.authors, r.tags, ${searchVectorSql('r.title', 'r.lead', 'r.body')}
             FROM r JOIN written USING (id)
           ON CONFLICT (id) DO UPDATE SET
             published_at = EXCLUDED.published_at, source_id = EXCLUDED.source_id, category = EXCLUDED.category, language = EXCLUDED.language,
             authors = EXCLUDED.authors, tags = EXCLUDED.tags, search_tsv = EXCLUDED.search_tsv)
         SELECT id FROM written`,
        [payload, dataset],
      );
      pipelining.whileWriting?.();
      for (const row of (await upsert).rows) written.push(row.id);
    }
    if (batch.deletes.length) {
      // article_deletions is kept for readers of the first schema; replicas read article_changes.
      const r = await client.query<{ id: string }>(
        `WITH gone AS (DELETE FROM articles WHERE dataset = $1 AND id = ANY($2::text[]) RETURNING id)
         INSERT INTO article_deletions (change_seq, id, dataset) SELECT nextval('article_change_seq'), id, $1 FROM gone RETURNING id`,
        [dataset, batch.deletes],
      );
      for (const row of r.rows) gone.push(row.id);
    }
    if (written.length === 0 && gone.length === 0) return null;
    const ids = [...written, ...gone];
    // Older log rows of these ids: a replica asks for each changed id's current state, so the newest row per id is enough.
    await client.query('DELETE FROM article_changes WHERE id = ANY($1::text[])', [ids]);
    // From here to commit, one writer at a time: numbers drawn now are in commit order.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', CHANGE_LOCK);
    const { rows } = await client.query<{ seq: string }>(
      `WITH logged AS (
         INSERT INTO article_changes (change_seq, id, dataset, deleted)
         SELECT nextval('article_change_seq'), c.id, $2, c.deleted FROM unnest($1::text[], $3::boolean[]) AS c(id, deleted)
         RETURNING change_seq)
       SELECT max(change_seq)::text AS seq FROM logged`,
      [ids, dataset, ids.map((_, i) => i >= written.length)],
    );
    const seq = Number(rows[0]!.seq);
    // Delivered at commit, to every replica listening: a wake-up, never the data itself.
    await client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, String(seq)]);
    return seq;
  });
}

/**
 * Holds the dataset's ingest lock for the duration of `work` (on a connection of its own, since
 * a session lock belongs to one connection); a second ingest of the same dataset waits for it.
 */
export async function withIngestLock<T>(pool: pg.Pool, dataset: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [INGEST_LOCK_SPACE, dataset]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [INGEST_LOCK_SPACE, dataset]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

export function toArticle(record: unknown, id: string, sharing: RecordSharing): Article {
  // Parsed through the same schema as the loader's: the same key order (so the same ETags as
  // folder mode) and a clear error if a row was written by something else.
  const v = validateArticle(recordOfRow(record), sharing);
  if (!v.ok) throw new Error(`article ${id} in the database is not a valid record: ${v.reason}`);
  return v.article;
}

/**
 * fromJson for a row's record, which the driver parsed for this row alone: its body is set on the
 * parsed object itself instead of copying every key twice (~0.45 s of this thread's CPU in a
 * replica's read of 100,000 articles); the schema's output, a new object, drops the paragraph list.
 */
function recordOfRow(record: unknown): Article {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return fromJson(record);
  const json = record as { paragraphs?: unknown; lead?: unknown; body?: unknown };
  json.body = bodyOfParagraphs(json.paragraphs, json.lead);
  return json as unknown as Article;
}

/** Every read of a catch-up sees the same commit point. */
const SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

const PAGE = 5000;

/** The replica's view of PostgreSQL: whole snapshots and changes after a number. */
export class PostgresChangeSource implements ArticleChangeSource {
  /** `pageSize`: articles per keyset page of a snapshot (tests use small pages to have several). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly pageSize = PAGE,
  ) {}

  async snapshot(onPage?: SnapshotPageSink): Promise<StoreSnapshot> {
    return inTransaction(this.pool, SNAPSHOT, async (c) => {
      const seq = await lastChange(c);
      // Counted in the same snapshot as the pages: a reader of pages knows the whole from the first.
      const total = onPage ? Number((await c.query<{ n: string }>('SELECT count(*)::text AS n FROM articles')).rows[0]!.n) : 0;
      // Told before the first page is read (no articles yet), so the reader can get ready meanwhile.
      onPage?.([], total);
      const sharing = new RecordSharing();
      const articles: Article[] = [];
      // Keyset pages by id: no one result holds the whole archive in the driver at once.
      const pageAfter = (after: string) => {
        const asked = c.query<{ id: string; record: unknown }>('SELECT id, record FROM articles WHERE id > $1 ORDER BY id LIMIT $2', [after, this.pageSize]);
        asked.catch(() => undefined); // awaited below, unless a record before it was refused
        return asked;
      };
      let next = pageAfter('');
      for (;;) {
        const { rows } = await next;
        const more = rows.length === this.pageSize;
        // The next page is asked for before this one is parsed: PostgreSQL finds and sends it meanwhile, not while this thread waits.
        if (more) next = pageAfter(rows[rows.length - 1]!.id);
        const page = rows.map((r) => toArticle(r.record, r.id, sharing));
        for (const a of page) articles.push(a);
        if (page.length > 0) onPage?.(page, total);
        if (!more) break;
      }
      return { seq, articles };
    });
  }

  async identity(): Promise<string> {
    return (await this.pool.query<{ id: string }>('SELECT id FROM store_identity')).rows[0]!.id;
  }

  async lastChange(): Promise<number> {
    return lastChange(this.pool);
  }

  async changesSince(seq: number): Promise<ChangeBatch> {
    return inTransaction(this.pool, SNAPSHOT, async (c) => {
      const high = await lastChange(c);
      if (high <= seq) return { seq: Math.max(seq, high), changes: [] };
      // The current state of every id changed after `seq` (no row: deleted), in change order.
      const { rows } = await c.query<{ id: string; record: unknown; change_seq: string }>(
        `SELECT l.id, a.record, l.change_seq::text
           FROM (SELECT id, max(change_seq) AS change_seq FROM article_changes WHERE change_seq > $1 GROUP BY id) AS l
           LEFT JOIN articles a ON a.id = l.id
          ORDER BY l.change_seq`,
        [seq],
      );
      const sharing = new RecordSharing();
      const changes: ArticleChange[] = rows.map((r) => ({ seq: Number(r.change_seq), id: r.id, article: r.record === null ? null : toArticle(r.record, r.id, sharing) }));
      return { seq: high, changes };
    });
  }
}
