/**
 * One article file read and parsed, on its own: the part of a load that needs no other file, so
 * that it can run on the loader's thread or on a worker of a parse pool (parse-pool.ts). What
 * spans files (duplicates, unique ids, related links, validation) stays in loadArticles.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fs, readFileSync } from 'node:fs';
import { textOf } from '../articles/record.js';
import type { Article } from '../articles/schema.js';
import { finishArticle } from './finish.js';
import { baseId } from './ids.js';
import { resolveDraftLinks, siteHost } from './normalise/clean.js';
import { primaryLanguage } from './normalise/language.js';
import type { ProblemList } from './problems.js';
import { formatFor } from './registry.js';
import type { Format, FormatParser, InputFile, ProblemKind } from './types.js';
import { errText, isExhaustion, specialKind, type FolderDefaults } from './walk.js';

/** One file's parse as the load uses it: its problems, its articles and its clean-up counts. */
export interface FileOutcome {
  sha256: string;
  /** The file's size and modification time when it was read (from the same open as its bytes). */
  size: number;
  mtimeMs: number;
  /** The folder defaults the file was parsed under (source, language, category, chrome). */
  defaultsKey: string;
  problems: Array<{ kind: ProblemKind; reason: string; line: number | null }>;
  entries: Pending[];
  omitted: Parameters<ProblemList['addOmitted']>[1] | undefined;
  chromeLines: number;
  duplicateLines: number;
}

export interface Pending {
  key: string;
  id: string;
  article: Article;
  /** No metadata or folder stated the language: detect it once every file is read. */
  detectLanguage: boolean;
  /** Its language was detected from its text (in this load or, for a reused parse, an earlier one). */
  languageDetected?: boolean;
  /** The parse-cache entry this one was copied from. */
  cachedEntry?: Pending;
  /** Kept on the cache entry once computed: the keys of the duplicate check and of related links. */
  keys?: { content: string; headline: string; title: string; related: readonly string[] };
  /** The validated record (or why it failed) the last load made of it, with the id and related ids it had then. */
  finished?: { id: string; relatedIds: ReadonlyArray<string | null>; article: Article | null; invalid: string | null };
}

/** A problem that stops a file from being read or parsed at all (no outcome is kept for it). */
export interface FileProblem {
  problem: { kind: ProblemKind; reason: string };
  /** Set when the read failed for want of file descriptors: the load as a whole is then no reading of the folder. */
  exhausted?: boolean;
}

/** A file's checked bytes: not too large, not empty, with their sha256. */
export interface ArticleBytes {
  bytes: Buffer;
  mtimeMs: number;
  sha256: string;
}

/** Reads `abs`: its bytes and their sha256, or why they cannot be had (too large, not a file, unreadable, empty). */
export async function readArticleFile(abs: string, maxBytes: number, sync: boolean): Promise<ArticleBytes | FileProblem> {
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const read = sync ? readSync(abs, maxBytes) : await readAsync(abs, maxBytes);
    if (typeof read === 'number') return { problem: { kind: 'too-large', reason: `file is ${read} bytes; the limit is ${maxBytes}` } };
    if (typeof read === 'string') return { problem: { kind: 'not-a-file', reason: `${read}, not a file; not read` } };
    ({ bytes, mtimeMs } = read);
  } catch (e) {
    return { problem: { kind: 'unreadable', reason: errText(e) }, exhausted: isExhaustion(e) };
  }
  if (bytes.length > maxBytes) return { problem: { kind: 'too-large', reason: `file is ${bytes.length} bytes; the limit is ${maxBytes}` } };
  if (bytes.length === 0) return { problem: { kind: 'empty', reason: 'file is empty' } };
  return { bytes, mtimeMs, sha256: createHash('sha256').update(bytes).digest('hex') };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses a file's bytes under its folder's defaults: its articles (finished, not yet validated:
 * ids may still change and related links are not resolved) and its per-line problems, or a
 * problem that stops the whole file (binary, not UTF-8, only whitespace).
 */
export async function parseArticleFile(read: ArticleBytes, rel: string, defaults: FolderDefaults, defaultsKey: string, parsers: ReadonlyMap<Format, FormatParser>): Promise<FileOutcome | FileProblem> {
  const { bytes, sha256, mtimeMs } = read;
  if (bytes.includes(0)) return { problem: { kind: 'binary', reason: 'file holds NUL bytes (binary, or UTF-16 text)' } };
  const plugin = formatFor(rel)!;
  const file: InputFile = { bytes, text: null };
  if (plugin.input === 'utf-8') {
    try {
      file.text = utf8.decode(bytes);
    } catch {
      return { problem: { kind: 'not-utf8', reason: `not valid UTF-8 (first bad byte near offset ${firstBadUtf8(bytes)})` } };
    }
    if (file.text.trim() === '') return { problem: { kind: 'empty', reason: 'file holds only whitespace' } };
  }
  const parser = parsers.get(plugin.format)!;
  const outcome: FileOutcome = { sha256, size: bytes.length, mtimeMs, defaultsKey, problems: [], entries: [], omitted: undefined, chromeLines: 0, duplicateLines: 0 };
  const record = (kind: ProblemKind, reason: string, line: number | null = null) => outcome.problems.push({ kind, reason, line });
  let parsed;
  try {
    parsed = await parser.parse(file, { chrome: defaults.chrome });
  } catch (e) {
    // Whatever a parser throws (a DOM or Readability edge case, a stack overflow on hostile input) costs that file only.
    record('parse-error', `could not parse the ${parser.format} file: ${(e as Error).message}`);
    return outcome;
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
    resolveDraftLinks(draft, defaults.url ?? null);
    // A file that names no source, in a folder that gives none, is from the site its address is on
    // (as scrapers' `source_domain`): the host is stated, a name would be a guess.
    if (!draft.sourceName) draft.sourceName = siteHost(draft.url);
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
  return outcome;
}

/**
 * Opened without blocking: a file swapped for a FIFO after the walk would otherwise block the
 * open (and a thread-pool thread) until some writer came.
 */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/** A file's bytes and its modification time, from the same open. */
interface FileRead {
  bytes: Buffer;
  mtimeMs: number;
}

/**
 * One open, one fstat, one read: the size is checked before anything is read. A number means
 * too large; a string names what the path is when it is not a regular file.
 */
async function readAsync(abs: string, maxBytes: number): Promise<FileRead | number | string> {
  const handle = await fs.open(abs, OPEN_FLAGS);
  try {
    const st = await handle.stat();
    if (!st.isFile()) return specialKind(st) ?? 'not a regular file';
    return st.size > maxBytes ? st.size : { bytes: await handle.readFile(), mtimeMs: st.mtimeMs };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function readSync(abs: string, maxBytes: number): FileRead | number | string {
  const fd = openSync(abs, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return specialKind(st) ?? 'not a regular file';
    return st.size > maxBytes ? st.size : { bytes: readFileSync(fd), mtimeMs: st.mtimeMs };
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

/** The keys of the cross-file steps, computed once per parse and kept on its cache entry. */
export function keysOf(p: Pending): NonNullable<Pending['keys']> {
  const owner = p.cachedEntry ?? p;
  if (!owner.keys) {
    const a = p.article;
    // Kept as digests: the cache holds them for every article between reloads, and only equality matters.
    owner.keys = {
      content: digest(`${a.title}\n${textOf(a)}`),
      headline: digest(`${titleKey(a.title)}\n${titleKey(a.lead)}`),
      title: digest(titleKey(a.title)),
      related: a.related.map((r) => digest(titleKey(r.title))),
    };
  }
  return owner.keys;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64');

function titleKey(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019]/gu, "'").replace(/\s+/gu, ' ').trim();
}
