/**
 * Typo-tolerant matching: the indexed words within a small edit distance of a query word.
 * Candidates are narrowed per segment by length and by a letter-set bitmask before a banded
 * Levenshtein check; the distinct words found are ranked across all segments by distance, then
 * by live document frequency.
 */
import type { SearchIndexOptions } from './options.js';
import type { TermQuery } from './query.js';
import type { IndexReader } from './reader.js';
import { type Segment, STOP_PREFIX } from './segment.js';
import { fold } from './tokenize.js';

/** A segment's vocabulary grouped by word length, with each word's letter-set mask. */
interface FuzzyVocabulary {
  byLength: Map<number, Uint32Array>;
  letterMasks: Uint32Array;
}

function fuzzyVocabulary(segment: Segment): FuzzyVocabulary {
  return segment.derived('fuzzy', () => {
    const byLength = new Map<number, number[]>();
    const letterMasks = new Uint32Array(segment.words.length);
    segment.words.forEach((word, t) => {
      if (word.startsWith(STOP_PREFIX)) return;
      letterMasks[t] = letterMask(word);
      let bucket = byLength.get(word.length);
      if (!bucket) byLength.set(word.length, (bucket = []));
      bucket.push(t);
    });
    return { byLength: new Map([...byLength].map(([length, ts]) => [length, Uint32Array.from(ts)])), letterMasks };
  });
}

/**
 * Words of live documents within the allowed edit distance of a fuzzy-eligible query word,
 * excluding forms of its own stem; closest first, then most frequent, then alphabetical; at
 * most `maxFuzzyExpansions`.
 */
export function fuzzyWords(reader: IndexReader, query: TermQuery, options: Readonly<SearchIndexOptions>): string[] {
  const letters = fold(query.text).replace(/[^\p{L}]/gu, '').length;
  if (letters < options.fuzzyMinLength) return [];
  const max = letters >= options.fuzzyDistance2MinLength ? 2 : 1;
  const target = query.word;
  const own = new Set(reader.stemVariants(query.term));
  own.add(target);
  const targetMask = letterMask(target);
  const row = new Int32Array(target.length + max + 2);
  const distanceOf = new Map<string, number>();
  for (const placed of reader.segments) {
    const vocabulary = fuzzyVocabulary(placed.segment);
    for (let length = target.length - max; length <= target.length + max; length++) {
      const bucket = vocabulary.byLength.get(length);
      if (!bucket) continue;
      for (let i = 0; i < bucket.length; i++) {
        const t = bucket[i]!;
        if (popcount((vocabulary.letterMasks[t]! ^ targetMask) >>> 0) > 2 * max) continue;
        const word = placed.segment.words[t]!;
        if (own.has(word) || distanceOf.has(word)) continue;
        const distance = boundedDistance(target, word, max, row);
        if (distance <= max) distanceOf.set(word, distance);
      }
    }
  }
  const found: Array<{ word: string; distance: number; df: number }> = [];
  for (const [word, distance] of distanceOf) {
    const df = reader.wordDocFreq(word);
    if (df > 0) found.push({ word, distance, df });
  }
  found.sort((a, b) => a.distance - b.distance || b.df - a.df || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  return found.slice(0, options.maxFuzzyExpansions).map((f) => f.word);
}

/** Levenshtein distance if ≤ max, else max + 1 (banded, early exit). */
export function boundedDistance(a: string, b: string, max: number, row: Int32Array): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  for (let j = 0; j <= lb; j++) row[j] = j;
  for (let i = 1; i <= la; i++) {
    let previous = row[0]!;
    row[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const above = row[j]!;
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      let v = previous + cost;
      const deletion = above + 1;
      const insertion = row[j - 1]! + 1;
      if (deletion < v) v = deletion;
      if (insertion < v) v = insertion;
      row[j] = v;
      previous = above;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return row[lb]!;
}

function letterMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) & 31);
  return m >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
