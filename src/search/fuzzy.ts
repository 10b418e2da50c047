/**
 * Typo-tolerant matching: the indexed words within a small edit distance of a query word.
 * Candidates are narrowed per segment by length and by a letter-set bitmask before a banded
 * Damerau check (optimal string alignment: a swap of two neighbouring letters, `presdient`, is
 * one edit, as in Lucene's and Elasticsearch's fuzzy queries); the distinct words found are
 * ranked across all segments by distance, then by live document frequency.
 */
import type { SearchIndexOptions } from './options.js';
import { positiveLeaves } from './query.js';
import type { Query, TermQuery } from './query.js';
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

/** A typo-neighbour of a query word: the indexed word, its edit distance and live document frequency. */
export interface FuzzyNeighbour {
  readonly word: string;
  readonly distance: number;
  readonly df: number;
}

/** {@link fuzzyNeighbours}' words. */
export function fuzzyWords(reader: IndexReader, query: TermQuery, options: Readonly<SearchIndexOptions>): string[] {
  return fuzzyNeighbours(reader, query, options).map((n) => n.word);
}

/**
 * Words of live documents within the allowed edit distance of a fuzzy-eligible query word,
 * excluding the word itself and (unless `withOwnStem`) the forms of its own stem; closest
 * first, then most frequent, then alphabetical; at most `maxFuzzyExpansions`.
 */
export function fuzzyNeighbours(reader: IndexReader, query: TermQuery, options: Readonly<SearchIndexOptions>, withOwnStem = false): FuzzyNeighbour[] {
  const letters = fold(query.text).replace(/[^\p{L}]/gu, '').length;
  if (letters < options.fuzzyMinLength) return [];
  const max = letters >= options.fuzzyDistance2MinLength ? 2 : 1;
  const target = query.word;
  const own = new Set(withOwnStem ? [] : reader.stemVariants(query.term));
  own.add(target);
  const targetMask = letterMask(target);
  const row = new Int32Array(3 * (target.length + max + 2));
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
  return found.slice(0, options.maxFuzzyExpansions);
}

/**
 * Damerau distance (optimal string alignment: insertions, deletions, substitutions and swaps
 * of neighbouring letters) if ≤ max, else max + 1, with an early exit. `scratch` holds at least
 * three rows of `b.length + 1`.
 */
function boundedDistance(a: string, b: string, max: number, scratch: Int32Array): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  const width = lb + 1;
  // rows i-2, i-1 and i live at rotating offsets of the scratch array
  let before = 0;
  let previous = width;
  let current = 2 * width;
  for (let j = 0; j <= lb; j++) scratch[previous + j] = j;
  for (let i = 1; i <= la; i++) {
    scratch[current] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = scratch[previous + j - 1]! + (ca === cb ? 0 : 1);
      const deletion = scratch[previous + j]! + 1;
      const insertion = scratch[current + j - 1]! + 1;
      if (deletion < v) v = deletion;
      if (insertion < v) v = insertion;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const swap = scratch[before + j - 2]! + 1;
        if (swap < v) v = swap;
      }
      scratch[current + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return scratch[previous + lb]!;
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

/**
 * "Did you mean": the query string `text` (which `query` was parsed from) with every
 * fuzzy-eligible word that no live article holds in any form of its stem replaced by its
 * closest, most frequent indexed neighbour; null when no word was replaced.
 */
export function spellingSuggestion(reader: IndexReader, query: Query, text: string, options: Readonly<SearchIndexOptions>): string | null {
  const replacements: Array<{ at: number; from: string; to: string }> = [];
  for (const leaf of positiveLeaves(query)) {
    if (leaf.type !== 'term' || !leaf.fuzzy) continue;
    if (reader.wordDocFreq(leaf.word) > 0 || reader.stemVariants(leaf.term).length > 0) continue;
    const best = fuzzyNeighbours(reader, leaf, options, true)[0];
    const at = text.indexOf(leaf.text, leaf.position);
    if (best !== undefined && at >= 0) replacements.push({ at, from: leaf.text, to: best.word });
  }
  if (replacements.length === 0) return null;
  replacements.sort((a, b) => b.at - a.at);
  let out = text;
  for (const r of replacements) out = out.slice(0, r.at) + r.to + out.slice(r.at + r.from.length);
  return out;
}
