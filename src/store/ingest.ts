/**
 * Ingest: a data directory into PostgreSQL. The folder is loaded by the same loader as the server
 * and check-data (so the same articles, ids and problems), then compared with what the database
 * holds for this dataset: new and changed articles are upserted, unchanged ones (same content
 * hash) skipped, and articles whose files left the folder deleted, in batches, one transaction
 * each, two at a time (see writeBatch for how change numbers still follow commit order). The
 * writes hold the dataset's advisory lock, so two ingests of one folder run one after the other
 * and the second finds nothing to do.
 *
 * The folder's files are fingerprinted (path, size and the sha256 of the bytes of every file
 * below it, plus the load options), before parsing when a complete ingest of the dataset is on
 * record: when the fingerprint and the dataset's rows are as that ingest left them, nothing can
 * have changed, so nothing is parsed or written and the stored load report is returned. Any
 * changed byte of any file changes the fingerprint, so a changed file is always parsed and
 * ingested. A first ingest takes the hashes the loader makes as it reads.
 */
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Article } from '../articles/schema.js';
import { DEFAULT_MAX_FILE_BYTES, loadArticles, type FileRead, type LoadOptions, type LoadProblem, type LoadResult, type LoadStats } from '../loader/index.js';
import { fingerprintDataDir, fingerprintDataDirOffThread, fingerprintDataDirSync, sameFiles } from '../snapshot/files.js';
import type { FileFingerprint } from '../snapshot/format.js';
import { contentHash, mergePendingSearchEntries, storedState, upsertRows, withIngestLock, writeBatch, type BatchWrite } from './postgres.js';

export interface IngestOptions extends Pick<LoadOptions, 'maxFileBytes' | 'followSymlinksOutside' | 'onProgress' | 'cache' | 'syncRead' | 'parseWorkers'> {
  /** Names the folder's articles in the database (default: the folder's absolute path). */
  dataset?: string;
  /** Articles per transaction. */
  batchSize?: number;
  /** Batches written at once, each in its own transaction on its own connection (default 2). */
  parallel?: number;
  /** Parse and compare every file even when the folder's fingerprint says nothing changed. */
  full?: boolean;
}

export interface IngestOutcome {
  dataset: string;
  load: LoadResult;
  /** Articles the folder holds (load.articles is empty when the folder was not parsed). */
  articles: number;
  /** True when the folder's files were exactly as the last complete ingest saw them: nothing parsed, nothing written. */
  folderUnchanged: boolean;
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

/** Bumped when what the fingerprint covers changes, so old fingerprints stop matching. */
const FINGERPRINT_VERSION = 'files-v1';
const HASH_CONCURRENCY = 32;
/** From this many files the command's after-load walk runs on a worker thread (about a second of blocking walk at 100,000). */
const OFF_THREAD_WALK_FILES = 10_000;
/**
 * From this many articles to write, an ingest's batches take a large search-index pending list
 * and the ingest merges it at its end (writeBatch's bulk, mergePendingSearchEntries); a smaller
 * one (a watched folder's changed file) writes with the server's own limit and pays no merge.
 */
const MERGE_PENDING_FROM = 1000;

/** Every file below the folder (path, size, modification time), or null when the folder cannot be walked. */
async function listFolder(root: string, sync: boolean): Promise<FileFingerprint[] | null> {
  try {
    return sync ? fingerprintDataDirSync(root) : await fingerprintDataDir(root);
  } catch {
    return null;
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Fills the missing entries of `hashes` (sha256 of each listed file's bytes); false when some file cannot be read. */
async function hashMissing(root: string, files: readonly FileFingerprint[], hashes: Array<string | undefined>, sync: boolean): Promise<boolean> {
  const missing = files.flatMap(([rel], i) => (hashes[i] === undefined ? [{ rel, i }] : []));
  if (sync) {
    try {
      for (const { rel, i } of missing) hashes[i] = sha256(readFileSync(path.join(root, rel)));
      return true;
    } catch {
      return false;
    }
  }
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < missing.length) {
      const { rel, i } = missing[next++]!;
      try {
        hashes[i] = sha256(await fs.readFile(path.join(root, rel)));
      } catch {
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  return !failed;
}

/**
 * sha256 over every file below the folder (path, size, sha256 of its bytes; hidden files and
 * folder defaults included, since `_source.json` and `_chrome.txt` change articles) and the load
 * options that change what a load gives; null when some file cannot be read (then the folder is
 * simply parsed). Also returns the files' sizes and modification times, to see whether any file
 * changed while the load ran. `known` are the hashes the load already made (by path), used when
 * the file's size and modification time are still those listed.
 */
async function folderFingerprint(
  root: string,
  files: FileFingerprint[],
  optionsKey: string,
  sync: boolean,
  known?: ReadonlyMap<string, FileRead>,
): Promise<{ digest: string; files: FileFingerprint[] } | null> {
  const hashes = files.map(([rel, size, mtimeMs]) => {
    const k = known?.get(rel);
    return k && k.size === size && k.mtimeMs === mtimeMs ? k.sha256 : undefined;
  });
  if (!(await hashMissing(root, files, hashes, sync))) return null;
  const h = createHash('sha256').update(`${FINGERPRINT_VERSION}\n${optionsKey}\n`);
  files.forEach(([rel, size], i) => h.update(`${rel}\0${size}\0${hashes[i]}\n`));
  return { digest: h.digest('hex'), files };
}

interface StoredFolder {
  loaded: number;
  articles: number;
  problems: LoadProblem[];
  stats: LoadStats;
}

/** The stored report of the last complete ingest of `dataset`, when it saw this fingerprint and the dataset's rows are still as it left them. */
async function unchangedFolder(pool: pg.Pool, dataset: string, fingerprint: string): Promise<StoredFolder | null> {
  const { rows } = await pool.query<StoredFolder & { fingerprint: string; last_write: string; now_articles: string; now_last_write: string }>(
    `SELECT f.fingerprint, f.loaded, f.articles, f.last_write::text, f.problems, f.stats,
            (SELECT count(*) FROM articles WHERE dataset = $1)::text AS now_articles,
            (SELECT COALESCE(max(change_seq), 0) FROM articles WHERE dataset = $1)::text AS now_last_write
       FROM ingested_folders f WHERE f.dataset = $1`,
    [dataset],
  );
  const r = rows[0];
  // Rows written or deleted since (by anything) change the count or the highest write number.
  if (!r || r.fingerprint !== fingerprint || String(r.articles) !== r.now_articles || r.last_write !== r.now_last_write) return null;
  return r;
}

/** Whether a complete ingest of `dataset` is on record (then an unchanged folder can skip the parse). */
async function folderOnRecord(pool: pg.Pool, dataset: string): Promise<boolean> {
  return (await pool.query('SELECT 1 FROM ingested_folders WHERE dataset = $1', [dataset])).rowCount !== 0;
}

async function forgetFolder(pool: pg.Pool, dataset: string): Promise<void> {
  await pool.query('DELETE FROM ingested_folders WHERE dataset = $1', [dataset]);
}

async function recordFolder(pool: pg.Pool, dataset: string, fingerprint: string, load: LoadResult): Promise<void> {
  await pool.query(
    `INSERT INTO ingested_folders (dataset, fingerprint, articles, last_write, loaded, problems, stats)
     SELECT $1, $2, count(*), COALESCE(max(change_seq), 0), $3, $4::jsonb, $5::jsonb FROM articles WHERE dataset = $1
     ON CONFLICT (dataset) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, articles = EXCLUDED.articles, last_write = EXCLUDED.last_write,
       loaded = EXCLUDED.loaded, problems = EXCLUDED.problems, stats = EXCLUDED.stats, recorded_at = now()`,
    [dataset, fingerprint, load.articles.length, JSON.stringify(load.problems), JSON.stringify(load.stats)],
  );
}

/** Runs `tasks` with at most `width` at once; on the first failure starts no more, waits for the running ones, and throws it. */
async function runLimited<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (!failure && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        results.push(await task());
      } catch (e) {
        failure ??= { error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

export async function ingestDirectory(pool: pg.Pool, dataDir: string, options: IngestOptions = {}): Promise<IngestOutcome> {
  const started = performance.now();
  const dataset = options.dataset ?? defaultDataset(dataDir);
  const batchSize = options.batchSize ?? 1000;
  const optionsKey = JSON.stringify([options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, options.followSymlinksOutside ?? false]);
  const root = path.resolve(dataDir);
  const sync = options.syncRead ?? false;
  const listed = await listFolder(root, sync);
  // A folder with a complete ingest on record is hashed before parsing: unchanged, it is not
  // parsed at all. Any other (a first ingest, --full) is parsed anyway, so its files are hashed as
  // the loader reads them (the loader hashes each file it reads), not read a second time first;
  // only the files the loader does not read (folder defaults, hidden files, other kinds) are read
  // here, after the load. A server's ingest with a parse cache hashes first as before (its
  // cached hashes can be older than a file's last change).
  let hashFirst = false;
  if (listed && options.cache) hashFirst = true;
  else if (listed && !options.full) hashFirst = await folderOnRecord(pool, dataset);
  let print = hashFirst ? await folderFingerprint(root, listed!, optionsKey, sync) : null;
  if (print && !options.full) {
    const stored = await unchangedFolder(pool, dataset, print.digest);
    if (stored) {
      const durationMs = Math.round(performance.now() - started);
      return {
        dataset,
        load: { articles: [], problems: stored.problems, stats: { ...stored.stats, durationMs } },
        articles: stored.loaded,
        folderUnchanged: true,
        inserted: 0,
        updated: 0,
        unchanged: stored.articles,
        deleted: 0,
        conflicts: [],
        lastSeq: null,
        batches: 0,
        durationMs,
      };
    }
  }
  const read = listed && !hashFirst ? new Map<string, FileRead>() : null;
  // Loaded before the lock: parsing is the slow part and touches no shared state.
  const load = await loadArticles(dataDir, {
    maxFileBytes: options.maxFileBytes,
    followSymlinksOutside: options.followSymlinksOutside,
    onProgress: options.onProgress,
    cache: options.cache,
    syncRead: options.syncRead,
    parseWorkers: options.parseWorkers,
    // The three fields copied, not the outcome kept: it holds the file's whole parse.
    ...(read ? { onFile: (rel: string, f: FileRead) => read.set(rel, { sha256: f.sha256, size: f.size, mtimeMs: f.mtimeMs }) } : {}),
  });
  if (read) print = await folderFingerprint(root, listed!, optionsKey, sync, read);
  // Did any file change while it was read? Stat-ed now, while PostgreSQL does the writing (the
  // command's blocking walk of a large folder on a thread of its own, so this one keeps feeding
  // the writers; a small folder's walk costs less than starting that thread).
  const walkAfter = () => {
    if (!sync) return fingerprintDataDir(root);
    if (print!.files.length >= OFF_THREAD_WALK_FILES) return fingerprintDataDirOffThread(root);
    return Promise.resolve().then(() => fingerprintDataDirSync(root));
  };
  const after = print ? walkAfter().catch(() => null) : Promise.resolve(null);
  return withIngestLock(pool, dataset, async () => {
    await forgetFolder(pool, dataset);
    const { byId, ofDataset } = await storedState(
      pool,
      dataset,
      load.articles.map((a) => a.id),
    );
    // A new article's hash is made with its row (writeBatch), while PostgreSQL writes other batches.
    const upserts: { article: Article; hash?: string }[] = [];
    const conflicts: IngestOutcome['conflicts'] = [];
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    const present = new Set<string>();
    for (const article of load.articles) {
      present.add(article.id);
      const stored = byId.get(article.id);
      if (!stored) {
        upserts.push({ article });
        inserted++;
      } else if (stored.dataset !== dataset) conflicts.push({ id: article.id, path: article.origin.path, owner: stored.dataset });
      else {
        const hash = contentHash(article);
        if (stored.hash === hash) unchanged++;
        else {
          upserts.push({ article, hash });
          updated++;
        }
      }
    }
    const deletes = ofDataset.filter((id) => !present.has(id)).sort();
    const tasks: Array<() => Promise<number | null>> = [];
    // Each batch's rows (its new articles' hashes and the JSON sent) are made while PostgreSQL
    // writes an earlier batch: once a batch's upsert is sent, the first batch not yet made is
    // made, so a connection never waits for Node to make the rows it is about to send.
    // Enough to write that its batches take a large search-index pending list, merged at the end (writeBatch).
    const bulk = upserts.length >= MERGE_PENDING_FROM;
    const slices: Array<BatchWrite['upserts']> = [];
    for (let i = 0; i < upserts.length; i += batchSize) slices.push(upserts.slice(i, i + batchSize));
    const rows: Array<string | undefined> = [];
    // Batches start in order: below `sent` they are written or being written, below `made` made.
    let sent = 0;
    let made = 0;
    const makeNext = () => {
      made = Math.max(made, sent);
      if (made < slices.length) rows[made] = upsertRows(slices[made++]!);
    };
    slices.forEach((slice, k) =>
      tasks.push(() => {
        sent = k + 1;
        const ready = rows[k];
        rows[k] = undefined;
        return writeBatch(pool, dataset, { upserts: slice, deletes: [] }, { ...(ready !== undefined ? { rows: ready } : {}), whileWriting: makeNext, bulk });
      }),
    );
    for (let i = 0; i < deletes.length; i += batchSize) {
      const slice = deletes.slice(i, i + batchSize);
      tasks.push(() => writeBatch(pool, dataset, { upserts: [], deletes: slice }));
    }
    const seqs = (await runLimited(tasks, options.parallel ?? 2)).filter((s): s is number => s !== null);
    // The batches left up to 64 MB of search entries pending (writeBatch): merged now, so the searches after this ingest do not scan them.
    if (bulk) await mergePendingSearchEntries(pool);
    // Recorded only when this run saw the whole folder as it stands (no file changed while it was
    // read, no id left to another dataset that a later run might take over).
    const stat = await after;
    if (print && conflicts.length === 0 && stat && sameFiles(stat, print.files)) await recordFolder(pool, dataset, print.digest, load);
    return {
      dataset,
      load,
      articles: load.articles.length,
      folderUnchanged: false,
      inserted,
      updated,
      unchanged,
      deleted: deletes.length,
      conflicts,
      lastSeq: seqs.length ? Math.max(...seqs) : null,
      batches: tasks.length,
      durationMs: Math.round(performance.now() - started),
    };
  });
}

/** What an ingest changed, for logs and `ingest --json`. */
export function ingestSummary(o: IngestOutcome): Record<string, unknown> {
  return {
    dataset: o.dataset,
    folderUnchanged: o.folderUnchanged,
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
