/**
 * Highlighting driven by the index: a {@link HighlightPlan} says what to mark for a query and
 * which indexed words locate it; {@link highlightDocument} then reads the postings to find the
 * paragraphs that can hold marks and tokenises only those (best candidates first). The text
 * rules (spans, windows, escaping) are in `highlight.ts`.
 */
import { paragraphAt } from '../articles/record.js';
import { fuzzyWords } from './fuzzy.js';
import { bestWindow, cutSnippet, F_LEAD, F_REST, F_TITLE, findSpans, renderMarked } from './highlight.js';
import type { Marker, Span, SpanHint } from './highlight.js';
import { fieldMask, prefixExpansion } from './execution.js';
import type { Highlight } from './options.js';
import { positiveLeaves } from './query.js';
import type { Query } from './query.js';
import type { IndexReader } from './reader.js';
import { STOP_PREFIX, type Segment } from './segment.js';
import { analyzerFor, stem } from './tokenize.js';

/**
 * A query prepared for highlighting many documents: what to mark, the snippet length, and the
 * indexed words whose postings locate candidate paragraphs. Immutable (its words' numbers per segment are a memo); made by
 * `SearchIndex.prepareHighlight` for one version of the index.
 */
export class HighlightPlan {
  /** @internal */
  constructor(
    /** What to mark (stems, expanded words, phrases) with field masks. */
    readonly marker: Marker,
    /** Snippet length in characters. */
    readonly snippetLength: number,
    /** Indexed words whose occurrences may be marked, grouped by `keys`. */
    readonly words: readonly string[],
    /** Field mask per entry of `words`. */
    readonly masks: Uint8Array,
    /** Distinct-count key per entry of `words` (non-decreasing). */
    readonly keys: Uint32Array,
    /** Further indexed words whose positions must be examined: every word of every phrase slot. */
    readonly phraseWords: readonly string[],
  ) {}

  /**
   * Arrays reused from one document to the next (highlighting a document is synchronous and
   * keeps none of them): creating small typed arrays cost more than a tenth of a hit's
   * highlighting. Grown when a document needs more, never shrunk; only the part a document uses
   * is cleared.
   * @internal
   */
  readonly scratch = { counts: new Int32Array(48), want: new Uint8Array(256), decoded: [] as number[], candidates: [] as number[] };

  /** Numbers of `words` and `phraseWords` in each segment (-1: absent), looked up once per segment, not per document. */
  private readonly wordNumbers = new Map<Segment, { words: Int32Array; phraseWords: Int32Array }>();

  /** @internal */
  numbersIn(segment: Segment): { words: Int32Array; phraseWords: Int32Array } {
    let numbers = this.wordNumbers.get(segment);
    if (numbers === undefined) {
      const lookUp = (list: readonly string[]) => Int32Array.from(list, (w) => segment.wordId(w) ?? -1);
      numbers = { words: lookUp(this.words), phraseWords: lookUp(this.phraseWords) };
      this.wordNumbers.set(segment, numbers);
    }
    return numbers;
  }
}

function markerOf(reader: IndexReader, query: Query, fuzzy: boolean): Marker {
  const terms = new Map<string, number>();
  const words = new Map<string, number>();
  const phrases: Array<{ terms: readonly string[]; mask: number }> = [];
  const add = (m: Map<string, number>, t: string, mask: number): void => {
    m.set(t, (m.get(t) ?? 0) | mask);
  };
  for (const leaf of positiveLeaves(query)) {
    const mask = fieldMask(leaf.field);
    if (leaf.type === 'term') {
      add(terms, leaf.term, mask);
      if (fuzzy && leaf.fuzzy) for (const w of fuzzyWords(reader, leaf, reader.options)) add(words, w, mask);
    } else if (leaf.type === 'prefix') {
      for (const w of prefixExpansion(reader, leaf.prefix)) add(words, w, mask);
    } else {
      phrases.push({ terms: leaf.terms, mask });
    }
  }
  return { terms, words, phrases };
}

export function prepareHighlight(reader: IndexReader, query: Query, options?: { snippetLength?: number; fuzzy?: boolean }): HighlightPlan {
  const marker = markerOf(reader, query, options?.fuzzy === true);
  // Indexed words whose occurrences can be marked, each with the field mask it is marked in and
  // the key its spans are counted under (see findSpans: the token's stemmed term, or one key
  // per phrase). Every marked token's word is indexed (a non-stop token's term is the stem
  // of its word), so the postings tell which paragraphs can hold marks.
  const entries = new Map<string, { word: string; mask: number; key: string }>();
  const addEntry = (word: string, mask: number, key: string): void => {
    const id = `${word}\u0001${key}`;
    const entry = entries.get(id);
    if (entry) entry.mask |= mask;
    else entries.set(id, { word, mask, key });
  };
  for (const [term, mask] of marker.terms) for (const w of reader.stemVariants(term)) addEntry(w, mask, term);
  for (const [word, mask] of marker.words) if (reader.wordDocFreq(word) > 0) addEntry(word, mask, stem(word));
  const phraseWords = new Set<string>();
  marker.phrases.forEach((phrase, phraseNumber) => {
    // A phrase occurrence contains one token of each slot: count the rarest slot's words.
    // (A token whose term is t has a word in t's stem group, or is the stop word t.)
    let best: string[] | null = null;
    let bestDf = Infinity;
    for (const term of phrase.terms) {
      const slotWords = reader.stemVariants(term);
      if (reader.wordDocFreq(STOP_PREFIX + term) > 0) slotWords.push(STOP_PREFIX + term);
      let df = 0;
      for (const w of slotWords) {
        df += reader.wordDocFreq(w);
        phraseWords.add(w);
      }
      if (df < bestDf) {
        bestDf = df;
        best = slotWords;
      }
    }
    for (const w of best ?? []) addEntry(w, phrase.mask, `"${phraseNumber}`);
  });
  const list = [...entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  const masks = new Uint8Array(list.length);
  const keys = new Uint32Array(list.length);
  let key = 0;
  list.forEach((entry, i) => {
    if (i > 0 && entry.key !== list[i - 1]!.key) key++;
    masks[i] = entry.mask;
    keys[i] = key;
  });
  const words = list.map((e) => e.word);
  for (const w of words) phraseWords.delete(w);
  return new HighlightPlan(marker, Math.max(20, options?.snippetLength ?? 200), words, masks, keys, [...phraseWords].sort());
}

/**
 * Highlighting hint for the text whose positions are `[from, to)`, given the candidate
 * positions `candidatePositions[0, count)` (in no order: a few dozen at most, so a pass over
 * them per text is cheaper than sorting them first), the plan's scratch (its `want` array is
 * the hint's, valid until the next call) and the document's resume points (those of this text
 * are the ones in `[from, to)`).
 */
function hintFor(
  candidatePositions: readonly number[],
  count: number,
  from: number,
  to: number,
  points: { positions: number[]; offsets: number[] },
  scratch: HighlightPlan['scratch'],
): SpanHint {
  let last = -1;
  for (let k = 0; k < count; k++) {
    const x = candidatePositions[k]!;
    if (x >= from && x < to && x > last) last = x;
  }
  const length = last >= 0 ? last - from + 1 : 0;
  if (scratch.want.length < length) scratch.want = new Uint8Array(Math.max(length, 2 * scratch.want.length));
  const want = scratch.want;
  if (length > 0) {
    want.fill(0, 0, length);
    for (let k = 0; k < count; k++) {
      const x = candidatePositions[k]!;
      if (x >= from && x <= last) want[x - from] = 1;
    }
  }
  const { positions } = points;
  let first = 0;
  while (first < positions.length && positions[first]! < from) first++;
  let end = first;
  while (end < positions.length && positions[end]! < to) end++;
  return { start: from, want, length, resume: { positions, offsets: points.offsets, from: first, to: end } };
}

/**
 * Title and best snippet of version document `doc` (see `SearchIndex.highlight`). Only the
 * title and the paragraphs that the postings say contain matches are tokenised, best
 * candidates first, stopping when no remaining paragraph can beat the best window found.
 */
export function highlightDocument(reader: IndexReader, doc: number, plan: HighlightPlan): Highlight {
  if (!reader.isLive(doc)) throw new RangeError(`no document ${doc}`);
  const placed = reader.segments[reader.segmentOf(doc)]!;
  const segment = placed.segment;
  const d = doc - placed.base;
  const document = segment.documents[d]!;
  const { marker, snippetLength: length } = plan;
  const analyzer = analyzerFor(document.language);
  const paragraphBase = segment.paragraphOffset[d]!;
  const paragraphCount = segment.paragraphOffset[d + 1]! - paragraphBase;
  // per paragraph p, upper bounds from the postings: marked spans at 3p, distinct keys at 3p + 1
  // (the key last counted at 3p + 2); one array, as creating a typed array costs more here than zeroing it
  const { scratch } = plan;
  if (scratch.counts.length < 3 * paragraphCount) scratch.counts = new Int32Array(Math.max(3 * paragraphCount, 2 * scratch.counts.length));
  const counts = scratch.counts;
  counts.fill(0, 0, 3 * paragraphCount);
  const leadAt = segment.fieldBoundaries[2 * d]!;
  const paragraphStart = segment.paragraphStart;
  const decoded = scratch.decoded;
  // every position of doc that may hold a marked token or a token of a phrase occurrence: [0, candidateCount)
  const candidatePositions = scratch.candidates;
  let candidateCount = 0;
  const numbers = plan.numbersIn(segment);
  for (const t of numbers.phraseWords) {
    if (t < 0) continue;
    const n = segment.docPositions(t, d, decoded);
    for (let j = 0; j < n; j++) candidatePositions[candidateCount++] = decoded[j]!;
  }
  let titleHit = false;
  for (let e = 0; e < plan.words.length; e++) {
    const t = numbers.words[e]!;
    if (t < 0) continue;
    const n = segment.docPositions(t, d, decoded);
    if (n === 0) continue;
    for (let j = 0; j < n; j++) candidatePositions[candidateCount++] = decoded[j]!;
    const mask = plan.masks[e]!;
    const key = plan.keys[e]! + 1;
    let p = 0;
    for (let j = 0; j < n; j++) {
      const x = decoded[j]!;
      if (x < leadAt) {
        if (mask & F_TITLE) titleHit = true;
        continue;
      }
      if (paragraphCount === 0) break;
      while (p + 1 < paragraphCount && paragraphStart[paragraphBase + p + 1]! <= x) p++;
      if ((mask & (p === 0 ? F_LEAD : F_REST)) === 0) continue;
      counts[3 * p]!++;
      if (counts[3 * p + 2] !== key) {
        counts[3 * p + 2] = key;
        counts[3 * p + 1]!++;
      }
    }
  }
  const candidates: number[] = [];
  for (let p = 0; p < paragraphCount; p++) if (counts[3 * p]! > 0) candidates.push(p);
  const points = candidates.length > 0 || titleHit ? segment.resumePoints(d) : { positions: [], offsets: [] };
  // best candidates first (more distinct keys, then more marks, then earlier); a few paragraphs: insertion sort
  for (let i = 1; i < candidates.length; i++) {
    const p = candidates[i]!;
    let j = i;
    for (; j > 0; j--) {
      const q = candidates[j - 1]!;
      if (counts[3 * q + 1]! > counts[3 * p + 1]! || (counts[3 * q + 1] === counts[3 * p + 1] && counts[3 * q]! >= counts[3 * p]!)) break;
      candidates[j] = q;
    }
    candidates[j] = p;
  }
  let best: { paragraph: number; text: string; spans: Span[]; start: number; end: number; distinct: number; count: number } | null = null;
  for (const p of candidates) {
    const distinctBound = counts[3 * p + 1]!;
    const countBound = counts[3 * p]!;
    if (best !== null) {
      if (distinctBound < best.distinct) break; // sorted: nothing later can win
      if (distinctBound === best.distinct && (countBound < best.count || (countBound === best.count && p > best.paragraph))) continue;
    }
    const from = paragraphStart[paragraphBase + p]!;
    const to = p + 1 < paragraphCount ? paragraphStart[paragraphBase + p + 1]! : Infinity;
    const text = paragraphAt(document, p);
    if (text === undefined) continue;
    const spans = findSpans(text, p === 0 ? F_LEAD : F_REST, marker, hintFor(candidatePositions, candidateCount, from, to, points, scratch), analyzer);
    if (spans.length === 0) continue;
    const window = bestWindow(spans, length);
    if (
      window &&
      (best === null ||
        window.distinct > best.distinct ||
        (window.distinct === best.distinct && (window.count > best.count || (window.count === best.count && p < best.paragraph))))
    ) {
      best = { paragraph: p, text, spans, start: window.start, end: window.end, distinct: window.distinct, count: window.count };
    }
  }
  const titleSpans = titleHit ? findSpans(document.title, F_TITLE, marker, hintFor(candidatePositions, candidateCount, 0, leadAt, points, scratch), analyzer) : [];
  let snippet = '';
  const chosen = best as { paragraph: number; text: string; spans: Span[]; start: number; end: number } | null;
  if (chosen !== null) {
    snippet = cutSnippet(chosen.text, chosen.spans, chosen.start, chosen.end, length);
  } else {
    const lead = paragraphAt(document, 0);
    if (lead !== undefined) snippet = cutSnippet(lead, [], 0, 0, length);
  }
  return { title: renderMarked(document.title, titleSpans), titleMatched: titleSpans.length > 0, snippet };
}
