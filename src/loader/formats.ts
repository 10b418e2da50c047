/** Input formats by file extension. Each parser turns file text into drafts or per-entry problems. */
import type { ArticleDraft, NormalisationCounts } from './draft.js';
import { parseJson, parseNdjson } from './json.js';
import { parseArticleText } from './parse-text.js';
import type { Article } from '../articles/schema.js';

export type Format = Article['origin']['format'];

export type ParsedEntry =
  | { draft: ArticleDraft; line: number | null; warnings?: string[] }
  | { problem: { kind: ProblemKind; reason: string; line: number | null } };

/** What a parser made of a file; `omitted`: problems it counted but did not list (see problems.ts). */
export interface ParseResult {
  entries: ParsedEntry[];
  counts: NormalisationCounts;
  omitted?: Partial<Record<ProblemKind, number>>;
}

export interface FormatParser {
  format: Format;
  /** Markdown answers a promise: it yields to the event loop while lexing a large body. */
  parse(text: string): ParseResult | Promise<ParseResult>;
}

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

const text: FormatParser = {
  format: 'txt',
  parse(body) {
    const { draft, counts } = parseArticleText(body);
    if (!draft) return { entries: [{ problem: { kind: 'no-title', reason: 'no title line', line: null } }], counts };
    return { entries: [{ draft, line: null }], counts };
  },
};

// Markdown support (marked, yaml) is imported only when a data directory holds Markdown files:
// it is a tenth of the server's module load time, and most corpora are text or JSON.
let markdownModule: typeof import('./markdown.js') | undefined;

/** Loads what the given files' formats need before they are parsed. */
export async function prepareParsers(fileNames: readonly string[]): Promise<void> {
  if (!markdownModule && fileNames.some((n) => parserFor(n)?.format === 'md')) markdownModule = await import('./markdown.js');
}

const markdown: FormatParser = {
  format: 'md',
  parse(body) {
    if (!markdownModule) throw new Error('prepareParsers() must run before Markdown files are parsed');
    return markdownModule.parseMarkdown(body);
  },
};
const json: FormatParser = { format: 'json', parse: parseJson };
const ndjson: FormatParser = { format: 'ndjson', parse: parseNdjson };

export const PARSERS: Readonly<Record<string, FormatParser>> = {
  '.txt': text,
  '.md': markdown,
  '.markdown': markdown,
  '.json': json,
  '.ndjson': ndjson,
  '.jsonl': ndjson,
};

export function parserFor(fileName: string): FormatParser | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : PARSERS[fileName.slice(dot).toLowerCase()];
}
