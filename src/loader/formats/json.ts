/**
 * Scraper JSON: one article object or an array of them (.json), or one object per line
 * (.ndjson, .jsonl). The body text goes through the same body rules as raw text. A bad entry is
 * reported with its line (NDJSON) or position (arrays, 1-based); the others still load.
 */
import { applyMetadata, FIELD_NAMES, pick, text } from '../metadata.js';
import { structureBody } from '../normalise/body.js';
import { cleanLines } from '../normalise/clean.js';
import { emptyCounts, emptyDraft, type FormatParser, type NormalisationCounts, type ParseContext, type ParsedEntry, type ParseResult } from '../types.js';

type Fields = Record<string, unknown>;

function entryFromObject(value: unknown, line: number | null, counts: NormalisationCounts, context: ParseContext): ParsedEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: { kind: 'parse-error', reason: `expected an article object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, line } };
  }
  const fields = value as Fields;
  const title = text(pick(fields, FIELD_NAMES.title));
  if (!title) return { problem: { kind: 'no-title', reason: `no ${FIELD_NAMES.title.join(' or ')} field`, line } };
  const bodyValue = pick(fields, FIELD_NAMES.body) ?? pick(fields, FIELD_NAMES.description);
  const lines: string[] = [];
  if (typeof bodyValue === 'string') lines.push(...cleanLines(bodyValue));
  else if (Array.isArray(bodyValue)) for (const part of bodyValue) if (typeof part === 'string') lines.push(...cleanLines(part));
  const draft = emptyDraft(title);
  const warnings = applyMetadata(draft, fields);
  structureBody(draft, lines, counts, context);
  return { draft, line, warnings };
}

export function parseJson(source: string, context: ParseContext): ParseResult {
  const counts = emptyCounts();
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    return { entries: [{ problem: { kind: 'parse-error', reason: `invalid JSON: ${(e as Error).message}`, line: null } }], counts };
  }
  if (Array.isArray(value)) return { entries: value.map((v, i) => entryFromObject(v, i + 1, counts, context)), counts };
  return { entries: [entryFromObject(value, null, counts, context)], counts };
}

export function parseNdjson(source: string, context: ParseContext): ParseResult {
  const counts = emptyCounts();
  const entries: ParsedEntry[] = [];
  const lines = source.split(/\r?\n/u);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      entries.push({ problem: { kind: 'parse-error', reason: `invalid JSON: ${(e as Error).message}`, line: i + 1 } });
      continue;
    }
    entries.push(entryFromObject(value, i + 1, counts, context));
  }
  return { entries, counts };
}

export const jsonFormat: FormatParser = { format: 'json', parse: (file, context) => parseJson(file.text ?? '', context) };
export const ndjsonFormat: FormatParser = { format: 'ndjson', parse: (file, context) => parseNdjson(file.text ?? '', context) };
