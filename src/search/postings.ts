/**
 * Set operations on match lists (documents ascending, scores parallel): the boolean algebra of
 * query execution. Pure functions; the union's accumulator is owned by one execution
 * ({@link UnionScratch}), never by the index, so concurrent readers never share it.
 */
import type { MatchResult } from './options.js';

export const EMPTY_MATCH: MatchResult = { docs: new Uint32Array(0), scores: new Float64Array(0) };

/** First index in `[lo, hi)` with `a[i] >= x` (exponential then binary search). */
export function gallop(a: Uint32Array | Uint16Array, lo: number, hi: number, x: number): number {
  if (lo >= hi || a[lo]! >= x) return lo;
  let step = 1;
  let previous = lo;
  let current = lo + 1;
  while (current < hi && a[current]! < x) {
    previous = current;
    step *= 2;
    current = lo + step;
  }
  let l = previous + 1;
  let h = Math.min(current, hi);
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m]! < x) l = m + 1;
    else h = m;
  }
  return l;
}

/** Documents in both lists, scores summed (`a` should be the smaller list). */
export function intersect(a: MatchResult, b: MatchResult): MatchResult {
  const n = a.docs.length;
  const docs = new Uint32Array(n);
  const scores = new Float64Array(n);
  let k = 0;
  let j = 0;
  const bDocs = b.docs;
  const bLength = bDocs.length;
  for (let i = 0; i < n && j < bLength; i++) {
    const d = a.docs[i]!;
    j = gallop(bDocs, j, bLength, d);
    if (j < bLength && bDocs[j] === d) {
      docs[k] = d;
      scores[k++] = a.scores[i]! + b.scores[j]!;
      j++;
    }
  }
  return { docs: docs.subarray(0, k), scores: scores.subarray(0, k) };
}

/** Documents of `a` not in `remove`. */
export function subtract(a: MatchResult, remove: Uint32Array): MatchResult {
  const n = a.docs.length;
  const docs = new Uint32Array(n);
  const scores = new Float64Array(n);
  let k = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const d = a.docs[i]!;
    j = gallop(remove, j, remove.length, d);
    if (j < remove.length && remove[j] === d) continue;
    docs[k] = d;
    scores[k++] = a.scores[i]!;
  }
  return { docs: docs.subarray(0, k), scores: scores.subarray(0, k) };
}

/**
 * The dense accumulator of one execution's unions: a score and a seen flag per document number,
 * allocated on first use and reused by that execution's later unions.
 */
export class UnionScratch {
  private scoreOf: Float64Array | null = null;
  private seen: Uint8Array | null = null;
  constructor(private readonly documentSpace: number) {}

  /** Union of result lists; scores summed (`max = false`) or maximum (`max = true`). */
  union(lists: MatchResult[], max: boolean): MatchResult {
    const nonEmpty = lists.filter((l) => l.docs.length > 0);
    if (nonEmpty.length === 0) return EMPTY_MATCH;
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    const space = this.documentSpace;
    let total = 0;
    for (const l of nonEmpty) total += l.docs.length;
    // A few lists, or few postings against the document space: merging the sorted lists, two at
    // a time in list order (so sums add up in the same order), beats the dense accumulator
    // (allocating it alone costs 9 bytes per document of the version, per query).
    if (nonEmpty.length <= 4 || total <= space >>> 5) {
      let merged = nonEmpty[0]!;
      for (let i = 1; i < nonEmpty.length; i++) merged = mergeTwo(merged, nonEmpty[i]!, max);
      return merged;
    }
    const scoreOf = (this.scoreOf ??= new Float64Array(space));
    const seen = (this.seen ??= new Uint8Array(space));
    const touched = new Uint32Array(Math.min(total, space));
    let touchedCount = 0;
    for (const l of nonEmpty) {
      const docs = l.docs;
      const scores = l.scores;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        const s = scores[i]!;
        if (seen[d] === 0) {
          seen[d] = 1;
          scoreOf[d] = s;
          touched[touchedCount++] = d;
        } else if (max) {
          if (s > scoreOf[d]!) scoreOf[d] = s;
        } else scoreOf[d]! += s;
      }
    }
    let docsOut: Uint32Array;
    if (touchedCount > space >>> 3) {
      docsOut = new Uint32Array(touchedCount);
      let j = 0;
      for (let d = 0; d < space; d++) if (seen[d] !== 0) docsOut[j++] = d;
    } else {
      docsOut = touched.subarray(0, touchedCount).sort();
    }
    const scores = new Float64Array(touchedCount);
    for (let i = 0; i < touchedCount; i++) {
      const d = docsOut[i]!;
      scores[i] = scoreOf[d]!;
      seen[d] = 0;
    }
    return { docs: docsOut, scores };
  }
}

/** Union of two sorted lists: a document in both gets the sum of its scores (`a`'s first), or the larger. */
function mergeTwo(a: MatchResult, b: MatchResult, max: boolean): MatchResult {
  const docs = new Uint32Array(a.docs.length + b.docs.length);
  const scores = new Float64Array(docs.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i]!;
    const y = b.docs[j]!;
    if (x < y) {
      docs[n] = x;
      scores[n++] = a.scores[i++]!;
    } else if (y < x) {
      docs[n] = y;
      scores[n++] = b.scores[j++]!;
    } else {
      const sa = a.scores[i++]!;
      const sb = b.scores[j++]!;
      docs[n] = x;
      scores[n++] = max ? (sb > sa ? sb : sa) : sa + sb;
    }
  }
  for (; i < a.docs.length; i++, n++) {
    docs[n] = a.docs[i]!;
    scores[n] = a.scores[i]!;
  }
  for (; j < b.docs.length; j++, n++) {
    docs[n] = b.docs[j]!;
    scores[n] = b.scores[j]!;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}
