/**
 * BM25F scoring of one word's postings across the segments of a version: per posting
 * `idf · w · (k1 + 1) / (k1 + w)` with the pseudo-frequency `w = Σ_f tf_f · norm_f(doc)` over
 * title, lead and rest, the norms coming from the version's statistics (`reader.ts`). A
 * field-restricted query (`title:x`) counts occurrences per field from the positions instead.
 */
import { F_LEAD, F_REST, F_TITLE } from './highlight.js';
import type { MatchResult } from './options.js';
import { EMPTY_MATCH } from './postings.js';
import type { IndexReader } from './reader.js';

/** Field mask of every field. */
export const ALL_FIELDS = F_TITLE | F_LEAD | F_REST;

/**
 * Scores of `word` over the live documents containing it, restricted to the `mask` fields,
 * with inverse document frequency `idf` and the multiplier `weight`. Document numbers are the
 * version's, ascending.
 */
export function wordHits(reader: IndexReader, word: string, mask: number, weight: number, idf: number): MatchResult {
  const parts: MatchResult[] = [];
  let total = 0;
  for (const placed of reader.segments) {
    const t = placed.segment.wordId(word);
    if (t === undefined) continue;
    const part = segmentWordHits(reader, placed, t, mask, idf * weight);
    if (part.docs.length === 0) continue;
    parts.push(part);
    total += part.docs.length;
  }
  if (parts.length === 0) return EMPTY_MATCH;
  if (parts.length === 1) return parts[0]!;
  const docs = new Uint32Array(total);
  const scores = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    docs.set(part.docs, at);
    scores.set(part.scores, at);
    at += part.docs.length;
  }
  return { docs, scores };
}

function segmentWordHits(reader: IndexReader, placed: IndexReader['segments'][number], t: number, mask: number, weightedIdf: number): MatchResult {
  const segment = placed.segment;
  const start = segment.postingStart[t]!;
  const end = segment.postingStart[t + 1]!;
  const { k1 } = reader.options;
  const k1Plus1 = k1 + 1;
  const base = placed.base;
  const alive = placed.alive;
  const norms = placed.fieldNorms;
  const postingDocs = segment.postingDocs;
  const docs = new Uint32Array(end - start);
  const scores = new Float64Array(end - start);
  let n = 0;
  if (mask === ALL_FIELDS) {
    const frequencies = segment.postingFrequencies;
    for (let i = start; i < end; i++) {
      const d = postingDocs[i]!;
      if (alive !== null && !alive.has(d)) continue;
      const packed = frequencies[i]!;
      const w = (packed & 15) * norms[3 * d]! + ((packed >>> 4) & 15) * norms[3 * d + 1]! + (packed >>> 8) * norms[3 * d + 2]!;
      docs[n] = base + d;
      scores[n++] = (weightedIdf * w * k1Plus1) / (k1 + w);
    }
    return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
  }
  // field-restricted: count occurrences per field from positions
  const cursor = segment.positionCursor(t);
  const boundaries = segment.fieldBoundaries;
  for (let i = start; i < end; i++) {
    const d = postingDocs[i]!;
    const count = cursor.next();
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
    if (mask & F_TITLE && inTitle > 0) w += inTitle * norms[3 * d]!;
    if (mask & F_LEAD && inLead > 0) w += inLead * norms[3 * d + 1]!;
    if (mask & F_REST && inRest > 0) w += inRest * norms[3 * d + 2]!;
    if (w > 0) {
      docs[n] = base + d;
      scores[n++] = (weightedIdf * w * k1Plus1) / (k1 + w);
    }
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}
