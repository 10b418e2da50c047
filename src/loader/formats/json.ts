/**
 * Scraper JSON: one article object or an array of them (.json), or one object per line
 * (.ndjson, .jsonl). The body text goes through the same body rules as raw text. A bad entry is
 * reported with its line (NDJSON) or position (arrays, 1-based); the others still load.
 */
import { applyMetadata, FIELD_NAMES, pick, text } from '../metadata.js';
import { structureBody } from '../normalise/body.js';
import { cleanLines } from '../normalise/clean.js';
import { PROBLEMS_LISTED_PER_FILE } from '../problems.js';
import { HOLDS_HTML, readArticleObject, type BodyPart } from '../shapes.js';
import { emptyCounts, emptyDraft, type Block, type FormatParser, type NormalisationCounts, type ParseContext, type ParsedEntry, type ParseResult } from '../types.js';

const LINES_PER_TURN = 2000;

type Fields = Record<string, unknown>;
/** HTML to blocks (normalise/html-blocks.ts), loaded only for a file that holds markup: linkedom is large. */
type HtmlBlocks = (html: string, base: string | null) => Block[];

async function htmlReaderFor(source: string): Promise<HtmlBlocks | null> {
  return HOLDS_HTML.test(source) ? (await import('../normalise/html-blocks.js')).htmlBlocks : null;
}

/** A body's parts as blocks; related links apart, since they carry their URLs. */
function blocksOf(parts: BodyPart[], htmlBlocks: HtmlBlocks | null, base: string | null): { blocks: Block[]; related: Array<{ title: string; url: string | null }> } {
  const blocks: Block[] = [];
  const related: Array<{ title: string; url: string | null }> = [];
  for (const part of parts) {
    if ('text' in part) blocks.push(...cleanLines(part.text));
    else if ('html' in part) blocks.push(...(htmlBlocks ? htmlBlocks(part.html, base) : cleanLines(part.html)));
    else if ('image' in part) blocks.push(part);
    else related.push(...part.related);
  }
  return { blocks, related };
}

/**
 * One article object, of any shape shapes.ts knows (scraper fields, WordPress REST, Arc ANS, a
 * block body), as a draft. Exported for HTML pages whose article is in page data (Next.js).
 */
export function entryFromObject(value: unknown, line: number | null, counts: NormalisationCounts, context: ParseContext, htmlBlocks: HtmlBlocks | null = null): ParsedEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: { kind: 'parse-error', reason: `expected an article object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, line } };
  }
  const { fields, body } = readArticleObject(value as Fields);
  const title = text(pick(fields, FIELD_NAMES.title));
  if (!title) return { problem: { kind: 'no-title', reason: `no ${FIELD_NAMES.title.join(' or ')} field`, line } };
  const url = text(pick(fields, FIELD_NAMES.url));
  const base = url && /^https?:/u.test(url) ? url : null;
  let { blocks, related } = blocksOf(body, htmlBlocks, base);
  if (!blocks.some((b) => typeof b === 'string' && b !== '')) {
    const description = pick(fields, FIELD_NAMES.description);
    if (typeof description === 'string') blocks = [...blocks, ...cleanLines(description)];
  }
  const draft = emptyDraft(title);
  const warnings = applyMetadata(draft, fields);
  structureBody(draft, blocks, counts, context);
  draft.related.push(...related.filter((r) => !draft.related.some((x) => x.title === r.title)));
  return { draft, line, warnings };
}

async function parseJson(source: string, context: ParseContext): Promise<ParseResult> {
  const counts = emptyCounts();
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    return { entries: [{ problem: { kind: 'parse-error', reason: `invalid JSON: ${(e as Error).message}`, line: null } }], counts };
  }
  const htmlBlocks = await htmlReaderFor(source);
  if (Array.isArray(value)) return { entries: value.map((v, i) => entryFromObject(v, i + 1, counts, context, htmlBlocks)), counts };
  return { entries: [entryFromObject(value, null, counts, context, htmlBlocks)], counts };
}

/**
 * Bad lines past the first few are counted, not listed: a file of millions of them stays small
 * in memory. Lines are cut without splitting the whole file, a line that cannot be an article
 * object is refused without JSON.parse (a thrown parse error costs microseconds, and hostile
 * files hold millions), and the event loop gets a turn every LINES_PER_TURN lines.
 */
export async function parseNdjson(source: string, context: ParseContext): Promise<ParseResult> {
  const counts = emptyCounts();
  const entries: ParsedEntry[] = [];
  let bad = 0;
  const htmlBlocks = await htmlReaderFor(source);
  const refuse = (reason: string, line: number) => {
    if (++bad <= PROBLEMS_LISTED_PER_FILE) entries.push({ problem: { kind: 'parse-error', reason, line } });
  };
  let line = 0;
  for (let start = 0; start <= source.length; ) {
    let end = source.indexOf('\n', start);
    if (end < 0) end = source.length;
    const raw = source.slice(start, end).trim();
    start = end + 1;
    line++;
    if (line % LINES_PER_TURN === 0) await new Promise<void>((r) => setImmediate(r));
    if (raw === '') continue;
    if (raw[0] !== '{' || raw[raw.length - 1] !== '}') {
      refuse('invalid JSON: expected an article object ({...} on one line)', line);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      refuse(`invalid JSON: ${(e as Error).message}`, line);
      continue;
    }
    entries.push(entryFromObject(value, line, counts, context, htmlBlocks));
  }
  return bad > PROBLEMS_LISTED_PER_FILE ? { entries, counts, omitted: { 'parse-error': bad - PROBLEMS_LISTED_PER_FILE } } : { entries, counts };
}

export const jsonFormat: FormatParser = { format: 'json', parse: (file, context) => parseJson(file.text ?? '', context) };
export const ndjsonFormat: FormatParser = { format: 'ndjson', parse: (file, context) => parseNdjson(file.text ?? '', context) };
