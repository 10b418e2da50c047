/**
 * Highlighting helpers: find matched spans in a text, pick the densest passage, and render it
 * as HTML-safe text with `<mark>` around matches (everything else escaped).
 */
import { ENGLISH, scanTokens, scanTokensSparse, type Analyzer, type ResumePoints } from './tokenize.js';
import type { TokenSink } from './tokenize.js';

/** Field bits used to scope highlighting: title, lead paragraph, other paragraphs. */
export const F_TITLE = 1;
export const F_LEAD = 2;
export const F_REST = 4;

/**
 * What to mark: tokens whose stemmed `term` is in `terms` or whose unstemmed `word` is in
 * `words` (prefix and fuzzy expansions), and phrase occurrences (stemmed terms, consecutive).
 * Map values are field bit masks.
 */
export interface Marker {
  readonly terms: ReadonlyMap<string, number>;
  readonly words: ReadonlyMap<string, number>;
  readonly phrases: ReadonlyArray<{ readonly terms: readonly string[]; readonly mask: number }>;
}

/** A marked span `[start, end)`; `key` identifies what matched (for distinct-term counting). */
export interface Span {
  start: number;
  end: number;
  key: string;
}

/**
 * Where the matches of a text can be, from the index: `want[p - start]` is non-zero for every
 * position `p` (`p - start < length`) that may hold a token to mark, `start` being the
 * position of the text's first token. Lets {@link findSpans} skip folding and stemming
 * everything else and stop after the last wanted position.
 */
export interface SpanHint {
  readonly start: number;
  readonly want: Uint8Array;
  readonly length: number;
  /** Where in the text scanning may resume (from the index), so it skips to each wanted position. */
  readonly resume?: ResumePoints;
}

/**
 * Matched spans of `text` (a field of kind `bit`), sorted and with overlaps merged. With a
 * `hint`, only the hinted positions are examined (same result if the hint covers every
 * position that holds a marked token or a token of a phrase occurrence).
 */
export function findSpans(text: string, bit: number, marker: Marker, hint?: SpanHint, analyzer: Analyzer = ENGLISH): Span[] {
  const raw: Span[] = [];
  const phrased = marker.phrases.length > 0;
  // non-compound tokens (stop words included), for phrases
  const seqTerm: string[] = [];
  const seqStart: number[] = [];
  const seqEnd: number[] = [];
  const seqPos: number[] = [];
  const sink: TokenSink = (term, start, end, position, stop, compound, word) => {
    if (phrased && !compound) {
      seqTerm.push(term);
      seqStart.push(start);
      seqEnd.push(end);
      seqPos.push(position);
    }
    if (stop) return;
    const m = (marker.terms.get(term) ?? 0) | (marker.words.get(word) ?? 0);
    if ((m & bit) !== 0) raw.push({ start, end, key: term });
  };
  // the text's own language's stems: what the marker's terms were analysed to
  if (hint) scanTokensSparse(text, sink, hint.start, hint.want, hint.length, analyzer, hint.resume);
  else scanTokens(text, sink, 0, true, analyzer);
  marker.phrases.forEach((p, pi) => {
    if ((p.mask & bit) === 0) return;
    const n = p.terms.length;
    for (let i = 0; i + n <= seqTerm.length; i++) {
      let ok = true;
      for (let k = 0; k < n; k++) {
        // consecutive positions: always so for a full scan, not across gaps of a sparse one
        if (seqTerm[i + k] !== p.terms[k] || seqPos[i + k] !== seqPos[i]! + k) {
          ok = false;
          break;
        }
      }
      if (ok) raw.push({ start: seqStart[i]!, end: seqEnd[i + n - 1]!, key: `"${pi}` });
    }
  });
  if (raw.length <= 1) return raw;
  // tokens come in text order, so only phrase spans can be out of it: sort (a call per pair) only then
  let ordered = true;
  for (let i = 1; i < raw.length && ordered; i++) ordered = byStart(raw[i - 1]!, raw[i]!) <= 0;
  if (!ordered) raw.sort(byStart);
  const out: Span[] = [raw[0]!];
  for (let i = 1; i < raw.length; i++) {
    const s = raw[i]!;
    const last = out[out.length - 1]!;
    if (s.start < last.end) {
      if (s.end > last.end) last.end = s.end;
    } else out.push({ start: s.start, end: s.end, key: s.key });
  }
  return out;
}

/** Spans by start, the longer first at one start. */
function byStart(a: Span, b: Span): number {
  return a.start - b.start || b.end - a.end;
}

/** Escape text for HTML (element content and attribute values). */
export function escapeHtml(s: string): string {
  return escapeRange(s, 0, s.length);
}

/** A character HTML escapes, and every one of them (for replace). */
const HTML_SPECIAL = /["&'<>]/u;
const HTML_SPECIALS = /["&'<>]/gu;
const HTML_ENTITY: Readonly<Record<string, string>> = { '"': '&quot;', '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };
const entityOf = (c: string): string => HTML_ENTITY[c]!;

/**
 * `text[from, to)` escaped for HTML: the range as a slice, returned as it is when the regular
 * expression finds nothing to escape, else replaced in one native pass (about a third less time
 * than a loop over the character codes with concatenation, on BBC snippets).
 */
function escapeRange(text: string, from: number, to: number): string {
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  return HTML_SPECIAL.test(part) ? part.replace(HTML_SPECIALS, entityOf) : part;
}

/** Render `text[from, to)` escaped, with spans wrapped in `<mark>`. */
export function renderMarked(text: string, spans: readonly Span[], from = 0, to = text.length): string {
  let out = '';
  let at = from;
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    out += escapeRange(text, at, a) + '<mark>' + escapeRange(text, a, b) + '</mark>';
    at = b;
  }
  return out + escapeRange(text, at, to);
}

/** Best window `[start, end)` of about `len` chars within one paragraph, with its quality. */
export interface Window {
  start: number;
  end: number;
  distinct: number;
  count: number;
}

/** Densest window of at most `len` characters containing matched spans (null if none). */
export function bestWindow(spans: readonly Span[], len: number): Window | null {
  let best: Window | null = null;
  for (let i = 0; i < spans.length; i++) {
    const first = spans[i]!;
    let distinct = 0;
    let count = 0;
    let end = first.end;
    for (let j = i; j < spans.length; j++) {
      const s = spans[j]!;
      if (s.end - first.start > len && j > i) break;
      // a key not met earlier in this window counts once (windows hold a few spans: no set needed)
      let seen = false;
      for (let k = i; k < j && !seen; k++) seen = spans[k]!.key === s.key;
      if (!seen) distinct++;
      count++;
      end = s.end;
    }
    if (best === null || distinct > best.distinct || (distinct === best.distinct && count > best.count)) {
      best = { start: first.start, end, distinct, count };
    }
  }
  return best;
}

const WHITE_SPACE = /\s/u;

/** Whether `text[i]` is white space (as `/\s/u` says; ASCII by code, no regex), or out of the text. */
function isWs(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return true;
  const c = text.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return WHITE_SPACE.test(text[i]!);
}

/**
 * Cut `text` around `[mStart, mEnd)` to about `len` chars at word boundaries, escape, mark,
 * and add `…` where cut.
 */
export function cutSnippet(text: string, spans: readonly Span[], mStart: number, mEnd: number, len: number): string {
  let start: number;
  let end: number;
  if (text.length <= len) {
    start = 0;
    end = text.length;
  } else {
    const slack = Math.max(0, len - (mEnd - mStart));
    start = Math.max(0, mStart - Math.floor(slack / 3));
    end = Math.min(text.length, start + Math.max(len, mEnd - start));
    if (end === text.length) start = Math.max(0, Math.min(start, end - len));
    // snap to word boundaries (never cutting into the matched region)
    if (start > 0 && !isWs(text, start - 1)) {
      let s = start;
      while (s < mStart && !isWs(text, s)) s++;
      if (s < mStart) start = s;
      else {
        // no whitespace before the match: move left instead
        while (start > 0 && !isWs(text, start - 1)) start--;
      }
    }
    while (start < mStart && isWs(text, start)) start++;
    if (end < text.length && !isWs(text, end)) {
      let e = end;
      while (e > mEnd && !isWs(text, e - 1)) e--;
      if (e > mEnd) end = e;
      else while (end < text.length && !isWs(text, end)) end++;
    }
    while (end > mEnd && isWs(text, end - 1)) end--;
  }
  return (start > 0 ? '…' : '') + renderMarked(text, spans, start, end) + (end < text.length ? '…' : '');
}
