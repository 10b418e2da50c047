/**
 * Proximity: a bonus for query words standing near each other in an article, read from the
 * positions the index stores (Rasolofo and Savoy's BM25 term-proximity idea). For every pair of
 * the query's top-level words, in every matched article, the closest occurrence of any form of
 * one to any form of the other at distance `d` adds `proximityWeight · min(idf_a, idf_b) / d²`;
 * words next to each other in the order typed count as distance 1, in the other order as 2.
 * Positions never run across a paragraph (each paragraph starts one position after the
 * previous one ends), and statistics come from the version's reader, so the bonus, like BM25F,
 * is the same whatever segment an article sits in.
 *
 * The same pass adds the headline bonus (`headlineBonus`, see options.ts): when an article's
 * headline holds at least half of the query's top-level words, each of those adds
 * `headlineBonus · idf`. It reads the positions proximity reads (a headline word is one placed
 * before the lead), so it costs no second pass over the postings.
 */
import type { MatchResult } from './options.js';
import type { Query, TermQuery } from './query.js';
import type { IndexReader } from './reader.js';
import { PositionReader } from './segment.js';

/** The query's top-level (ANDed, positive, unscoped) words, in the order typed. */
function topLevelTerms(query: Query): TermQuery[] {
  if (query.type === 'term') return [query];
  if (query.type !== 'and') return [];
  return query.clauses.filter((c): c is TermQuery => c.type === 'term' && c.field === null);
}

/** `result` with the proximity and headline bonuses added to each document's score (a new score array). */
export function withProximity(reader: IndexReader, query: Query, result: MatchResult): MatchResult {
  const { proximityWeight: weight, headlineBonus } = reader.options;
  const terms = topLevelTerms(query);
  if ((weight <= 0 && headlineBonus <= 0) || terms.length < 2 || result.docs.length === 0) return result;
  const forms = terms.map((t) => {
    const f = reader.stemVariants(t.term);
    if (!f.includes(t.word) && reader.wordDocFreq(t.word) > 0) f.push(t.word);
    return f;
  });
  const idfs = terms.map((t, i) => {
    const df = reader.wordDocFreq(t.word);
    return reader.idf(df > 0 ? df : Math.max(1, ...forms[i]!.map((f) => reader.wordDocFreq(f))));
  });
  const scores = Float64Array.from(result.scores);
  const decoded: number[] = [];
  const positions: number[][] = terms.map(() => []);
  let segmentIndex = -1;
  // per term, a position reader per form present in the segment (documents come in ascending order)
  let readers: PositionReader[][] = [];
  for (let k = 0; k < result.docs.length; k++) {
    const doc = result.docs[k]!;
    const s = reader.segmentOf(doc);
    const placed = reader.segments[s]!;
    if (s !== segmentIndex) {
      segmentIndex = s;
      readers = forms.map((list) => list.flatMap((f) => {
        const t = placed.segment.wordId(f);
        return t === undefined ? [] : [new PositionReader(placed.segment, t)];
      }));
    }
    const d = doc - placed.base;
    let present = 0;
    for (let i = 0; i < terms.length; i++) {
      const out = positions[i]!;
      out.length = 0;
      for (const form of readers[i]!) {
        const n = form.docPositions(d, decoded);
        for (let j = 0; j < n; j++) out.push(decoded[j]!);
      }
      if (out.length > 0) present++;
      if (readers[i]!.length > 1) out.sort((x, y) => x - y);
    }
    if (headlineBonus > 0) scores[k]! += headlineBonus * headlineIdf(positions, idfs, placed.segment.fieldBoundaries[2 * d]!);
    if (present < 2 || weight <= 0) continue;
    let bonus = 0;
    for (let a = 0; a < terms.length; a++) {
      for (let b = a + 1; b < terms.length; b++) {
        const distance = closest(positions[a]!, positions[b]!);
        if (distance < Infinity) bonus += Math.min(idfs[a]!, idfs[b]!) / (distance * distance);
      }
    }
    scores[k]! += weight * bonus;
  }
  return { docs: result.docs, scores };
}

/**
 * Sum of the idfs of the query words standing in the headline (a position before `leadAt`), or 0
 * when the headline holds fewer than half of them. `positions`: each word's, ascending.
 */
function headlineIdf(positions: readonly number[][], idfs: readonly number[], leadAt: number): number {
  let inHeadline = 0;
  let sum = 0;
  for (let i = 0; i < positions.length; i++) {
    const first = positions[i]![0];
    if (first !== undefined && first < leadAt) {
      inHeadline++;
      sum += idfs[i]!;
    }
  }
  return 2 * inHeadline >= positions.length ? sum : 0;
}

/** Smallest distance between a position of `a` and one of `b` (both ascending); `b` before `a` counts one more. */
function closest(a: readonly number[], b: readonly number[]): number {
  let best = Infinity;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      // compounds share a position with their first part: not two words side by side
      i++;
      continue;
    }
    const distance = y > x ? y - x : x - y + 1;
    if (distance < best) best = distance;
    if (x < y) i++;
    else j++;
  }
  return best;
}
