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
import { errText, isExhaustion, specialKind, walkDataDir, type WalkEntry } from './walk.js';

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
    let parsed;
    try {
      parsed = await parser.parse(file, { chrome: defaults.chrome });
    } catch (e) {
      // Whatever a parser throws (a DOM or Readability edge case, a stack overflow on hostile input) costs that file only.
      return problem('parse-error', `could not parse the ${parser.format} file: ${(e as Error).message}`);
    }
    chrome += parsed.counts.chromeLines;
    duplicateLines += parsed.counts.duplicateLines;
    const slash = rel.indexOf('/');
    const folderCategory = slash > 0 ? rel.slice(0, slash) : null;
    if (parsed.omitted) problems.addOmitted(rel, parsed.omitted);
    for (const entry of parsed.entries) {
      if ('problem' in entry) {
        problem(entry.problem.kind, entry.problem.reason, entry.problem.line);
        continue;
      }
      const { draft, line } = entry;
      for (const w of entry.warnings ?? []) problem('bad-field', w, line);
      if (draft.paragraphs.length === 0) {
        problem('no-body', 'no paragraphs after the title', line);
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
      pending.push({ key: line === null ? rel : `${rel}#${line}`, id, article, detectLanguage: draft.language === null });
    }
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
  let languagesDetected = 0;
  if (pending.some((p) => p.detectLanguage)) {
    const detect = await loadLanguageDetector();
    for (const p of pending) {
      if (!p.detectLanguage) continue;
      const found = detect(languageSample(p.article.title, p.article.paragraphs));
      if (found) {
        p.article.language = found;
        languagesDetected++;
      }
    }
  }

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
