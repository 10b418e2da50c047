/**
 * The loader's own types, in one place: what a format plugin gets and gives back, and the draft
 * every format fills before the shared finishing step. Formats import from here, never from each
 * other or from the registry.
 */
import type { Article, Cover, Dateline, Image } from '../articles/schema.js';
import type { ChromeList } from './normalise/chrome.js';

export type Format = Article['origin']['format'];
export type DateSource = NonNullable<Article['dateSource']>;

/**
 * What a format parser extracts from one input article before the shared finishing step
 * (ids, slugs, derived fields, related ids, validation). Metadata fields are null when the
 * input did not state them.
 */
export interface ArticleDraft {
  title: string;
  sourceName: string | null;
  /** A source id the input stated (JSON `source.id`), kept as given when it is a valid id. */
  sourceId: string | null;
  byline: string | null;
  dateline: Dateline | null;
  paragraphs: string[];
  images: Image[];
  cover: Cover | null;
  related: Array<{ title: string; url: string | null }>;
  attribution: string | null;
  credits: string[];
  tags: string[];
  url: string | null;
  /** Only from where a page states its date (see normalise/dates.ts); never from the prose. */
  publishedAt: string | null;
  modifiedAt: string | null;
  dateSource: DateSource | null;
  category: string | null;
  language: string | null;
}

/** What normalisation removed, counted for the data checker. */
export interface NormalisationCounts {
  chromeLines: number;
  duplicateLines: number;
}

/** A block of body text, or an image a richer format (Markdown, HTML) already recognised. */
export type Block = string | { image: { caption: string | null; credit: string | null; url: string | null } };

export type ProblemKind =
  | 'unreadable'
  | 'outside-data-dir'
  | 'not-a-file'
  | 'too-large'
  | 'binary'
  | 'not-utf8'
  | 'empty'
  | 'no-title'
  | 'no-body'
  | 'parse-error'
  | 'invalid'
  | 'bad-field'
  | 'duplicate';

export type ParsedEntry =
  | { draft: ArticleDraft; line: number | null; warnings?: string[] }
  | { problem: { kind: ProblemKind; reason: string; line: number | null } };

/** What a parser made of a file; `omitted`: problems it counted but did not list (see problems.ts). */
export interface ParseResult {
  entries: ParsedEntry[];
  counts: NormalisationCounts;
  omitted?: Partial<Record<ProblemKind, number>>;
}

/** What a parser knows besides the file: the page-chrome lines of the file's folder. */
export interface ParseContext {
  chrome: ChromeList;
}

/** A file as the loader read it: its bytes, and its text when the format takes UTF-8. */
export interface InputFile {
  bytes: Uint8Array;
  /** Strict UTF-8 text (BOM kept for the parser to drop); null for formats that decode themselves. */
  text: string | null;
}

/** One input format: a plugin of the registry (registry.ts). */
export interface FormatParser {
  format: Format;
  /** A promise when the parser yields to the event loop while working through a large file (Markdown, NDJSON). */
  parse(file: InputFile, context: ParseContext): ParseResult | Promise<ParseResult>;
}

export function emptyDraft(title: string): ArticleDraft {
  return {
    title,
    sourceName: null,
    sourceId: null,
    byline: null,
    dateline: null,
    paragraphs: [],
    images: [],
    cover: null,
    related: [],
    attribution: null,
    credits: [],
    tags: [],
    url: null,
    publishedAt: null,
    modifiedAt: null,
    dateSource: null,
    category: null,
    language: null,
  };
}

export function emptyCounts(): NormalisationCounts {
  return { chromeLines: 0, duplicateLines: 0 };
}
