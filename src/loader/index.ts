/**
 * The loader: a data directory in, validated immutable Article records and a list of problems
 * out. It never throws for a bad file (the file is reported and skipped); it throws
 * DataDirError only when the directory itself cannot be used.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Article } from '../articles/schema.js';
import { assignUniqueIds, baseId } from './ids.js';
import { finishArticle, RecordSharing, validateArticle } from './finish.js';
import { formatFor, loadParsers } from './registry.js';
import { languageSample, loadLanguageDetector, primaryLanguage } from './normalise/language.js';
import { countProblems, ProblemList, type LoadProblem } from './problems.js';
import type { Format, InputFile, ProblemKind } from './types.js';
import { errText, isExhaustion, specialKind, walkDataDir, type FolderDefaults, type WalkEntry } from './walk.js';

export type { ProblemKind } from './types.js';

export { countProblems, logProblems, PROBLEMS_LISTED_PER_FILE, type LoadProblem } from './problems.js';

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
  durationMs: number;
}

export interface LoadResult {
  articles: Article[];
  problems: LoadProblem[];
  stats: LoadStats;
}

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
  /** Called as files are read (for progress bars). */
  onProgress?: (filesDone: number, filesTotal: number) => void;
  /**
   * What each file gave the last time this folder was loaded: a file whose bytes and folder
   * defaults are unchanged is not parsed again. Left out, every file is parsed (a full load).
   */
  cache?: ParseCache;
}

/** One file's parse as the load uses it: its problems, its articles and its clean-up counts. */
interface FileOutcome {
  sha256: string;
  /** The folder defaults the file was parsed under (source, language, category, chrome). */
  defaultsKey: string;
  problems: Array<{ kind: ProblemKind; reason: string; line: number | null }>;
  entries: Pending[];
  omitted: Parameters<ProblemList['addOmitted']>[1] | undefined;
  chromeLines: number;
  duplicateLines: number;
}

/**
 * Per-file parse results kept between loads of one data folder by whoever reloads it (the
 * server's live reload), so that a reload reads and hashes every file but parses only the files
 * whose content or folder defaults changed. The cross-file steps (language detection of new
 * articles, duplicates, ids, related links, validation) still run over every article, so a load
 * with a cache gives exactly what a load without one gives. Each load replaces the contents with
 * the files it saw, so deleted files leave the cache.
 */
export class ParseCache {
  files = new Map<string, FileOutcome>();
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
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

interface Pending {
  key: string;
  id: string;
  article: Article;
  /** No metadata or folder stated the language: detect it once every file is read. */
  detectLanguage: boolean;
  /** Its language was detected from its text (in this load or, for a reused parse, an earlier one). */
  languageDetected?: boolean;
  /** The parse-cache entry this one was copied from. */
  cachedEntry?: Pending;
}

export async function loadArticles(dataDir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const started = performance.now();
  const root = path.resolve(dataDir);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let st;
  try {
    st = await fs.stat(root);
  } catch (e) {
    throw new DataDirError(dataDir, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : errText(e));
  }
  if (!st.isDirectory()) throw new DataDirError(dataDir, 'is not a directory');

  const walked = await walkDataDir(root, (name) => formatFor(name) !== undefined, { followSymlinksOutside: options.followSymlinksOutside });
  // A folder that could not be listed, or reads that failed for want of descriptors, would make
  // a corpus missing arbitrary articles: that is no reading of the folder, so none is returned.
  if (walked.unreadable) throw new DataDirError(dataDir, walked.unreadable);
  let exhausted: string | null = null;
  const parsers = await loadParsers(walked.files.map((f) => f.rel));
  const problems = new ProblemList();
  for (const p of walked.problems) problems.add({ path: p.rel, line: null, kind: p.kind ?? 'unreadable', reason: p.reason });
  const pending: Pending[] = [];
  let chrome = 0;
  let duplicateLines = 0;
  const seen = new Map<string, FileOutcome>();
  let reused = 0;
  const defaultsKeys = new WeakMap<FolderDefaults, string>();
  const keyOf = (d: FolderDefaults): string => {
    let k = defaultsKeys.get(d);
    if (k === undefined) {
      k = JSON.stringify([d.source?.id ?? null, d.source?.name ?? null, d.language ?? null, d.category ?? null, d.chrome.fingerprint]);
      defaultsKeys.set(d, k);
    }
    return k;
  };
  /** What a file gave, parsed now or earlier, added to this load. */
  const use = (rel: string, o: FileOutcome) => {
    seen.set(rel, o);
    chrome += o.chromeLines;
    duplicateLines += o.duplicateLines;
    if (o.omitted) problems.addOmitted(rel, o.omitted);
    for (const p of o.problems) problems.add({ path: rel, line: p.line, kind: p.kind, reason: p.reason });
    // Copies: ids may change below when two paths clash; the cached entries stay as parsed.
    for (const e of o.entries) pending.push({ ...e, cachedEntry: e });
  };

  const one = async ({ abs, rel, defaults }: WalkEntry) => {
    const problem = (kind: ProblemKind, reason: string, line: number | null = null) => problems.add({ path: rel, line, kind, reason });
    let bytes: Buffer;
    try {
      const read = options.syncRead ? readSync(abs, maxBytes) : await readAsync(abs, maxBytes);
      if (typeof read === 'number') return problem('too-large', `file is ${read} bytes; the limit is ${maxBytes}`);
      if (typeof read === 'string') return problem('not-a-file', `${read}, not a file; not read`);
      bytes = read;
    } catch (e) {
      if (isExhaustion(e)) exhausted ??= `${rel} could not be read: ${errText(e)}`;
      return problem('unreadable', errText(e));
    }
    if (bytes.length > maxBytes) return problem('too-large', `file is ${bytes.length} bytes; the limit is ${maxBytes}`);
    if (bytes.length === 0) return problem('empty', 'file is empty');
    if (bytes.includes(0)) return problem('binary', 'file holds NUL bytes (binary, or UTF-16 text)');
    const plugin = formatFor(rel)!;
    const file: InputFile = { bytes, text: null };
    if (plugin.input === 'utf-8') {
      try {
        file.text = utf8.decode(bytes);
      } catch {
        return problem('not-utf8', `not valid UTF-8 (first bad byte near offset ${firstBadUtf8(bytes)})`);
      }
      if (file.text.trim() === '') return problem('empty', 'file holds only whitespace');
    }
    const parser = parsers.get(plugin.format)!;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const defaultsKey = keyOf(defaults);
    const earlier = options.cache?.files.get(rel);
    if (earlier && earlier.sha256 === sha256 && earlier.defaultsKey === defaultsKey) {
      reused++;
      return use(rel, earlier);
    }
    const outcome: FileOutcome = { sha256, defaultsKey, problems: [], entries: [], omitted: undefined, chromeLines: 0, duplicateLines: 0 };
    const record = (kind: ProblemKind, reason: string, line: number | null = null) => outcome.problems.push({ kind, reason, line });
    let parsed;
    try {
      parsed = await parser.parse(file, { chrome: defaults.chrome });
    } catch (e) {
      // Whatever a parser throws (a DOM or Readability edge case, a stack overflow on hostile input) costs that file only.
      record('parse-error', `could not parse the ${parser.format} file: ${(e as Error).message}`);
      return use(rel, outcome);
    }
    outcome.chromeLines = parsed.counts.chromeLines;
    outcome.duplicateLines = parsed.counts.duplicateLines;
    const slash = rel.indexOf('/');
    const folderCategory = slash > 0 ? rel.slice(0, slash) : null;
    outcome.omitted = parsed.omitted;
    for (const entry of parsed.entries) {
      if ('problem' in entry) {
        record(entry.problem.kind, entry.problem.reason, entry.problem.line);
        continue;
      }
      const { draft, line } = entry;
      for (const w of entry.warnings ?? []) record('bad-field', w, line);
      if (draft.paragraphs.length === 0) {
        record('no-body', 'no paragraphs after the title', line);
        continue;
      }
      // Folder defaults fill what the file itself does not say.
      if (!draft.sourceName && defaults.source) draft.sourceName = defaults.source.name;
      if (!draft.language) draft.language = primaryLanguage(defaults.language);
      if (!draft.category && defaults.category) draft.category = defaults.category;
      const id = baseId(rel, line);
      const article = finishArticle(draft, {
        id,
        path: rel,
        sha256,
        format: parser.format,
        line,
        folderCategory,
        sourceId: draft.sourceName && draft.sourceName === defaults.source?.name ? defaults.source.id : undefined,
      });
      outcome.entries.push({ key: line === null ? rel : `${rel}#${line}`, id, article, detectLanguage: draft.language === null });
    }
    use(rel, outcome);
  };

  const files = walked.files;
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.min(options.concurrency ?? 32, files.length) }, async () => {
    while (next < files.length) {
      await one(files[next++]!);
      done++;
      options.onProgress?.(done, files.length);
    }
  });
  await Promise.all(workers);
  if (exhausted) throw new DataDirError(dataDir, `could not be read completely (${exhausted})`);

  // Languages nobody stated, detected in one pass so the detector is imported only when needed.
  if (pending.some((p) => p.detectLanguage)) {
    const detect = await loadLanguageDetector();
    for (const p of pending) {
      if (!p.detectLanguage) continue;
      const found = detect(languageSample(p.article.title, p.article.paragraphs));
      if (found) {
        p.article.language = found;
        p.languageDetected = true;
      }
      // The record now holds its language: a later load reusing this parse need not detect it again.
      if (p.cachedEntry) Object.assign(p.cachedEntry, { detectLanguage: false, languageDetected: p.languageDetected });
    }
  }
  const languagesDetected = pending.reduce((n, p) => n + (p.languageDetected ? 1 : 0), 0);

  const unique = dropDuplicates(pending, problems);
  pending.length = 0;
  pending.push(...unique);
  assignUniqueIds(pending);
  pending.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byTitle = new Map<string, string>();
  for (const p of pending) {
    const key = titleKey(p.article.title);
    if (!byTitle.has(key)) byTitle.set(key, p.id);
  }
  const articles: Article[] = [];
  const sharing = new RecordSharing();
  for (const p of pending) {
    const a: Article = {
      ...p.article,
      id: p.id,
      related: p.article.related.map((r) => ({ title: r.title, id: byTitle.get(titleKey(r.title)) ?? null, url: r.url })),
    };
    const v = validateArticle(a, sharing);
    if (v.ok) articles.push(v.article);
    else problems.add({ path: a.origin.path, line: a.origin.line, kind: 'invalid', reason: v.reason });
  }
  const listed = problems.finish();
  if (options.cache) options.cache.files = seen;
  return {
    articles,
    problems: listed,
    stats: {
      filesRead: files.length,
      filesIgnored: walked.ignored,
      articles: articles.length,
      problems: countProblems(listed).total,
      chromeLinesRemoved: chrome,
      duplicateLinesRemoved: duplicateLines,
      ...perFormatAndLanguage(files, articles),
      languagesDetected,
      ...(options.cache ? { filesReused: reused } : {}),
      durationMs: Math.round(performance.now() - started),
    },
  };
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
function dropDuplicates(pending: Pending[], problems: ProblemList): Pending[] {
  const byPath = pending.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const seen = new Map<string, string>();
  const kept: Pending[] = [];
  for (const p of byPath) {
    const a = p.article;
    const content = createHash('sha256').update(`${a.title}\n${a.paragraphs.join('\n')}`).digest('hex');
    const headline = `${titleKey(a.title)}\n${titleKey(a.lead)}`;
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

function titleKey(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019]/gu, "'").replace(/\s+/gu, ' ').trim();
}

/**
 * Opened without blocking: a file swapped for a FIFO after the walk would otherwise block the
 * open (and a thread-pool thread) until some writer came.
 */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * One open, one fstat, one read: the size is checked before anything is read. A number means
 * too large; a string names what the path is when it is not a regular file.
 */
async function readAsync(abs: string, maxBytes: number): Promise<Buffer | number | string> {
  const handle = await fs.open(abs, OPEN_FLAGS);
  try {
    const st = await handle.stat();
    if (!st.isFile()) return specialKind(st) ?? 'not a regular file';
    return st.size > maxBytes ? st.size : await handle.readFile();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function readSync(abs: string, maxBytes: number): Buffer | number | string {
  const fd = openSync(abs, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return specialKind(st) ?? 'not a regular file';
    return st.size > maxBytes ? st.size : readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstBadUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}
