/**
 * Proximity: a bonus for query words standing near each other in an article, read from the
 * positions the index stores (Rasolofo and Savoy's BM25 term-proximity idea). For every pair of
 * the query's top-level words, in every matched article, the closest occurrence of any form of
 * one to any form of the other at distance `d` adds `proximityWeight · min(idf_a, idf_b) / d²`;
 * words next to each other in the order typed count as distance 1, in the other order as 2. Stop
 * words typed between two words widen the span that counts as side by side (`film at the
 * Berlin`: `Berlin` three positions after `film` is distance 1, right after it distance 3).
 * Positions never run across a paragraph (each paragraph starts one position after the
 * previous one ends), and statistics come from the version's reader, so the bonus, like BM25F,
 * is the same whatever segment an article sits in.
 *
 * The same pass adds the headline bonus (`headlineBonus`, see options.ts): when an article's
 * headline holds at least half of the query's top-level words, each of those adds
 * `headlineBonus · idf`, or `headlineBonus · stemVariantWeight · idf` when the headline holds it
 * only in another form of its stem (as scoring ranks the form typed first). It reads the
 * positions proximity reads (a headline word is one placed before the lead), so it costs no
 * second pass over the postings.
 */
import type { MatchResult } from './options.js';
import type { Query, TermQuery } from './query.js';
import type { IndexReader } from './reader.js';
import { PositionReader } from './segment.js';
import { topK } from './topk.js';

/** The query's top-level (ANDed, positive, unscoped) words, in the order typed. */
export function topLevelTerms(query: Query): TermQuery[] {
  if (query.type === 'term') return [query];
  if (query.type !== 'and') return [];
  return query.clauses.filter((c): c is TermQuery => c.type === 'term' && c.field === null);
}

/** What the bonuses of one query need: its top-level words' forms and idfs, and the most any article can gain. */
export interface BonusPlan {
  readonly forms: readonly string[][];
  /** Per word, the form typed (an entry of its `forms`), or null when no article holds it (every form then counts as typed). */
  readonly typed: readonly (string | null)[];
  readonly idfs: readonly number[];
  /**
   * Per pair of words (`gaps[a][b]`, a < b), how far apart the query typed them for proximity: 1
   * plus the stop words typed between them (`TermQuery.stopsBefore`), so `film at the Berlin`
   * finds `film` and `Berlin` side by side when the article holds them three positions apart.
   */
  readonly gaps: readonly (readonly number[])[];
  /**
   * True when the query holds stop words, so it was typed as language (`talks on the budget
   * with unions`), not as keywords: then two words typed apart (`talks`, `budget`) also count
   * as side by side where the article holds them as far apart as typed, words between included.
   * A keyword query's order says nothing of its words' spacing, so it keeps only `gaps`.
   */
  readonly sentence: boolean;
  /**
   * An upper bound of the bonuses one article can get (every word in the headline, every pair
   * side by side), inflated a little so that rounding in the sums never takes a score above it.
   */
  readonly bound: number;
}

/** The bonus plan of `query`, or null when no article can get a bonus (one word, or both weights 0). */
export function bonusPlan(reader: IndexReader, query: Query): BonusPlan | null {
  const { proximityWeight: weight, headlineBonus } = reader.options;
  const terms = topLevelTerms(query);
  if ((weight <= 0 && headlineBonus <= 0) || terms.length < 2) return null;
  const forms = terms.map((t) => {
    const f = reader.stemVariants(t.term);
    if (!f.includes(t.word) && reader.wordDocFreq(t.word) > 0) f.push(t.word);
    return f;
  });
  const idfs = terms.map((t, i) => {
    const df = reader.wordDocFreq(t.word);
    return reader.idf(df > 0 ? df : Math.max(1, ...forms[i]!.map((f) => reader.wordDocFreq(f))));
  });
  // a pair adds at most min(idf) (distance 1); the headline at most the sum of the idfs
  let pairs = 0;
  let all = 0;
  for (let a = 0; a < idfs.length; a++) {
    all += idfs[a]!;
    for (let b = a + 1; b < idfs.length; b++) pairs += Math.min(idfs[a]!, idfs[b]!);
  }
  const bound = Math.max(0, weight) * pairs + Math.max(0, headlineBonus) * all;
  const typed = terms.map((t, i) => (forms[i]!.includes(t.word) ? t.word : null));
  const gaps = terms.map((_, a) => terms.map((__, b) => {
    let gap = 1;
    for (let i = a + 1; i <= b; i++) gap += terms[i]!.stopsBefore?.length ?? 0;
    return gap;
  }));
  const sentence = terms.some((t) => (t.stopsBefore?.length ?? 0) + (t.stopsAfter?.length ?? 0) > 0);
  return { forms, typed, idfs, gaps, sentence, bound: bound * (1 + 1e-9) + 1e-9 };
}

/**
 * Adds the proximity and headline bonuses to `scores[k]` for each position `k` of `at`
 * (ascending, into `docs`, which ascend too; null: every position), in place.
 */
export function addBonuses(reader: IndexReader, plan: BonusPlan, docs: Uint32Array, scores: Float64Array, at: ArrayLike<number> | null): void {
  const { proximityWeight: weight, headlineBonus } = reader.options;
  const { forms, typed, idfs } = plan;
  const count = forms.length;
  const decoded: number[] = [];
  const positions: number[][] = forms.map(() => []);
  let segmentIndex = -1;
  // per word, a position reader per form present in the segment (documents come in ascending order)
  let readers: PositionReader[][] = [];
  // per word, the reader of the form typed among `readers` (null: not in this segment)
  let typedReaders: (PositionReader | null)[] = [];
  // per word, whether the article's headline holds the form typed
  const typedInHeadline: boolean[] = forms.map(() => false);
  const end = at === null ? docs.length : at.length;
  for (let j = 0; j < end; j++) {
    const k = at === null ? j : at[j]!;
    const doc = docs[k]!;
    const s = reader.segmentOf(doc);
    const placed = reader.segments[s]!;
    if (s !== segmentIndex) {
      segmentIndex = s;
      typedReaders = forms.map(() => null);
      readers = forms.map((list, i) => list.flatMap((f) => {
        const t = placed.segment.wordId(f);
        if (t === undefined) return [];
        const form = new PositionReader(placed.segment, t);
        if (f === typed[i]) typedReaders[i] = form;
        return [form];
      }));
    }
    const d = doc - placed.base;
    const leadAt = placed.segment.fieldBoundaries[2 * d]!;
    let present = 0;
    for (let i = 0; i < count; i++) {
      const out = positions[i]!;
      out.length = 0;
      typedInHeadline[i] = false;
      for (const form of readers[i]!) {
        const n = form.docPositions(d, decoded);
        if (n === 0) continue;
        mergeInto(out, decoded, n);
        // (no article holds the form typed: every form counts as it, as scoring weighs them)
        if ((typed[i] === null || form === typedReaders[i]) && decoded[0]! < leadAt) typedInHeadline[i] = true;
      }
      if (out.length > 0) present++;
    }
    if (headlineBonus > 0) scores[k]! += headlineBonus * headlineIdf(positions, typedInHeadline, idfs, leadAt, reader.options.stemVariantWeight);
    if (present < 2 || weight <= 0) continue;
    let bonus = 0;
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        let distance = closest(positions[a]!, positions[b]!, plan.gaps[a]![b]!);
        // a query typed as language (it holds stop words): its words' spacing as typed counts too
        const typed = plan.sentence ? plan.gaps[a]![b]! + b - a - 1 : 0;
        if (typed > plan.gaps[a]![b]! && distance > 1) distance = Math.min(distance, closest(positions[a]!, positions[b]!, typed));
        if (distance < Infinity) bonus += Math.min(idfs[a]!, idfs[b]!) / (distance * distance);
      }
    }
    scores[k]! += weight * bonus;
  }
}

/** Merges the ascending `from[0, n)` into the ascending `out` (a word's forms seldom share a document: mostly an append). */
function mergeInto(out: number[], from: readonly number[], n: number): void {
  const m = out.length;
  for (let j = 0; j < n; j++) out.push(from[j]!);
  if (m === 0 || out[m - 1]! <= from[0]!) return;
  // from the back: the larger of the two tails goes last (`from` is intact, the pushed copies are overwritten)
  let i = m - 1;
  let j = n - 1;
  for (let k = m + n - 1; j >= 0; k--) out[k] = i >= 0 && out[i]! > from[j]! ? out[i--]! : from[j--]!;
}

/** `result` with the proximity and headline bonuses added to each document's score (a new score array). */
export function withProximity(reader: IndexReader, query: Query, result: MatchResult): MatchResult {
  const plan = result.docs.length === 0 ? null : bonusPlan(reader, query);
  if (plan === null) return result;
  const scores = Float64Array.from(result.scores);
  addBonuses(reader, plan, result.docs, scores, null);
  return { docs: result.docs, scores };
}

/**
 * The best `limit` matches after the first `offset` by score with the bonuses (ties: lower
 * `rank[doc]` first), as positions into `docs`, best first; `scores` (the scores without the
 * bonuses) gets the bonuses added at those positions (other positions may or may not have
 * them). The same page as ranking `withProximity`'s scores with `topK`, but the bonuses (which
 * read positions) are computed only for the matches that can still reach the page: those whose
 * score plus the plan's bound is at least the page's worst score among the matches best without
 * bonuses.
 */
export function topWithBonuses(reader: IndexReader, query: Query, docs: Uint32Array, scores: Float64Array, rank: ArrayLike<number>, limit: number, offset: number): Uint32Array {
  const plan = docs.length === 0 ? null : bonusPlan(reader, query);
  const want = limit + offset;
  if (plan === null || docs.length <= want || limit <= 0) {
    if (plan !== null) addBonuses(reader, plan, docs, scores, null);
    return ranked(docs, scores, rank, everyPosition(docs.length), limit, offset);
  }
  // The `want` best without bonuses, with theirs: at least `want` matches score `floor` or more.
  const first = ranked(docs, scores, rank, everyPosition(docs.length), want, 0).sort();
  const exact = Float64Array.from(scores);
  addBonuses(reader, plan, docs, exact, first);
  let floor = Infinity;
  for (let j = 0; j < first.length; j++) if (exact[first[j]!]! < floor) floor = exact[first[j]!]!;
  // Only a match whose score can reach `floor` with every bonus can rank among them.
  // (less a margin for the rounding of the sums: the same bonuses added in another order)
  const cut = floor - plan.bound - 1e-9 * Math.abs(floor);
  // `first` are candidates with their bonuses already in `exact`; only the others read positions.
  let n = 0;
  let others = 0;
  let f = 0;
  const candidates = new Uint32Array(docs.length);
  const rest = new Uint32Array(docs.length);
  for (let k = 0; k < docs.length; k++) {
    if (f < first.length && first[f] === k) {
      f++;
      scores[k] = exact[k]!;
      candidates[n++] = k;
    } else if (scores[k]! >= cut) {
      candidates[n++] = k;
      rest[others++] = k;
    }
  }
  addBonuses(reader, plan, docs, scores, rest.subarray(0, others));
  return ranked(docs, scores, rank, candidates.subarray(0, n), limit, offset);
}

function everyPosition(length: number): Uint32Array {
  const all = new Uint32Array(length);
  for (let k = 0; k < length; k++) all[k] = k;
  return all;
}

/** Positions of `at` ranked by `scores` (ties: lower `rank[doc]`), best first, the first `offset` skipped. */
function ranked(docs: Uint32Array, scores: Float64Array, rank: ArrayLike<number>, at: Uint32Array, limit: number, offset: number): Uint32Array {
  const ranks = new Uint32Array(at.length);
  const values = new Float64Array(at.length);
  for (let j = 0; j < at.length; j++) {
    ranks[j] = rank[docs[at[j]!]!]!;
    values[j] = scores[at[j]!]!;
  }
  const top = topK(ranks, values, limit, offset);
  for (let j = 0; j < top.length; j++) top[j] = at[top[j]!]!;
  return top;
}

/**
 * Sum of the idfs of the query words standing in the headline (a position before `leadAt`), a
 * word the headline holds only in another form counting `variantWeight` of its idf, or 0 when
 * the headline holds fewer than half of them. `positions`: each word's (every form), ascending;
 * `typedInHeadline`: whether the headline holds the form typed.
 */
function headlineIdf(positions: readonly number[][], typedInHeadline: readonly boolean[], idfs: readonly number[], leadAt: number, variantWeight: number): number {
  let inHeadline = 0;
  let sum = 0;
  for (let i = 0; i < positions.length; i++) {
    const first = positions[i]![0];
    if (first !== undefined && first < leadAt) {
      inHeadline++;
      sum += typedInHeadline[i] ? idfs[i]! : variantWeight * idfs[i]!;
    }
  }
  return 2 * inHeadline >= positions.length ? sum : 0;
}

/**
 * Smallest distance between a position of `a` and one of `b` (both ascending); `b` before `a`
 * counts one more. `gap`: how far after `a` the query typed `b` (1 + the stop words typed between
 * them): `b` standing exactly that far after `a` is distance 1, each position off adds one.
 */
function closest(a: readonly number[], b: readonly number[], gap: number): number {
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
    const distance = y > x ? (y - x >= gap ? y - x - gap + 1 : gap - (y - x) + 1) : x - y + gap;
    if (distance < best) best = distance;
    if (x < y) i++;
    else j++;
  }
  return best;
}
