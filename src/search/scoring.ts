/**
 * BM25F scoring of one word's postings across the segments of a version: per posting
 * `idf · (w · (k1 + 1) / (k1 + w) + delta)` with the pseudo-frequency
 * `w = Σ_f tf_f · norm_f(doc)` over title, lead and rest, the norms coming from the version's
 * statistics (`reader.ts`), `delta` being BM25+'s lower bound; the title's term is multiplied by
 * the word's `headline` weight (`headlineIdf` in options.ts: its idf over headlines over its idf). With `separateTitle` (off by
 * default) the title's weighted count is
 * saturated on its own and added to the lead and body's, each matched part adding BM25+'s
 * `delta`. A field-restricted query (`title:x`) counts occurrences per field from the positions
 * instead.
 */
import { F_LEAD, F_REST, F_TITLE } from './highlight.js';
import type { MatchResult } from './options.js';
import { EMPTY_MATCH, gallop } from './postings.js';
import type { FieldNorms, IndexReader } from './reader.js';
import { DOC_CHUNK, OTHER_FREQUENCIES } from './segment.js';

/** Field mask of every field. */
export const ALL_FIELDS = F_TITLE | F_LEAD | F_REST;

/**
 * Scores of `word` over the live documents containing it, restricted to the `mask` fields,
 * with inverse document frequency `idf` and the multiplier `weight`. Document numbers are the
 * version's, ascending. `ids`: the word's number in each segment when already looked up.
 */
export function wordHits(reader: IndexReader, word: string, mask: number, weight: number, idf: number, headline: number, ids?: Int32Array): MatchResult {
  const segments = reader.segments;
  const numbers = new Int32Array(segments.length);
  let postings = 0;
  for (let s = 0; s < segments.length; s++) {
    const t = ids !== undefined ? ids[s]! : (segments[s]!.segment.wordId(word) ?? -1);
    numbers[s] = t;
    if (t < 0) continue;
    postings += segments[s]!.segment.postingCount(t);
  }
  if (postings === 0) return EMPTY_MATCH;
  // one output for all segments: each segment's hits follow the previous ones (numbers ascend)
  const docs = new Uint32Array(postings);
  const scores = new Float64Array(postings);
  let n = 0;
  for (let s = 0; s < segments.length; s++) {
    if (numbers[s]! >= 0) n = segmentWordHits(reader, segments[s]!, numbers[s]!, mask, idf * weight, headline, docs, scores, n);
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/**
 * {@link wordHits} over all fields, for the documents of `within` only (version numbers,
 * ascending): the same scores, found by galloping through the word's postings from one candidate
 * to the next instead of scoring every posting. An AND query scores its commoner words this way,
 * on the documents its rarer words left.
 */
export function wordHitsWithin(reader: IndexReader, weight: number, idf: number, headline: number, ids: Int32Array, within: Uint32Array): MatchResult {
  const segments = reader.segments;
  const docs = new Uint32Array(within.length);
  const scores = new Float64Array(within.length);
  let n = 0;
  let c = 0;
  for (let s = 0; s < segments.length && c < within.length; s++) {
    const placed = segments[s]!;
    const segment = placed.segment;
    const base = placed.base;
    const limit = base + segment.size;
    const t = ids[s]!;
    if (t < 0) {
      while (c < within.length && within[c]! < limit) c++;
      continue;
    }
    const postingDocs = segment.postingDocs;
    // chunk by chunk (a posting keeps the low 16 bits of its number): the candidates of each
    // chunk galloped through that chunk's postings
    for (let h = 0; h < segment.chunks && c < within.length && within[c]! < limit; h++) {
      const high = h * DOC_CHUNK;
      const chunkLimit = Math.min(limit, base + high + DOC_CHUNK);
      const to = segment.chunkStart(t, h + 1);
      let i = segment.chunkStart(t, h);
      for (; c < within.length && within[c]! < chunkLimit; c++) {
        const d = within[c]! - base;
        i = gallop(postingDocs, i, to, d - high);
        if (i === to) {
          while (c + 1 < within.length && within[c + 1]! < chunkLimit) c++;
          continue;
        }
        if (postingDocs[i] !== d - high || (placed.alive !== null && !placed.alive.has(d))) continue;
        docs[n] = within[c]!;
        scores[n++] = postingScore(reader, placed.fieldNorms, d, segment.frequency(i), idf * weight, headline);
      }
    }
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Score of one posting over all fields (the formulas of {@link segmentWordHits}). */
function postingScore(reader: IndexReader, norms: FieldNorms, d: number, packed: number, weightedIdf: number, headline: number): number {
  const { k1, separateTitle, delta } = reader.options;
  const k1Plus1 = k1 + 1;
  if (separateTitle) {
    const title = (packed & 15) * norms.of(d, 0) * headline;
    const body = ((packed >>> 4) & 15) * norms.of(d, 1) + (packed >>> 8) * norms.of(d, 2);
    return weightedIdf * (k1Plus1 * (title / (k1 + title) + body / (k1 + body)) + (title > 0 ? delta : 0) + (body > 0 ? delta : 0));
  }
  const w = (packed & 15) * norms.of(d, 0) * headline + ((packed >>> 4) & 15) * norms.of(d, 1) + (packed >>> 8) * norms.of(d, 2);
  return weightedIdf * ((w * k1Plus1) / (k1 + w) + delta);
}

/** Writes the hits of word `t` in one segment into `docs`/`scores` from `n` on; returns the new `n`. */
function segmentWordHits(
  reader: IndexReader,
  placed: IndexReader['segments'][number],
  t: number,
  mask: number,
  weightedIdf: number,
  headline: number,
  docs: Uint32Array,
  scores: Float64Array,
  n: number,
): number {
  const segment = placed.segment;
  const start = segment.postingStart[t]!;
  const end = segment.postingStart[t + 1]!;
  const { k1, separateTitle, delta } = reader.options;
  const k1Plus1 = k1 + 1;
  const base = placed.base;
  const alive = placed.alive;
  const norms = placed.fieldNorms;
  const postingDocs = segment.postingDocs;
  // a word's postings chunk by chunk: a posting keeps the low 16 bits of its number (segment.ts)
  const chunks = segment.chunks;
  // frequencies by code, read here rather than by a method call per posting
  const codes = segment.postingFrequencies;
  const values = segment.frequencyValues;
  if (mask === ALL_FIELDS && separateTitle) {
    for (let h = 0, i = start; h < chunks; h++) {
      const high = h * DOC_CHUNK;
      for (const to = segment.chunkStart(t, h + 1); i < to; i++) {
        const d = high + postingDocs[i]!;
        if (alive !== null && !alive.has(d)) continue;
        const code = codes[i]!;
        const packed = code !== OTHER_FREQUENCIES ? values[code]! : segment.frequency(i);
        const title = (packed & 15) * norms.of(d, 0) * headline;
        const body = ((packed >>> 4) & 15) * norms.of(d, 1) + (packed >>> 8) * norms.of(d, 2);
        docs[n] = base + d;
        scores[n++] = weightedIdf * (k1Plus1 * (title / (k1 + title) + body / (k1 + body)) + (title > 0 ? delta : 0) + (body > 0 ? delta : 0));
      }
    }
    return n;
  }
  if (mask === ALL_FIELDS) {
    for (let h = 0, i = start; h < chunks; h++) {
      const high = h * DOC_CHUNK;
      for (const to = segment.chunkStart(t, h + 1); i < to; i++) {
        const d = high + postingDocs[i]!;
        if (alive !== null && !alive.has(d)) continue;
        const code = codes[i]!;
        const packed = code !== OTHER_FREQUENCIES ? values[code]! : segment.frequency(i);
        const w = (packed & 15) * norms.of(d, 0) * headline + ((packed >>> 4) & 15) * norms.of(d, 1) + (packed >>> 8) * norms.of(d, 2);
        docs[n] = base + d;
        scores[n++] = weightedIdf * ((w * k1Plus1) / (k1 + w) + delta);
      }
    }
    return n;
  }
  // field-restricted: count occurrences per field from positions
  const cursor = segment.positionCursor(t);
  const boundaries = segment.fieldBoundaries;
  for (let i = start; i < end; i++) {
    const d = segment.docAt(t, i);
    const count = segment.entryCount(i, cursor);
    if (alive !== null && !alive.has(d)) {
      cursor.skip(count);
      continue;
    }
    const leadAt = boundaries[2 * d]!;
    const restAt = boundaries[2 * d + 1]!;
    let position = 0;
    let inTitle = 0;
    let inLead = 0;
    let inRest = 0;
    for (let k = 0; k < count; k++) {
      position += cursor.next();
      if (position < leadAt) inTitle++;
      else if (position < restAt) inLead++;
      else inRest++;
    }
    let w = 0;
    let title = 0;
    if (mask & F_TITLE && inTitle > 0) title = inTitle * norms.of(d, 0) * headline;
    if (mask & F_LEAD && inLead > 0) w += inLead * norms.of(d, 1);
    if (mask & F_REST && inRest > 0) w += inRest * norms.of(d, 2);
    if (!separateTitle) {
      w += title;
      title = 0;
    }
    if (w > 0 || title > 0) {
      docs[n] = base + d;
      scores[n++] = weightedIdf * (k1Plus1 * (w / (k1 + w) + title / (k1 + title)) + (w > 0 ? delta : 0) + (title > 0 ? delta : 0));
    }
  }
  return n;
}
