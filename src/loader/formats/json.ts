/**
 * Scraper JSON: one article object or an array of them (.json), or one object per line
 * (.ndjson, .jsonl). The body text goes through the same body rules as raw text. A bad entry is
 * reported with its line (NDJSON) or position (arrays, 1-based); the others still load.
 */
import { PROBLEMS_LISTED_PER_FILE } from '../problems.js';
import { articlesIn, entryFromObject, HOLDS_HTML, type HtmlBlocks } from '../shapes.js';
import { emptyCounts, type FormatParser, type ParseContext, type ParsedEntry, type ParseResult } from '../types.js';

const LINES_PER_TURN = 2000;

/** HTML to blocks (normalise/html-blocks.ts), loaded only for a file that holds markup: linkedom is large. */
async function htmlReaderFor(source: string): Promise<HtmlBlocks | null> {
  return HOLDS_HTML.test(source) ? (await import('../normalise/html-blocks.js')).htmlBlocks : null;
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
  // A feed's items and a list an API response wraps are numbered like an array's entries.
  const { items, feed } = articlesIn(value);
  if (feed) return { entries: items.map((v, i) => entryFromObject(v, i + 1, counts, context, htmlBlocks)), counts };
  return { entries: [entryFromObject(items[0], null, counts, context, htmlBlocks)], counts };
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
