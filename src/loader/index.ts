/**
 * The loader: a data directory in, validated immutable Article records and a list of problems
 * out. It never throws for a bad file (the file is reported and skipped); it throws
 * DataDirError only when the directory itself cannot be used.
 */
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { paragraphsOf } from '../articles/record.js';
import type { Article } from '../articles/schema.js';
import { assignUniqueIds } from './ids.js';
import { RecordSharing, validateArticle } from './finish.js';
import { formatFor, loadParsers } from './registry.js';
import { languageSample, loadLanguageDetector } from './normalise/language.js';
import { PhaseClock, type PhaseTimes } from './phases.js';
import { compareProblems, countProblems, ProblemList, type LoadProblem } from './problems.js';
import type { Format, FormatParser, ProblemKind } from './types.js';
import { ParsePool } from './parse-pool.js';
import { keysOf, parseArticleFile, readArticleFile, type FileOutcome, type Pending } from './parse-file.js';
import { errText, walkChanges, walkDataDir, type FolderDefaults, type Walk, type WalkEntry } from './walk.js';

export type { ProblemKind } from './types.js';

export { countProblems, logProblems, PROBLEMS_LISTED_PER_FILE, type LoadProblem } from './problems.js';
export { PhaseClock, type PhaseTime, type PhaseTimes } from './phases.js';

export interface LoadStats {
  filesRead: number;
  filesIgnored: number;
  articles: number;
  problems: number;
  chromeLinesRemoved: number;
  duplicateLinesRemoved: number;
  /** Per input format: files read and articles served. */
  byFormat: Partial<Record<Format, { files: number; articles: number }>>;
  /** Articles served per language. */
  byLanguage: Record<string, number>;
  /** Articles whose language no metadata or folder stated, detected from their text. */
  languagesDetected: number;
  /** Files whose earlier parse was reused (content and folder defaults unchanged; see ParseCache). */
  filesReused?: number;
  /** Of those, files not even read: named by no change and, when stat'd, of the same size and modification time. */
  filesUnread?: number;
  durationMs: number;
  /** Time per step of the load, and the longest stretch each held the event loop (reloads while serving). */
  phases?: PhaseTimes;
  /** The longest stretch the load held the event loop without letting requests in. */
  longestBlockMs?: number;
}

export interface LoadResult {
  articles: Article[];
  problems: LoadProblem[];
  stats: LoadStats;
  /** With a cache: names this load, so the next one can say what it changed since (see `delta`). */
  token?: object;
  /**
   * When this load was made from the one named `since` by its named files alone: the records
   * it no longer serves (by id) and those it serves anew; every other record is the same object.
   */
  delta?: { since: object; removed: string[]; added: Article[] };
}

/** What a load tells of each article file it takes in (`LoadOptions.onFile`): its bytes' sha256 and the stat they were read at. */
export type FileRead = Pick<FileOutcome, 'sha256' | 'size' | 'mtimeMs'>;

export interface LoadOptions {
  /** Files larger than this are reported as too-large and skipped. */
  maxFileBytes?: number;
  /** How many files are read at once. */
  concurrency?: number;
  /**
   * Read files with blocking calls: faster for many small files (no thread-pool round trips),
   * and right at start-up, when nothing else is running. Reloads while serving read
   * asynchronously so requests keep flowing.
   */
  syncRead?: boolean;
  /** Follow symlinks whose real path leaves the data folder (default: report them, read nothing). */
  followSymlinksOutside?: boolean;
  /**
   * Read and parse on this many worker threads (a full load, with no cache or an empty one, of
   * at least `parsePoolMinFiles` files): for a process that does nothing else meanwhile, such as
   * the ingest command or a server starting up. Left out or 0, files are parsed on the loader's
   * own thread.
   */
  parseWorkers?: number;
  /** The fewest files to parse for which workers are started (default PARSE_POOL_MIN_FILES). */
  parsePoolMinFiles?: number;
  /** Called as files are read (for progress bars). */
  onProgress?: (filesDone: number, filesTotal: number) => void;
  /**
   * Called with each article file's sha256, size and modification time as the load takes it in
   * (read now, or from the cache as an earlier read left it): the ingest fingerprints a folder
   * from these instead of reading every file a second time.
   */
  onFile?: (rel: string, file: FileRead) => void;
  /**
   * What each file gave the last time this folder was loaded: a file whose bytes and folder
   * defaults are unchanged is not parsed again. Left out, every file is parsed (a full load).
   */
  cache?: ParseCache;
  /**
   * With a cache: the paths (relative to the data folder, `/`-separated) that may have changed
   * since the load that filled it, as a watcher names them (`folder`: everything below it). A
   * file named by none whose cache entry has the same folder defaults is reused without being
   * read or stat'd. Left out, every cached file is stat'd, and read only when its size or
   * modification time differ (its content hash then decides whether it is parsed again).
   */
  changedPaths?: ReadonlyArray<{ path: string; folder?: boolean }>;
}

/**
 * Per-file parse results kept between loads of one data folder by whoever reloads it (the
 * server's live reload), so that a reload reads only the files that may have changed (named by
 * the watcher, or whose size or modification time differ) and parses only those whose content or
 * folder defaults changed. The cross-file steps (language detection of new articles, duplicates,
 * ids, related links) run over every article, but from keys kept on each entry, and an article
 * whose id and related links come out as before keeps its validated record (the same object, not
 * validated again), so a load with a cache gives exactly what a load without one gives, in time
 * and memory proportional to the change plus a few linear passes. Each load replaces the
 * contents with the files it saw, so deleted files leave the cache.
 */
export class ParseCache {
  private filled = new Map<string, FileOutcome>();
  /** Stored parses taken by {@link ParseCache.restoreLater}, made into entries when first read. */
  private stored: { parses: () => readonly StoredParse[] | undefined; served: (id: string) => Article | undefined } | undefined;

  /** What each file gave, by path below the data folder. */
  get files(): Map<string, FileOutcome> {
    if (this.stored !== undefined) {
      const { parses, served } = this.stored;
      this.stored = undefined;
      this.filled = ParseCache.fromStored(parses() ?? [], served).files;
    }
    return this.filled;
  }

  set files(files: Map<string, FileOutcome>) {
    this.stored = undefined;
    this.filled = files;
  }

  /**
   * Takes a snapshot's stored parses as this cache's files ({@link ParseCache.fromStored}), made
   * into entries only when first read: by the first load (a reload, a catch-up) or snapshot. A
   * server started from a snapshot serves without spending that time first (0.3-1.3 s at 100,000
   * files); `served` must keep answering the records the snapshot stored (the restored version).
   * `stored` is called then (a snapshot decodes its stored parses only when asked: none, undefined).
   */
  restoreLater(stored: () => readonly StoredParse[] | undefined, served: (id: string) => Article | undefined): void {
    this.stored = { parses: stored, served };
    this.walk = undefined;
    this.last = undefined;
  }
  /** The last load's walk of the folder: a load told which paths changed starts from it. */
  walk: Walk | undefined;
  /**
   * What the last load served and the cross-file tables it made them with: a load told which
   * files changed applies them to it (`applyNamedChanges`) when they stand alone.
   */
  last: LastLoad | undefined;

  /**
   * The entries as plain data, for a snapshot: each article named by its served id, since the
   * snapshot holds the served records. A file with an article that is not served as this cache
   * made it (a duplicate, an invalid record, or one `served` does not hold) is left out: the
   * next load reads it again.
   */
  toStored(served: (id: string) => Article | undefined): StoredParse[] {
    const out: StoredParse[] = [];
    for (const [path, o] of this.files) {
      const entries: StoredParse['entries'] = [];
      for (const e of o.entries) {
        const record = e.finished?.article;
        if (!record || !sameServed(served(record.id), record)) break;
        entries.push({ key: e.key, id: e.id, served: record.id, languageDetected: e.languageDetected === true });
      }
      if (entries.length !== o.entries.length) continue;
      const { sha256, size, mtimeMs, defaultsKey, problems, omitted, chromeLines, duplicateLines } = o;
      out.push({ path, sha256, size, mtimeMs, defaultsKey, problems, ...(omitted ? { omitted } : {}), chromeLines, duplicateLines, entries });
    }
    return out;
  }

  /** A cache from {@link ParseCache.toStored} and the served records it names (a file naming a record not found is left out). */
  static fromStored(stored: readonly StoredParse[], served: (id: string) => Article | undefined): ParseCache {
    const cache = new ParseCache();
    for (const f of stored) {
      const entries: Pending[] = [];
      for (const e of f.entries) {
        const record = served(e.served);
        if (!record) break;
        const finished = { id: record.id, relatedIds: record.related.map((r) => r.id), article: record, invalid: null };
        entries.push({ key: e.key, id: e.id, article: draftView(record, e.id), detectLanguage: false, languageDetected: e.languageDetected, finished });
      }
      if (entries.length !== f.entries.length) continue;
      const { sha256, size, mtimeMs, defaultsKey, problems, omitted, chromeLines, duplicateLines } = f;
      cache.files.set(f.path, { sha256, size, mtimeMs, defaultsKey, problems, omitted, chromeLines, duplicateLines, entries });
    }
    return cache;
  }
}

/**
 * The record as its parse gave it, before the cross-file steps (its own id, related links not
 * yet resolved), as a view of the validated record: it shares every text, array and object but
 * `related` (an empty list is the record's own, shared one).
 */
function draftView(record: Article, id: string): Article {
  return { ...record, id, related: record.related.length === 0 ? record.related : record.related.map((r) => ({ title: r.title, id: null, url: r.url })) };
}

/**
 * The cache's entries of `outcomes` that a load validated keep a view of their record
 * ({@link draftView}) instead of the parse's draft: the draft's own objects and arrays (a copy
 * of every record's skeleton, strings shared) are dropped. The draft and the record differ only
 * in what the view replaces (validation checks, it does not transform), so a later load reusing
 * the entry finds the same keys, ids and records. Entries without a record (invalid,
 * duplicates) keep their draft.
 */
function keepViews(outcomes: Iterable<FileOutcome>): void {
  for (const o of outcomes) {
    for (const e of o.entries) {
      const record = e.finished?.article;
      // a view shares the record's origin object: made already (this load reused the entry)
      if (!record || e.article.origin === record.origin) continue;
      e.article = draftView(record, e.id);
      e.detectLanguage = false;
    }
  }
}

/**
 * The result of a load with a cache and the counts its cross-file steps ran on, kept so the next
 * load told which files changed can take the change alone when it touches none of those steps'
 * decisions: no other article has its text or headline and lead (duplicates), its id (clashes)
 * or its headline (related links resolve to the first article by id with a headline, and no
 * other article's related list names it). Then the load costs what the change costs; otherwise
 * every step runs over every article as before. Each load replaces it; `token` names the load.
 */
export interface LastLoad {
  /** The load this state is of (compared by identity: see LoadResult.delta). */
  token: object;
  articles: Article[];
  problems: LoadProblem[];
  stats: Omit<LoadStats, 'durationMs' | 'phases' | 'longestBlockMs' | 'filesReused' | 'filesUnread'>;
  /** Entries (served or dropped as duplicates) per content and headline-and-lead key. */
  duplicateKeys: Map<string, number>;
  /** Served-or-invalid entries (duplicates dropped) per id before clashes are resolved. */
  baseIds: Map<string, number>;
  /** Those entries per headline key, and the id related links to that headline resolve to. */
  titles: Map<string, number>;
  byTitle: Map<string, string>;
  /** Related-list items per headline key they name. */
  relatedTitles: Map<string, number>;
}

/** One file's parse as a snapshot stores it (see ParseCache.toStored). */
export interface StoredParse {
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  defaultsKey: string;
  problems: FileOutcome['problems'];
  omitted?: FileOutcome['omitted'];
  chromeLines: number;
  duplicateLines: number;
  /** Per article: its key and own id in the file, and the id it is served under. */
  entries: Array<{ key: string; id: string; served: string; languageDetected: boolean }>;
}

/** The served record is the one this cache made (same file content, line and related links). */
function sameServed(served: Article | undefined, made: Article): boolean {
  if (served === made) return true;
  if (!served || served.origin.sha256 !== made.origin.sha256 || served.origin.line !== made.origin.line || served.origin.path !== made.origin.path) return false;
  return served.related.length === made.related.length && served.related.every((r, i) => r.id === made.related[i]!.id && r.title === made.related[i]!.title);
}

export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    /** Why, without the folder's name (which may be an absolute path). */
    readonly reason: string,
  ) {
    super(`data directory ${dir}: ${reason}`);
    this.name = 'DataDirError';
  }
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
/**
 * Below this many files to parse, starting worker threads costs more than it saves: each worker
 * imports the loader, the parsers and the language model (1-1.5 s of CPU each from source, on the
 * loaded machine of bench/RESULTS.md), about what 5,000 files cost to parse on one thread.
 */
export const PARSE_POOL_MIN_FILES = 10_000;
/** Articles per slice of a linear pass between which a reload lets requests in (a few ms each at 100,000 articles). */
const SLICE = 4096;

export async function loadArticles(dataDir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const clock = new PhaseClock();
  clock.phase('walk');
  const root = path.resolve(dataDir);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let st;
  try {
    st = await fs.stat(root);
  } catch (e) {
    throw new DataDirError(dataDir, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : errText(e));
  }
  if (!st.isDirectory()) throw new DataDirError(dataDir, 'is not a directory');

  // While serving (reads asynchronous), the linear passes below (the walk's too) let requests in every few thousand articles.
  const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));
  const breathe = options.syncRead ? async () => undefined : () => clock.breathe(yieldToRequests);
  const accept = (name: string) => formatFor(name) !== undefined;
  // Only files named: the last walk stands, with those paths looked at alone (no folder listed).
  const last = options.changedPaths ? options.cache?.walk : undefined;
  const walked =
    (last && (await walkChanges(root, last, options.changedPaths!, accept, breathe, SLICE))) || (await walkDataDir(root, accept, { followSymlinksOutside: options.followSymlinksOutside }));
  // A folder that could not be listed, or reads that failed for want of descriptors, would make
  // a corpus missing arbitrary articles: that is no reading of the folder, so none is returned.
  if (walked.unreadable) throw new DataDirError(dataDir, walked.unreadable);
  let exhausted: string | null = null;
  const problems = new ProblemList();
  const addWalkProblems = () => {
    for (const p of walked.problems) problems.add({ path: p.rel, line: null, kind: p.kind ?? 'unreadable', reason: p.reason });
  };
  // Named files alone, on the last load's state: only they are read, and the rest follows unless they touch other articles.
  const newFolders = new Set(walked.named?.folders ?? []);
  const lastLoad =
    walked.named && options.cache?.last && options.changedPaths?.every((c) => newFolders.has(c.path) || (!c.folder && formatFor(c.path))) ? options.cache.last : undefined;
  if (!lastLoad) addWalkProblems();
  const pending: Pending[] = [];
  let chrome = 0;
  let duplicateLines = 0;
  const seen = new Map<string, FileOutcome>();
  let reused = 0;
  const defaultsKeys = new WeakMap<FolderDefaults, string>();
  const keyOf = (d: FolderDefaults): string => {
    let k = defaultsKeys.get(d);
    if (k === undefined) {
      // A site address only when a folder states one: the keys of every other folder stay as they were.
      k = JSON.stringify([d.source?.id ?? null, d.source?.name ?? null, d.language ?? null, d.category ?? null, d.chrome.fingerprint, ...(d.url ? [d.url] : [])]);
      defaultsKeys.set(d, k);
    }
    return k;
  };
  /** What a file gave, parsed now or earlier, added to this load. */
  const use = (rel: string, o: FileOutcome) => {
    seen.set(rel, o);
    options.onFile?.(rel, o);
    chrome += o.chromeLines;
    duplicateLines += o.duplicateLines;
    if (o.omitted) problems.addOmitted(rel, o.omitted);
    for (const p of o.problems) problems.add({ path: rel, line: p.line, kind: p.kind, reason: p.reason });
    // Copies: ids may change below when two paths clash; the cached entries stay as parsed.
    for (const e of o.entries) pending.push({ key: e.key, id: e.id, article: e.article, detectLanguage: e.detectLanguage, languageDetected: e.languageDetected, cachedEntry: e });
  };

  // Paths a watcher named since the cache was filled: a file below none of them is taken from the cache unread.
  const named = new Set((options.changedPaths ?? []).map((c) => c.path.replace(/\/+$/u, '')));
  const everything = named.has('') || named.has('.');
  // A named folder names everything below it: only then are a file's folders looked up too.
  const folderNamed = (options.changedPaths ?? []).some((c) => c.folder || !formatFor(c.path));
  const isNamed = (rel: string): boolean => {
    if (everything) return true;
    if (!folderNamed) return named.has(rel);
    for (let at = rel; ; ) {
      if (named.has(at)) return true;
      const slash = at.lastIndexOf('/');
      if (slash < 0) return false;
      at = at.slice(0, slash);
    }
  };
  let unread = 0;

  const one = async ({ abs, rel, defaults }: WalkEntry, parsers: ReadonlyMap<Format, FormatParser>) => {
    const problem = (kind: ProblemKind, reason: string, line: number | null = null) => problems.add({ path: rel, line, kind, reason });
    const defaultsKey = keyOf(defaults);
    const earlier = options.cache?.files.get(rel);
    if (earlier && earlier.defaultsKey === defaultsKey && !options.changedPaths) {
      // Trusted as it was when its size and modification time are the same.
      if (await sameStat(abs, earlier, options.syncRead === true)) {
        reused++;
        unread++;
        return use(rel, earlier);
      }
    }
    const read = await readArticleFile(abs, maxBytes, options.syncRead === true);
    if ('problem' in read) {
      if (read.exhausted) exhausted ??= `${rel} could not be read: ${read.problem.reason}`;
      return problem(read.problem.kind, read.problem.reason);
    }
    if (earlier && earlier.sha256 === read.sha256 && earlier.defaultsKey === defaultsKey) {
      // Same bytes (only touched, or named by a change that undid itself): the parse stands.
      earlier.size = read.bytes.length;
      earlier.mtimeMs = read.mtimeMs;
      reused++;
      return use(rel, earlier);
    }
    const parsed = await parseArticleFile(read, rel, defaults, defaultsKey, parsers);
    if ('problem' in parsed) return problem(parsed.problem.kind, parsed.problem.reason);
    use(rel, parsed);
  };

  const files = walked.files;
  // Files no change named are taken from the cache at once: no read, no stat, no promise each.
  const unnamed = ({ rel, defaults }: WalkEntry): boolean => {
    const earlier = options.cache?.files.get(rel);
    if (!earlier || earlier.defaultsKey !== keyOf(defaults) || isNamed(rel)) return false;
    reused++;
    unread++;
    use(rel, earlier);
    return true;
  };
  let toRead = files;
  clock.phase('cached files');
  const takeUnnamed = async () => {
    toRead = [];
    for (let i = 0; i < files.length; i++) {
      if (!unnamed(files[i]!)) toRead.push(files[i]!);
      if (i % SLICE === SLICE - 1) await breathe();
    }
  };
  if (lastLoad) toRead = walked.named!.present;
  else if (options.changedPaths) await takeUnnamed();
  clock.phase('read and parse');
  let done = files.length - toRead.length;
  if (options.parseWorkers && !options.cache?.files.size && toRead.length >= (options.parsePoolMinFiles ?? PARSE_POOL_MIN_FILES)) {
    const pool = new ParsePool(options.parseWorkers);
    try {
      const results = await pool.parse(toRead, keyOf, maxBytes, (n) => options.onProgress?.((done += n), files.length));
      results.forEach((r, i) => {
        const rel = toRead[i]!.rel;
        if (!('problem' in r)) return use(rel, r);
        if (r.exhausted) exhausted ??= `${rel} could not be read: ${r.problem.reason}`;
        problems.add({ path: rel, line: null, kind: r.problem.kind, reason: r.problem.reason });
      });
    } finally {
      await pool.close();
    }
  } else {
    const parsers = await loadParsers(toRead.map((f) => f.rel));
    let next = 0;
    const workers = Array.from({ length: Math.min(options.concurrency ?? 32, toRead.length) }, async () => {
      while (next < toRead.length) {
        await one(toRead[next++]!, parsers);
        done++;
        options.onProgress?.(done, files.length);
      }
    });
    await Promise.all(workers);
  }
  if (exhausted) throw new DataDirError(dataDir, `could not be read completely (${exhausted})`);

  clock.phase('languages');
  await detectLanguages(pending);

  if (lastLoad) {
    clock.phase('named changes');
    const earlier = options.cache!.files;
    const oldFiles = [...walked.named!.present.map((f) => f.rel), ...walked.named!.removed].flatMap((rel) => earlier.get(rel) ?? []);
    const result = applyNamedChanges(lastLoad, {
      old: oldFiles.flatMap((o) => o.entries),
      oldFiles,
      filesRead: files.length,
      fresh: pending,
      outcomes: seen,
      named: walked.named!,
      problems,
      chrome,
      duplicateLines,
    });
    if (result) {
      const cache = options.cache!;
      for (const rel of [...walked.named!.present.map((f) => f.rel), ...walked.named!.removed]) cache.files.delete(rel);
      for (const [rel, o] of seen) cache.files.set(rel, o);
      keepViews(seen.values());
      cache.walk = walked;
      cache.last = result.last;
      const phases = clock.done();
      const unnamedFiles = files.length - toRead.length;
      return {
        articles: result.last.articles,
        problems: result.last.problems,
        stats: {
          ...result.last.stats,
          filesReused: reused + unnamedFiles,
          filesUnread: unread + unnamedFiles,
          durationMs: Math.round(performance.now() - started),
          phases,
          longestBlockMs: clock.longestBlockMs,
        },
        token: result.last.token,
        delta: { since: lastLoad.token, removed: result.removed, added: result.added },
      };
    }
    // The change touches other articles (a duplicate, an id clash, a headline others link to): every step runs over every article.
    clock.phase('cached files');
    addWalkProblems();
    const named = new Set(toRead.map((f) => f.rel));
    const read = toRead;
    await takeUnnamed();
    // The named files were read above; the others come from the cache (or are read when it has none).
    toRead = toRead.filter((f) => !named.has(f.rel));
    clock.phase('read and parse');
    const more = toRead;
    toRead = read.concat(more);
    const moreParsers = await loadParsers(more.map((f) => f.rel));
    let next = 0;
    const rest = Array.from({ length: Math.min(options.concurrency ?? 32, more.length) }, async () => {
      while (next < more.length) await one(more[next++]!, moreParsers);
    });
    await Promise.all(rest);
    if (exhausted) throw new DataDirError(dataDir, `could not be read completely (${exhausted})`);
    await detectLanguages(pending);
  }
  const languagesDetected = pending.reduce((n, p) => n + (p.languageDetected ? 1 : 0), 0);
  const everyEntry = options.cache ? pending.slice() : [];

  await breathe();
  clock.phase('duplicates');
  const unique = await dropDuplicates(pending, problems, breathe);
  await breathe();
  pending.length = 0;
  pending.push(...unique);
  clock.phase('ids');
  await assignUniqueIds(pending, breathe, SLICE);
  await breathe();
  clock.phase('sort by id');
  pending.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await breathe();
  clock.phase('titles');
  const byTitle = new Map<string, string>();
  for (const [i, p] of pending.entries()) {
    if (i % SLICE === SLICE - 1) await breathe();
    const key = keysOf(p).title;
    if (!byTitle.has(key)) byTitle.set(key, p.id);
  }
  await breathe();
  clock.phase('records');
  const articles: Article[] = [];
  const sharing = new RecordSharing();
  for (const [i, p] of pending.entries()) {
    if (i % SLICE === SLICE - 1) await breathe();
    const finished = finishEntry(p, byTitle, sharing);
    if (finished.article) articles.push(finished.article);
    else problems.add({ path: p.article.origin.path, line: p.article.origin.line, kind: 'invalid', reason: finished.invalid! });
  }
  clock.phase('problems and stats');
  const listed = problems.finish();
  const stats = {
    filesRead: files.length,
    filesIgnored: walked.ignored,
    articles: articles.length,
    problems: countProblems(listed).total,
    chromeLinesRemoved: chrome,
    duplicateLinesRemoved: duplicateLines,
    ...perFormatAndLanguage(files, articles),
    languagesDetected,
  };
  let token: object | undefined;
  if (options.cache) {
    options.cache.files = seen;
    options.cache.walk = walked;
    clock.phase('cross-file tables');
    const last = await lastLoadOf(everyEntry, pending, byTitle, breathe);
    Object.assign(last, { articles, problems: listed, stats });
    keepViews(seen.values());
    options.cache.last = last;
    token = last.token;
  }
  const phases = clock.done();
  return {
    articles,
    problems: listed,
    stats: {
      ...stats,
      ...(options.cache ? { filesReused: reused, filesUnread: unread } : {}),
      durationMs: Math.round(performance.now() - started),
      phases,
      longestBlockMs: clock.longestBlockMs,
    },
    ...(token ? { token } : {}),
  };
}

/** Languages nobody stated, detected in one pass so the detector is imported only when needed. */
async function detectLanguages(pending: readonly Pending[]): Promise<void> {
  if (!pending.some((p) => p.detectLanguage)) return;
  const detect = await loadLanguageDetector();
  for (const p of pending) {
    if (!p.detectLanguage) continue;
    const found = detect(languageSample(p.article.title, paragraphsOf(p.article)));
    if (found) {
      p.article.language = found;
      p.languageDetected = true;
    }
    // The record now holds its language: a later load reusing this parse need not detect it again.
    if (p.cachedEntry) Object.assign(p.cachedEntry, { detectLanguage: false, languageDetected: p.languageDetected });
  }
}

/**
 * The validated record of an entry with its final id, its related links resolved by `byTitle`:
 * the one the last load made when its id and related links come out the same.
 */
function finishEntry(p: Pending, byTitle: ReadonlyMap<string, string>, sharing: RecordSharing): NonNullable<Pending['finished']> {
  const relatedIds = keysOf(p).related.map((key) => byTitle.get(key) ?? null);
  const owner = p.cachedEntry ?? p;
  const finished = owner.finished;
  if (finished && finished.id === p.id && sameIds(finished.relatedIds, relatedIds)) return finished;
  const a: Article = {
    ...p.article,
    id: p.id,
    related: p.article.related.map((r, i) => ({ title: r.title, id: relatedIds[i]!, url: r.url })),
  };
  const v = validateArticle(a, sharing);
  return (owner.finished = { id: p.id, relatedIds, article: v.ok ? v.article : null, invalid: v.ok ? null : v.reason });
}

/** An entry's distinct duplicate-check keys (its text, its headline and lead). */
function duplicateKeysOf(p: Pending): string[] {
  const { content, headline } = keysOf(p);
  return content === headline ? [content] : [content, headline];
}

/** The id an entry has before clashes are resolved (what its parse gave it). */
const baseIdOf = (p: Pending): string => (p.cachedEntry ?? p).id;

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/** The cross-file tables of a full load: `every` entry read, `served` those left once duplicates are dropped. */
async function lastLoadOf(every: readonly Pending[], served: readonly Pending[], byTitle: Map<string, string>, breathe: () => Promise<void>): Promise<LastLoad> {
  const duplicateKeys = new Map<string, number>();
  for (const [i, p] of every.entries()) {
    if (i % SLICE === SLICE - 1) await breathe();
    for (const k of duplicateKeysOf(p)) bump(duplicateKeys, k, 1);
  }
  const baseIds = new Map<string, number>();
  const titles = new Map<string, number>();
  const relatedTitles = new Map<string, number>();
  for (const [i, p] of served.entries()) {
    if (i % SLICE === SLICE - 1) await breathe();
    bump(baseIds, baseIdOf(p), 1);
    const keys = keysOf(p);
    bump(titles, keys.title, 1);
    for (const k of keys.related) bump(relatedTitles, k, 1);
  }
  return { token: {}, articles: [], problems: [], stats: undefined as never, duplicateKeys, baseIds, titles, byTitle, relatedTitles };
}

/**
 * The last load with the named files' entries replaced (`old` out, `fresh` in), when they stand
 * alone (see LastLoad): the tables and the served list updated in place of a new pass, and the
 * records removed and added; null when the change touches another article, for a full pass.
 */
function applyNamedChanges(
  last: LastLoad,
  change: {
    old: readonly Pending[];
    /** The named files' outcomes in the last load. */
    oldFiles: readonly FileOutcome[];
    filesRead: number;
    fresh: readonly Pending[];
    outcomes: ReadonlyMap<string, FileOutcome>;
    named: NonNullable<Walk['named']>;
    /** The named files' own problems (read now). */
    problems: ProblemList;
    chrome: number;
    duplicateLines: number;
  },
): { last: LastLoad; removed: string[]; added: Article[] } | null {
  const { old, fresh } = change;
  // How many of the old and fresh entries hold each key, per table.
  const tally = (entries: readonly Pending[], keysOfEntry: (p: Pending) => readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const p of entries) for (const k of keysOfEntry(p)) bump(m, k, 1);
    return m;
  };
  const alone = (table: Map<string, number>, keysOfEntry: (p: Pending) => readonly string[]): boolean => {
    const before = tally(old, keysOfEntry);
    const after = tally(fresh, keysOfEntry);
    // Each old key held by its entry alone, each fresh one by its entry alone once the old are gone.
    for (const [k, n] of before) if (n !== 1 || table.get(k) !== 1) return false;
    for (const [k, n] of after) if (n !== 1 || (table.get(k) ?? 0) - (before.get(k) ?? 0) !== 0) return false;
    return true;
  };
  if (!alone(last.duplicateKeys, duplicateKeysOf)) return null;
  if (!alone(last.baseIds, (p) => [baseIdOf(p)])) return null;
  if (!alone(last.titles, (p) => [keysOf(p).title])) return null;
  // No article outside the change names an old or fresh headline in its related list.
  const oldRelated = tally(old, (p) => keysOf(p).related);
  for (const p of [...old, ...fresh]) {
    const k = keysOf(p).title;
    if ((last.relatedTitles.get(k) ?? 0) - (oldRelated.get(k) ?? 0) !== 0) return null;
  }
  // The served records, by id: the old entries' out, the fresh ones' in (their ids are their own: no clash).
  const articles = last.articles;
  const position = (id: string): number => firstAtOrAfter(articles, id);
  const removed = new Set<string>();
  for (const p of old) {
    const served = (p.cachedEntry ?? p).finished?.article;
    if (served) removed.add(served.id);
  }
  for (const p of fresh) {
    p.id = baseIdOf(p);
    const at = position(p.id);
    // An id another record already has (a clash of a made id with a stated one): the full pass decides.
    if (at < articles.length && articles[at]!.id === p.id && !removed.has(p.id)) return null;
  }

  // Stand-alone: update the tables.
  for (const p of old) {
    for (const k of duplicateKeysOf(p)) bump(last.duplicateKeys, k, -1);
    bump(last.baseIds, baseIdOf(p), -1);
    const keys = keysOf(p);
    bump(last.titles, keys.title, -1);
    last.byTitle.delete(keys.title);
    for (const k of keys.related) bump(last.relatedTitles, k, -1);
  }
  for (const p of fresh) {
    for (const k of duplicateKeysOf(p)) bump(last.duplicateKeys, k, 1);
    bump(last.baseIds, p.id, 1);
    const keys = keysOf(p);
    bump(last.titles, keys.title, 1);
    last.byTitle.set(keys.title, p.id);
    for (const k of keys.related) bump(last.relatedTitles, k, 1);
  }
  const sharing = new RecordSharing();
  const added: Article[] = [];
  for (const p of fresh) {
    const finished = finishEntry(p, last.byTitle, sharing);
    if (finished.article) added.push(finished.article);
    else change.problems.add({ path: p.article.origin.path, line: p.article.origin.line, kind: 'invalid', reason: finished.invalid! });
  }
  added.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // The served list copied once, the change spliced in at the places a binary search finds (ids unique).
  const next = articles.slice();
  for (const id of removed) next.splice(firstAtOrAfter(next, id), 1);
  for (const a of added) next.splice(firstAtOrAfter(next, a.id), 0, a);

  // Problems: the named files' replace what they had; the rest stand.
  const namedPaths = new Set([...change.named.present.map((f) => f.rel), ...change.named.removed]);
  const problems = last.problems.filter((p) => !namedPaths.has(p.path)).concat(change.problems.finish()).sort(compareProblems);

  // Counts: the old entries' and files' share out, the fresh ones' in.
  const stats = { ...last.stats, byFormat: structuredClone(last.stats.byFormat), byLanguage: { ...last.stats.byLanguage } };
  const countFile = (rel: string, by: number) => {
    const format = formatFor(rel)!.format;
    const f = (stats.byFormat[format] ??= { files: 0, articles: 0 });
    f.files += by;
    if (f.files === 0 && f.articles === 0) delete stats.byFormat[format];
  };
  const countRecord = (a: Article, by: number) => {
    const f = (stats.byFormat[a.origin.format] ??= { files: 0, articles: 0 });
    f.articles += by;
    if (f.files === 0 && f.articles === 0) delete stats.byFormat[a.origin.format];
    stats.byLanguage[a.language] = (stats.byLanguage[a.language] ?? 0) + by;
    if (stats.byLanguage[a.language] === 0) delete stats.byLanguage[a.language];
  };
  for (const f of change.named.added) countFile(f.rel, 1);
  for (const rel of change.named.removed) countFile(rel, -1);
  for (const p of old) {
    const served = (p.cachedEntry ?? p).finished?.article;
    if (served) countRecord(served, -1);
    if ((p.cachedEntry ?? p).languageDetected) stats.languagesDetected--;
  }
  for (const a of added) countRecord(a, 1);
  for (const p of fresh) if (p.languageDetected) stats.languagesDetected++;
  stats.articles = next.length;
  stats.problems = countProblems(problems).total;
  stats.filesRead = change.filesRead;
  let chrome = stats.chromeLinesRemoved + change.chrome;
  let duplicateLines = stats.duplicateLinesRemoved + change.duplicateLines;
  for (const o of change.oldFiles) {
    chrome -= o.chromeLines;
    duplicateLines -= o.duplicateLines;
  }
  return { last: { ...last, token: {}, articles: next, problems, stats: { ...stats, chromeLinesRemoved: chrome, duplicateLinesRemoved: duplicateLines } }, removed: [...removed], added };
}

/** Position of the first record of a list sorted by id whose id is not below `id` (binary search). */
function firstAtOrAfter(articles: readonly Article[], id: string): number {
  let lo = 0;
  let hi = articles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (articles[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function perFormatAndLanguage(files: readonly WalkEntry[], articles: readonly Article[]): Pick<LoadStats, 'byFormat' | 'byLanguage'> {
  const byFormat: LoadStats['byFormat'] = {};
  for (const f of files) {
    const format = formatFor(f.rel)!.format;
    (byFormat[format] ??= { files: 0, articles: 0 }).files++;
  }
  for (const a of articles) (byFormat[a.origin.format] ??= { files: 0, articles: 0 }).articles++;
  const byLanguage: Record<string, number> = {};
  for (const a of articles) byLanguage[a.language] = (byLanguage[a.language] ?? 0) + 1;
  return { byFormat, byLanguage };
}

/**
 * The same article twice (same text, or same headline and lead) is served once: the copy with
 * the first path wins and every other copy is reported as a duplicate naming it.
 */
async function dropDuplicates(pending: Pending[], problems: ProblemList, breathe: () => Promise<void>): Promise<Pending[]> {
  const byPath = pending.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const seen = new Map<string, string>();
  const kept: Pending[] = [];
  for (const [i, p] of byPath.entries()) {
    if (i % SLICE === SLICE - 1) await breathe();
    const a = p.article;
    const { content, headline } = keysOf(p);
    const original = seen.get(content) ?? seen.get(headline);
    if (original !== undefined) {
      problems.add({ path: a.origin.path, line: a.origin.line, kind: 'duplicate', reason: `same article as ${original}; served once` });
      continue;
    }
    const where = a.origin.line === null ? a.origin.path : `${a.origin.path}:${a.origin.line}`;
    seen.set(content, where);
    seen.set(headline, where);
    kept.push(p);
  }
  return kept;
}

function sameIds(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}


/** Is the file at `abs` still a regular file of the size and modification time it had when read? */
async function sameStat(abs: string, earlier: Pick<FileOutcome, 'size' | 'mtimeMs'>, sync: boolean): Promise<boolean> {
  try {
    const st = sync ? statSync(abs) : await fs.stat(abs);
    return st.isFile() && st.size === earlier.size && st.mtimeMs === earlier.mtimeMs;
  } catch {
    return false; // read it: the read reports what is wrong
  }
}

