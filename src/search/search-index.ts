/**
 * In-memory full-text index over news articles: BM25F ranking, boolean/phrase/prefix/field
 * queries, bounded fuzzy matching, highlighting and "more like this".
 *
 * ## Storage layout (compact, typed arrays only; no per-term objects)
 *
 * - Vocabulary: sorted `string[]`; term number = rank, so prefixes are a binary-searched range
 *   and a word is found by binary search (no hash map from word to number).
 * - Postings: all terms concatenated, term `t` owning `[postStart[t], postStart[t+1])` of
 *   - `postDocs: Uint32Array` – document numbers, ascending;
 *   - `postTfw: Uint16Array` – the BM25F pseudo-frequency
 *     `Σ_f boost_f · tf_f / (1 − b + b · len_f / avglen_f)` over fields title / lead / rest,
 *     precomputed at build time and stored log-quantised (relative error < 0.03%, decoded by a
 *     65,536-entry table), so scoring a posting is a table load, a multiply-add and a division.
 *     6 bytes per posting in total.
 * - Positions: one `Uint8Array`; for each posting, in posting order, a varint count followed by
 *   varint position deltas. Every 64th posting of a term has its byte offset recorded
 *   (`blockOff`), so the positions of posting `i` are found by skipping at most 63 entries.
 *   Positions number all words of the document; the title starts at 0 and each paragraph starts
 *   one position after the previous field's end, so consecutive positions never cross a
 *   field/paragraph boundary.
 * - Stop words are indexed too, under a `\0` prefix, only so that phrases containing them
 *   (`"state of the union"`) are matched exactly from positions. They never score on their own,
 *   are dropped from queries outside phrases, don't count in field lengths and never appear in
 *   prefix or fuzzy expansions. (Measure with `npm run bench:search`.)
 * - Per document: title/lead boundary positions and the three field lengths.
 *
 * The documents themselves are kept by reference (not copied) for highlighting, phrase
 * verification and more-like-this.
 */
import { bestWindow, cutSnippet, F_LEAD, F_REST, F_TITLE, findSpans, renderMarked } from './highlight.js';
import type { Marker, Span, SpanHint } from './highlight.js';
import { countClauses, parseQuery, positiveLeaves, QuerySyntaxError } from './query.js';
import type { PhraseQuery, PrefixQuery, Query, SearchField, TermQuery } from './query.js';
import { fold, scanTokens, stem, tokenize } from './tokenize.js';
import { topK } from './topk.js';

/** An article as seen by the search engine. */
export interface SearchDocument {
  /** Headline. */
  readonly title: string;
  /** Paragraphs in order; `paragraphs[0]` is the lead. */
  readonly paragraphs: readonly string[];
}

/** Tuning knobs of {@link SearchIndex}. Every option has a default ({@link DEFAULT_SEARCH_OPTIONS}). */
export interface SearchIndexOptions {
  /**
   * Weight of a title occurrence relative to a body occurrence (default 2). Headlines state
   * what an article is about, so a title match is the strongest signal.
   */
  titleBoost: number;
  /** Weight of an occurrence in the lead paragraph (default 1.25): the lead summarises the story. */
  leadBoost: number;
  /** Weight of an occurrence in any later paragraph (default 1). */
  bodyBoost: number;
  /**
   * BM25 term-frequency saturation (default 1.2): how quickly repeated occurrences stop adding
   * score. Higher values reward repetition more.
   */
  k1: number;
  /**
   * BM25 length normalisation (default 0.6; 0.75 is the textbook value, 0.6 measured better on BBC known-item queries), applied per field against that field's average
   * length: 0 ignores length, 1 fully normalises, so long articles don't win by sheer size.
   */
  b: number;
  /**
   * Maximum number of index terms a prefix query (`infla*`) expands to (default 200). The most
   * frequent expansions are kept. Bounds the work of short prefixes like `co*`.
   */
  maxPrefixExpansions: number;
  /**
   * Maximum number of words in one query, phrase words included (default 64). Bounds the work
   * of huge OR lists; longer queries are rejected with a {@link QuerySyntaxError}.
   */
  maxQueryClauses: number;
  /**
   * Score multiplier for other forms of a query word's stem (default 0.25): `rates` also finds
   * `rate` and `rating` (Porter stemming), but a document with the exact form typed ranks
   * higher. The index stores unstemmed words and groups them by stem at query time. Their idf is
   * capped at the exact form's, so a rare variant never outweighs the word the user typed.
   */
  stemVariantWeight: number;
  /** Fuzzy matching applies only to typed words with at least this many letters (default 5). */
  fuzzyMinLength: number;
  /** Words with at least this many letters allow edit distance 2 instead of 1 (default 8). */
  fuzzyDistance2MinLength: number;
  /**
   * Score multiplier for fuzzy (typo-neighbour) matches (default 0.3), and their idf is capped
   * at the exact term's, so a fuzzy-only match ranks below an exact match of the same term.
   */
  fuzzyWeight: number;
  /** Maximum typo-neighbours per query word, most frequent first (default 30). Bounds work. */
  maxFuzzyExpansions: number;
  /** Number of distinctive terms used by {@link SearchIndex.moreLikeThis} (default 25). */
  moreLikeThisTerms: number;
}

/** Defaults of every {@link SearchIndexOptions} field. */
export const DEFAULT_SEARCH_OPTIONS: Readonly<SearchIndexOptions> = Object.freeze({
  titleBoost: 2,
  leadBoost: 1.25,
  bodyBoost: 1,
  k1: 1.2,
  b: 0.6,
  maxPrefixExpansions: 200,
  maxQueryClauses: 64,
  stemVariantWeight: 0.25,
  fuzzyMinLength: 5,
  fuzzyDistance2MinLength: 8,
  fuzzyWeight: 0.3,
  maxFuzzyExpansions: 30,
  moreLikeThisTerms: 25,
});

/** Result of {@link SearchIndex.match}: parallel arrays, sorted by ascending document number. */
export interface MatchResult {
  readonly docs: Uint32Array;
  readonly scores: Float64Array;
}

/** Result of {@link SearchIndex.highlight}; all strings are HTML-safe. */
export interface Highlight {
  /** Whole title, escaped, matches wrapped in `<mark>`. */
  title: string;
  /** True when at least one match was marked in the title. */
  titleMatched: boolean;
  /** Best passage (≈ `snippetLength` chars, `…` where cut), escaped, matches in `<mark>`. */
  snippet: string;
}

/**
 * A query prepared for highlighting ({@link SearchIndex.prepareHighlight}): what to mark, the
 * snippet length, and the index words whose postings locate candidate paragraphs. Immutable;
 * valid only for the index that made it.
 */
export class HighlightPlan {
  /** @internal */
  constructor(
    /** What to mark (stems, expanded words, phrases) with field masks. */
    readonly marker: Marker,
    /** Snippet length in characters. */
    readonly snippetLength: number,
    /** Index word numbers whose occurrences may be marked, grouped by `keys`. */
    readonly words: Uint32Array,
    /** Field mask per entry of `words`. */
    readonly masks: Uint8Array,
    /** Distinct-count key per entry of `words` (non-decreasing). */
    readonly keys: Uint32Array,
    /** Further index words whose positions must be examined: every word of every phrase slot. */
    readonly phraseWords: Uint32Array,
  ) {}
}

const BLOCK = 64;
// log quantisation of pseudo-frequencies into 16 bits: q = 0 → 0, else exp(Q_MIN + q·Q_STEP)
const Q_MIN = Math.log(1e-4);
const Q_STEP = (Math.log(1e5) - Q_MIN) / 65534;
const Q_TABLE = Float32Array.from({ length: 65536 }, (_, q) => (q === 0 ? 0 : Math.exp(Q_MIN + (q - 1) * Q_STEP)));
function quantise(x: number): number {
  if (!(x > 0)) return 0;
  const q = Math.round((Math.log(x) - Q_MIN) / Q_STEP) + 1;
  return q < 1 ? 1 : q > 65535 ? 65535 : q;
}
/**
 * Stop words are indexed (positions only matter: they make phrases exact) under a prefixed key
 * so they never mix with a real term of the same spelling (`hers` stems to `her`), never show up
 * in prefix/fuzzy expansions (the prefix sorts before every letter) and are never searched alone.
 */
const STOP_PREFIX = '\u0000';
const EMPTY: MatchResult = { docs: new Uint32Array(0), scores: new Float64Array(0) };

class GrowU32 {
  a: Uint32Array;
  n = 0;
  constructor(cap = 1024) {
    this.a = new Uint32Array(cap);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

class GrowU8 {
  a: Uint8Array;
  n = 0;
  constructor(cap = 1 << 16) {
    this.a = new Uint8Array(cap);
  }
  ensure(extra: number): void {
    if (this.n + extra > this.a.length) {
      let c = this.a.length * 2;
      while (c < this.n + extra) c *= 2;
      const b = new Uint8Array(c);
      b.set(this.a.subarray(0, this.n));
      this.a = b;
    }
  }
  varint(v: number): void {
    const a = this.a;
    while (v >= 0x80) {
      a[this.n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    a[this.n++] = v;
  }
}

function growI32(a: Int32Array<ArrayBuffer>, need: number, fill = 0): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let c = a.length * 2;
  while (c < need) c *= 2;
  const b = new Int32Array(c);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

function fieldMask(f: SearchField | null): number {
  return f === null ? 7 : f === 'title' ? F_TITLE : f === 'lead' ? F_LEAD : F_LEAD | F_REST;
}

/** Levenshtein distance if ≤ max, else max + 1 (banded, early exit). */
function boundedDistance(a: string, b: string, max: number, row: Int32Array): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  for (let j = 0; j <= lb; j++) row[j] = j;
  for (let i = 1; i <= la; i++) {
    let prev = row[0]!;
    row[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const tmp = row[j]!;
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      let v = prev + cost;
      const del = tmp + 1;
      const ins = row[j - 1]! + 1;
      if (del < v) v = del;
      if (ins < v) v = ins;
      row[j] = v;
      prev = tmp;
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

/**
 * The search index. Build once with {@link SearchIndex.build}; all query methods are
 * synchronous and allocation-light.
 */
export class SearchIndex {
  /** Number of documents. */
  readonly size: number;
  /** Effective options (defaults merged). */
  readonly options: Readonly<SearchIndexOptions>;

  private readonly docs: readonly SearchDocument[];
  private readonly vocab: string[];
  private readonly postStart: Uint32Array;
  private readonly postDocs: Uint32Array;
  private readonly postTfw: Uint16Array;
  private readonly blockStart: Uint32Array;
  private readonly blockOff: Uint32Array;
  private readonly posBytes: Uint8Array;
  /** Stem → group number; group g owns `groupWords[groupStart[g] .. groupStart[g+1])`. */
  private readonly stemGroup: Map<string, number>;
  private readonly groupStart: Uint32Array;
  private readonly groupWords: Uint32Array;
  /** Per doc: [leadStartPos, restStartPos]. */
  private readonly bounds: Uint32Array;
  /** Start position of every paragraph; doc d's paragraphs are `paraStart[paraOff[d] .. paraOff[d+1])`. */
  private readonly paraOff: Uint32Array;
  private readonly paraStart: Uint32Array;
  /** Per doc: [titleLen, leadLen, restLen] (indexed tokens). */
  private readonly lens: Uint32Array;
  private readonly avg: Float64Array;
  // scratch for unions
  private readonly acc: Float64Array;
  private readonly seen: Uint8Array;
  // lazily built fuzzy helpers
  private lengthBuckets: Map<number, Uint32Array> | null = null;
  private masks: Uint32Array | null = null;
  // highlighting scratch (per paragraph of one document)
  private hlCount = new Int32Array(64);
  private hlDistinct = new Int32Array(64);
  private hlStamp = new Int32Array(64);
  private readonly hlPos: number[] = [];
  private readonly hlAll: number[] = [];
  private hlWant = new Uint8Array(256);

  private constructor(
    docs: readonly SearchDocument[],
    options: SearchIndexOptions,
    parts: {
      vocab: string[];
      stemGroup: Map<string, number>;
      groupStart: Uint32Array;
      groupWords: Uint32Array;
      postStart: Uint32Array;
      postDocs: Uint32Array;
      postTfw: Uint16Array;
      blockStart: Uint32Array;
      blockOff: Uint32Array;
      posBytes: Uint8Array;
      bounds: Uint32Array;
      paraOff: Uint32Array;
      paraStart: Uint32Array;
      lens: Uint32Array;
      avg: Float64Array;
    },
  ) {
    this.docs = docs;
    this.size = docs.length;
    this.options = Object.freeze({ ...options });
    this.vocab = parts.vocab;
    this.stemGroup = parts.stemGroup;
    this.groupStart = parts.groupStart;
    this.groupWords = parts.groupWords;
    this.postStart = parts.postStart;
    this.postDocs = parts.postDocs;
    this.postTfw = parts.postTfw;
    this.blockStart = parts.blockStart;
    this.blockOff = parts.blockOff;
    this.posBytes = parts.posBytes;
    this.bounds = parts.bounds;
    this.paraOff = parts.paraOff;
    this.paraStart = parts.paraStart;
    this.lens = parts.lens;
    this.avg = parts.avg;
    this.acc = new Float64Array(this.size);
    this.seen = new Uint8Array(this.size);
  }

  /** Index `docs`; `docs[i]` becomes document number `i`. The array is kept by reference. */
  static build(docs: readonly SearchDocument[], options?: Partial<SearchIndexOptions>): SearchIndex {
    const opt: SearchIndexOptions = { ...DEFAULT_SEARCH_OPTIONS };
    if (options) {
      for (const [k, v] of Object.entries(options)) {
        if (v !== undefined && k in DEFAULT_SEARCH_OPTIONS) (opt as unknown as Record<string, unknown>)[k] = v;
      }
    }
    const N = docs.length;
    const termIdOf = new Map<string, number>();
    const vocab: string[] = [];
    let tDf = new Int32Array(4096);
    let tBytes = new Int32Array(4096);
    let tLast = new Int32Array(4096).fill(-1);
    let tLocal = new Int32Array(4096);

    // doc-ordered stream of postings
    const stTerm = new GrowU32(1 << 16);
    const stTf = new GrowU32(1 << 16);
    const stLen = new GrowU32(1 << 16);
    const stBytes = new GrowU8(1 << 18);
    const docPostStart = new Uint32Array(N + 1);
    const bounds = new Uint32Array(2 * N);
    const paraOff = new Uint32Array(N + 1);
    const paraStartG = new GrowU32(Math.max(16, 4 * N));
    const lens = new Uint32Array(3 * N);

    // per-doc scratch
    let lTerm = new Int32Array(1024);
    let lTf = new Int32Array(3 * 1024);
    let tokLocal = new Int32Array(4096);
    let tokPos = new Int32Array(4096);
    let nLocal = 0;
    let nTok = 0;
    let nIndexed = 0;
    let field = 0;
    let d = 0;
    let cnt = new Int32Array(1024);
    let sorted = new Int32Array(4096);

    // stop words get their own map so the prefixed key is built once per distinct stop word
    const stopIdOf = new Map<string, number>();
    const sink = (_term: string, _s: number, _e: number, pos: number, stop: boolean, _c: boolean, word: string): void => {
      const ids = stop ? stopIdOf : termIdOf;
      if (!stop) nIndexed++;
      let id = ids.get(word);
      if (id === undefined) {
        id = vocab.length;
        vocab.push(stop ? STOP_PREFIX + word : word);
        ids.set(word, id);
        if (id >= tDf.length) {
          tDf = growI32(tDf, id + 1);
          tBytes = growI32(tBytes, id + 1);
          tLast = growI32(tLast, id + 1, -1);
          tLocal = growI32(tLocal, id + 1);
        }
      }
      let li: number;
      if (tLast[id] !== d) {
        tLast[id] = d;
        li = nLocal++;
        tLocal[id] = li;
        if (li >= lTerm.length) {
          lTerm = growI32(lTerm, li + 1);
          lTf = growI32(lTf, 3 * (li + 1));
        }
        lTerm[li] = id;
        lTf[3 * li] = 0;
        lTf[3 * li + 1] = 0;
        lTf[3 * li + 2] = 0;
      } else li = tLocal[id]!;
      lTf[3 * li + field]!++;
      if (nTok >= tokLocal.length) {
        tokLocal = growI32(tokLocal, nTok + 1);
        tokPos = growI32(tokPos, nTok + 1);
      }
      tokLocal[nTok] = li;
      tokPos[nTok] = pos;
      nTok++;
    };

    for (d = 0; d < N; d++) {
      const doc = docs[d]!;
      nLocal = 0;
      nTok = 0;
      nIndexed = 0;
      field = 0;
      let pos = scanTokens(doc.title, sink, 0, false);
      lens[3 * d] = nIndexed;
      pos += 1;
      bounds[2 * d] = pos;
      const paras = doc.paragraphs;
      paraOff[d] = paraStartG.n;
      let before = nIndexed;
      field = 1;
      if (paras.length > 0) {
        paraStartG.push(pos);
        pos = scanTokens(paras[0]!, sink, pos, false) + 1;
      }
      lens[3 * d + 1] = nIndexed - before;
      bounds[2 * d + 1] = pos;
      before = nIndexed;
      field = 2;
      for (let p = 1; p < paras.length; p++) {
        paraStartG.push(pos);
        pos = scanTokens(paras[p]!, sink, pos, false) + 1;
      }
      lens[3 * d + 2] = nIndexed - before;

      // group positions by local term (counting sort; stable so positions stay in text order)
      if (nLocal + 1 > cnt.length) cnt = growI32(cnt, nLocal + 1);
      cnt.fill(0, 0, nLocal + 1);
      for (let i = 0; i < nTok; i++) cnt[tokLocal[i]! + 1]!++;
      for (let i = 0; i < nLocal; i++) cnt[i + 1]! += cnt[i]!;
      if (nTok > sorted.length) sorted = growI32(sorted, nTok);
      for (let i = 0; i < nTok; i++) sorted[cnt[tokLocal[i]!]!++] = tokPos[i]!;
      // after the fill loop cnt[i] is the end of group i; group i starts at cnt[i-1] (or 0)
      docPostStart[d] = stTerm.n;
      let gStart = 0;
      for (let li = 0; li < nLocal; li++) {
        const gEnd = cnt[li]!;
        const id = lTerm[li]!;
        const n = gEnd - gStart;
        // compounds share a position with their first part: keep positions non-decreasing
        let mono = true;
        for (let k = gStart + 1; k < gEnd; k++) if (sorted[k]! < sorted[k - 1]!) mono = false;
        if (!mono) sorted.subarray(gStart, gEnd).sort();
        stTerm.push(id);
        stTf.push(
          Math.min(lTf[3 * li]!, 255) | (Math.min(lTf[3 * li + 1]!, 255) << 8) | (Math.min(lTf[3 * li + 2]!, 0xffff) << 16),
        );
        const b0 = stBytes.n;
        stBytes.ensure(5 * (n + 1));
        stBytes.varint(n);
        let prev = 0;
        for (let k = gStart; k < gEnd; k++) {
          const p = sorted[k]!;
          stBytes.varint(p - prev);
          prev = p;
        }
        const len = stBytes.n - b0;
        stLen.push(len);
        tBytes[id]! += len;
        tDf[id]!++;
        gStart = gEnd;
      }
    }
    docPostStart[N] = stTerm.n;
    paraOff[N] = paraStartG.n;
    const paraStart = paraStartG.a.slice(0, paraStartG.n);

    // ---- pass 2: invert into term-major arrays, terms in sorted order ----
    const V = vocab.length;
    const order = new Uint32Array(V);
    for (let i = 0; i < V; i++) order[i] = i;
    order.sort((a, b) => (vocab[a]! < vocab[b]! ? -1 : vocab[a]! > vocab[b]! ? 1 : 0));
    const rank = new Uint32Array(V);
    for (let r = 0; r < V; r++) rank[order[r]!] = r;
    const postStart = new Uint32Array(V + 1);
    const blockStart = new Uint32Array(V + 1);
    const byteStart = new Float64Array(V + 1);
    for (let r = 0; r < V; r++) {
      const id = order[r]!;
      postStart[r + 1] = postStart[r]! + tDf[id]!;
      blockStart[r + 1] = blockStart[r]! + Math.ceil(tDf[id]! / BLOCK);
      byteStart[r + 1] = byteStart[r]! + tBytes[id]!;
    }
    const P = postStart[V]!;
    const totalBytes = byteStart[V]!;
    if (totalBytes > 0xffffffff) throw new RangeError('position data exceeds 4 GiB');
    const postDocs = new Uint32Array(P);
    const postTfw = new Uint16Array(P);
    const blockOff = new Uint32Array(blockStart[V]!);
    const posBytes = new Uint8Array(totalBytes);
    const postCur = new Uint32Array(V); // by id
    const byteCur = new Float64Array(V); // by id
    for (let id = 0; id < V; id++) {
      const r = rank[id]!;
      postCur[id] = postStart[r]!;
      byteCur[id] = byteStart[r]!;
    }
    const avg = new Float64Array(3);
    for (let i = 0; i < N; i++) {
      avg[0]! += lens[3 * i]!;
      avg[1]! += lens[3 * i + 1]!;
      avg[2]! += lens[3 * i + 2]!;
    }
    for (let f = 0; f < 3; f++) avg[f] = N > 0 ? avg[f]! / N : 0;
    const { b, titleBoost, leadBoost, bodyBoost } = opt;
    const src = stBytes.a;
    let sp = 0;
    for (let dd = 0; dd < N; dd++) {
      const nt = avg[0]! > 0 ? titleBoost / (1 - b + (b * lens[3 * dd]!) / avg[0]!) : 0;
      const nl = avg[1]! > 0 ? leadBoost / (1 - b + (b * lens[3 * dd + 1]!) / avg[1]!) : 0;
      const nr = avg[2]! > 0 ? bodyBoost / (1 - b + (b * lens[3 * dd + 2]!) / avg[2]!) : 0;
      const pe = docPostStart[dd + 1]!;
      for (let p = docPostStart[dd]!; p < pe; p++) {
        const id = stTerm.a[p]!;
        const tf = stTf.a[p]!;
        const r = rank[id]!;
        const at = postCur[id]!;
        const i = at - postStart[r]!;
        let bc = byteCur[id]!;
        if ((i & (BLOCK - 1)) === 0) blockOff[blockStart[r]! + i / BLOCK] = bc;
        postDocs[at] = dd;
        postTfw[at] = quantise((tf & 0xff) * nt + ((tf >>> 8) & 0xff) * nl + (tf >>> 16) * nr);
        postCur[id] = at + 1;
        const len = stLen.a[p]!;
        for (let k = 0; k < len; k++) posBytes[bc++] = src[sp++]!;
        byteCur[id] = bc;
      }
    }
    const sortedVocab = new Array<string>(V);
    for (let r = 0; r < V; r++) sortedVocab[r] = vocab[order[r]!]!;
    // group words by stem (CSR layout)
    const stemGroup = new Map<string, number>();
    const wordGroup = new Int32Array(V).fill(-1);
    const groupCount: number[] = [];
    for (let r = 0; r < V; r++) {
      const w = sortedVocab[r]!;
      if (w.startsWith(STOP_PREFIX)) continue;
      const st = stem(w);
      let g = stemGroup.get(st);
      if (g === undefined) {
        g = groupCount.length;
        stemGroup.set(st, g);
        groupCount.push(0);
      }
      wordGroup[r] = g;
      groupCount[g]!++;
    }
    const G = groupCount.length;
    const groupStart = new Uint32Array(G + 1);
    for (let g = 0; g < G; g++) groupStart[g + 1] = groupStart[g]! + groupCount[g]!;
    const groupWords = new Uint32Array(groupStart[G]!);
    const gCur = groupStart.slice(0, G);
    for (let r = 0; r < V; r++) {
      const g = wordGroup[r]!;
      if (g >= 0) groupWords[gCur[g]!++] = r;
    }
    return new SearchIndex(docs, opt, {
      vocab: sortedVocab,
      stemGroup,
      groupStart,
      groupWords,
      postStart,
      postDocs,
      postTfw,
      blockStart,
      blockOff,
      posBytes,
      bounds,
      paraOff,
      paraStart,
      lens,
      avg,
    });
  }

  /**
   * Number of an indexed word (folded, unstemmed; stop words with their prefix), or undefined.
   * Binary search of the sorted vocabulary (no word → number hash map to build and keep;
   * ~20 string comparisons per lookup, only at query time).
   */
  private wordId(word: string): number | undefined {
    const v = this.vocab;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (v[m]! < word) lo = m + 1;
      else hi = m;
    }
    return lo < v.length && v[lo] === word ? lo : undefined;
  }

  /** Number of distinct indexed terms. */
  get vocabularySize(): number {
    return this.vocab.length;
  }

  /** Number of documents containing the (folded, unstemmed) word. */
  docFreq(term: string): number {
    const t = this.wordId(term);
    return t === undefined ? 0 : this.postStart[t + 1]! - this.postStart[t]!;
  }

  /** Parse `q` with this index's `maxQueryClauses`. */
  parse(q: string): Query {
    return parseQuery(q, { maxClauses: this.options.maxQueryClauses });
  }

  /**
   * All documents matching `query` (a parsed {@link Query} or a query string), with BM25F
   * scores. Result arrays are parallel and **sorted by ascending document number** (use
   * {@link topK} to rank). `fuzzy: true` also matches typo-neighbours of words of 5+ letters,
   * at a lower score.
   */
  match(query: Query | string, opts?: { fuzzy?: boolean }): MatchResult {
    const q = typeof query === 'string' ? this.parse(query) : query;
    if (countClauses(q) > this.options.maxQueryClauses) {
      throw new QuerySyntaxError(`too many terms (at most ${this.options.maxQueryClauses})`, 0);
    }
    const r = this.evaluate(q, opts?.fuzzy === true);
    // never hand out views of internal arrays
    return r.docs.buffer === this.postDocs.buffer ? { docs: r.docs.slice(), scores: r.scores } : r;
  }

  // ------------------------------------------------------------------ evaluation

  private idf(df: number): number {
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  private evaluate(q: Query, fuzzy: boolean): MatchResult {
    switch (q.type) {
      case 'term':
        return this.evalTerm(q, fuzzy);
      case 'prefix':
        return this.evalPrefix(q);
      case 'phrase':
        return this.evalPhrase(q);
      case 'not':
        throw new QuerySyntaxError('query needs at least one positive term', q.position);
      case 'or':
        return this.union(q.clauses.map((c) => this.evaluate(c, fuzzy)), false);
      case 'and': {
        const pos: MatchResult[] = [];
        const neg: MatchResult[] = [];
        for (const c of q.clauses) {
          if (c.type === 'not') neg.push(this.evaluate(c.clause, false));
          else pos.push(this.evaluate(c, fuzzy));
        }
        if (pos.length === 0) return EMPTY;
        pos.sort((a, b) => a.docs.length - b.docs.length);
        let r = pos[0]!;
        for (let i = 1; i < pos.length && r.docs.length > 0; i++) r = intersect(r, pos[i]!);
        for (const n of neg) {
          if (r.docs.length === 0) break;
          r = subtract(r, n.docs);
        }
        return r;
      }
    }
  }

  /** Scores of term number `t` over all its postings, restricted to `mask` fields. */
  private termHits(t: number, mask: number, weight: number, idfOverride?: number): MatchResult {
    const s = this.postStart[t]!;
    const e = this.postStart[t + 1]!;
    const idf = (idfOverride ?? this.idf(e - s)) * weight;
    const k1 = this.options.k1;
    const k1p = k1 + 1;
    if (mask === 7) {
      const docs = this.postDocs.subarray(s, e);
      const scores = new Float64Array(e - s);
      const tfw = this.postTfw;
      const table = Q_TABLE;
      for (let i = s; i < e; i++) {
        const w = table[tfw[i]!]!;
        scores[i - s] = (idf * w * k1p) / (k1 + w);
      }
      return { docs, scores };
    }
    // field-restricted: count occurrences per field from positions
    const { b, titleBoost, leadBoost, bodyBoost } = this.options;
    const avg = this.avg;
    const cur = new VarintCursor(this.posBytes, this.blockOff[this.blockStart[t]!]!);
    const outDocs = new Uint32Array(e - s);
    const outScores = new Float64Array(e - s);
    let n = 0;
    for (let i = s; i < e; i++) {
      const d = this.postDocs[i]!;
      const leadAt = this.bounds[2 * d]!;
      const restAt = this.bounds[2 * d + 1]!;
      const c = cur.next();
      let p = 0;
      let ft = 0;
      let fl = 0;
      let fr = 0;
      for (let k = 0; k < c; k++) {
        p += cur.next();
        if (p < leadAt) ft++;
        else if (p < restAt) fl++;
        else fr++;
      }
      let w = 0;
      if (mask & F_TITLE && ft > 0) w += (titleBoost * ft) / (1 - b + (b * this.lens[3 * d]!) / (avg[0]! || 1));
      if (mask & F_LEAD && fl > 0) w += (leadBoost * fl) / (1 - b + (b * this.lens[3 * d + 1]!) / (avg[1]! || 1));
      if (mask & F_REST && fr > 0) w += (bodyBoost * fr) / (1 - b + (b * this.lens[3 * d + 2]!) / (avg[2]! || 1));
      if (w > 0) {
        outDocs[n] = d;
        outScores[n++] = (idf * w * (k1 + 1)) / (k1 + w);
      }
    }
    return { docs: outDocs.subarray(0, n), scores: outScores.subarray(0, n) };
  }

  private df(t: number): number {
    return this.postStart[t + 1]! - this.postStart[t]!;
  }

  /** Word numbers sharing `stem` (plus `word` itself if indexed but not grouped). */
  private variants(stemmed: string, word: string): number[] {
    const g = this.stemGroup.get(stemmed);
    const out: number[] = [];
    if (g !== undefined) for (let i = this.groupStart[g]!; i < this.groupStart[g + 1]!; i++) out.push(this.groupWords[i]!);
    const w = this.wordId(word);
    if (w !== undefined && !out.includes(w)) out.push(w);
    return out;
  }

  /**
   * Hits of every indexed form of a stem: per document the best of the forms' BM25F scores,
   * forms other than `word` weighted by `stemVariantWeight` with idf capped at `word`'s.
   */
  private stemHits(stemmed: string, word: string, mask: number): MatchResult {
    const vs = this.variants(stemmed, word);
    const exact = this.wordId(word);
    const idfE = exact === undefined ? Infinity : this.idf(this.df(exact));
    const vw = this.options.stemVariantWeight;
    return this.union(
      vs.map((v) => this.termHits(v, mask, exact === undefined || v === exact ? 1 : vw, Math.min(idfE, this.idf(this.df(v))))),
      true,
    );
  }

  private evalTerm(q: TermQuery, fuzzy: boolean): MatchResult {
    const mask = fieldMask(q.field);
    const exact = this.stemHits(q.term, q.word, mask);
    if (!fuzzy || !q.fuzzy) return exact;
    const neighbours = this.fuzzyTerms(q);
    if (neighbours.length === 0) return exact;
    const e = this.wordId(q.word);
    const idfE = e === undefined ? Infinity : this.idf(this.df(e));
    const fz = this.union(
      neighbours.map((n) => this.termHits(n, mask, this.options.fuzzyWeight, Math.min(idfE, this.idf(this.df(n))))),
      true,
    );
    if (exact.docs.length > 0) {
      // guarantee: a fuzzy-only match scores strictly below every exact match of this word
      let min = Infinity;
      for (const x of exact.scores) if (x < min) min = x;
      const cap = min * 0.999;
      const scores = Float64Array.from(fz.scores, (x) => (x < cap ? x : cap));
      return this.union([exact, { docs: fz.docs, scores }], true);
    }
    return fz;
  }

  /**
   * Indexed words within the allowed edit distance of a fuzzy-eligible query word, excluding
   * forms of its own stem; closest first, then most frequent; at most `maxFuzzyExpansions`.
   */
  private fuzzyTerms(q: TermQuery): number[] {
    const letters = fold(q.text).replace(/[^\p{L}]/gu, '').length;
    if (letters < this.options.fuzzyMinLength) return [];
    const max = letters >= this.options.fuzzyDistance2MinLength ? 2 : 1;
    const target = q.word;
    const own = new Set(this.variants(q.term, q.word));
    if (this.lengthBuckets === null || this.masks === null) {
      const byLen = new Map<number, number[]>();
      const masks = new Uint32Array(this.vocab.length);
      this.vocab.forEach((w, i) => {
        if (w.startsWith(STOP_PREFIX)) return;
        masks[i] = letterMask(w);
        let l = byLen.get(w.length);
        if (!l) byLen.set(w.length, (l = []));
        l.push(i);
      });
      this.masks = masks;
      this.lengthBuckets = new Map([...byLen].map(([k, v]) => [k, Uint32Array.from(v)]));
    }
    const tm = letterMask(target);
    const row = new Int32Array(target.length + max + 2);
    const found: Array<{ t: number; dist: number; df: number }> = [];
    for (let len = target.length - max; len <= target.length + max; len++) {
      const bucket = this.lengthBuckets.get(len);
      if (!bucket) continue;
      for (let i = 0; i < bucket.length; i++) {
        const t = bucket[i]!;
        if (popcount((this.masks[t]! ^ tm) >>> 0) > 2 * max) continue;
        const w = this.vocab[t]!;
        if (w === target || own.has(t)) continue;
        const dist = boundedDistance(target, w, max, row);
        if (dist <= max) found.push({ t, dist, df: this.postStart[t + 1]! - this.postStart[t]! });
      }
    }
    found.sort((a, b) => a.dist - b.dist || b.df - a.df || a.t - b.t);
    return found.slice(0, this.options.maxFuzzyExpansions).map((f) => f.t);
  }

  /** Term numbers a prefix expands to: the `maxPrefixExpansions` most frequent. */
  prefixTerms(prefix: string): number[] {
    const v = this.vocab;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (v[m]! < prefix) lo = m + 1;
      else hi = m;
    }
    let end = lo;
    while (end < v.length && v[end]!.startsWith(prefix)) end++;
    const n = end - lo;
    const max = this.options.maxPrefixExpansions;
    if (n <= max) return Array.from({ length: n }, (_, i) => lo + i);
    const ids = new Uint32Array(n);
    const dfs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = lo + i;
      dfs[i] = this.postStart[lo + i + 1]! - this.postStart[lo + i]!;
    }
    return Array.from(topK(ids, dfs, max), (i) => ids[i]!);
  }

  private evalPrefix(q: PrefixQuery): MatchResult {
    const mask = fieldMask(q.field);
    const lists = this.prefixTerms(q.prefix).map((t) => this.termHits(t, mask, 1));
    return this.union(lists, true);
  }

  /** Positions of word `t` in document `doc` into `out`; returns their count (0 when `doc` lacks `t`). */
  private docPositions(t: number, doc: number, out: number[]): number {
    const s = this.postStart[t]!;
    const end = this.postStart[t + 1]!;
    const at = lowerBound(this.postDocs, s, end, doc);
    if (at === end || this.postDocs[at] !== doc) return 0;
    return this.positions(t, at - s, out);
  }

  /** Decode the positions of posting `i` (0-based within term `t`) into `out`; returns count. */
  private positions(t: number, i: number, out: number[]): number {
    const cur = new VarintCursor(this.posBytes, this.blockOff[this.blockStart[t]! + Math.floor(i / BLOCK)]!);
    for (let skip = i % BLOCK; skip > 0; skip--) cur.skip(cur.next());
    const c = cur.next();
    out.length = c;
    let p = 0;
    for (let k = 0; k < c; k++) out[k] = p += cur.next();
    return c;
  }

  private evalPhrase(q: PhraseQuery): MatchResult {
    const mask = fieldMask(q.field);
    const n = q.terms.length;
    if (n === 0) return EMPTY;
    // one slot per phrase word: its forms (stop words: exactly that word) and their hits
    const slots: Array<{ vs: number[]; off: number; hits: MatchResult; cur: number[] }> = [];
    for (let i = 0; i < n; i++) {
      let vs: number[];
      let hits: MatchResult;
      if (q.stop[i]) {
        const t = this.wordId(STOP_PREFIX + q.words[i]!);
        vs = t === undefined ? [] : [t];
        hits = t === undefined ? EMPTY : this.termHits(t, mask, 1);
      } else {
        vs = this.variants(q.terms[i]!, q.words[i]!);
        hits = this.stemHits(q.terms[i]!, q.words[i]!, mask);
      }
      if (hits.docs.length === 0) return EMPTY;
      slots.push({ vs, off: q.offsets[i]!, hits, cur: vs.map((v) => this.postStart[v]!) });
    }
    const bySize = [...slots].sort((x, y) => x.hits.docs.length - y.hits.docs.length);
    let cand = bySize[0]!.hits;
    for (let i = 1; i < bySize.length && cand.docs.length > 0; i++) cand = intersect(cand, bySize[i]!.hits);
    const pd = this.postDocs;
    const posArr: number[][] = slots.map(() => []);
    const tmp: number[] = [];
    const ptr = new Array<number>(n).fill(0);
    const outDocs = new Uint32Array(cand.docs.length);
    const outScores = new Float64Array(cand.docs.length);
    let m = 0;
    for (let c = 0; c < cand.docs.length; c++) {
      const d = cand.docs[c]!;
      // positions of each slot in d (merged over its forms)
      for (let j = 0; j < n; j++) {
        const sl = slots[j]!;
        const arr = posArr[j]!;
        arr.length = 0;
        for (let v = 0; v < sl.vs.length; v++) {
          const t = sl.vs[v]!;
          const e = this.postStart[t + 1]!;
          const at = gallop(pd, sl.cur[v]!, e, d);
          sl.cur[v] = at;
          if (at < e && pd[at] === d) {
            this.positions(t, at - this.postStart[t]!, tmp);
            for (const p of tmp) arr.push(p);
          }
        }
        if (sl.vs.length > 1) arr.sort((x, y) => x - y);
      }
      const leadAt = this.bounds[2 * d]!;
      const restAt = this.bounds[2 * d + 1]!;
      // a phrase start (relative offset 0) supported by every word, within an allowed field
      let ok = false;
      ptr.fill(0);
      const s0 = slots[0]!;
      for (const p of posArr[0]!) {
        const start = p - s0.off;
        const f = start < leadAt ? F_TITLE : start < restAt ? F_LEAD : F_REST;
        if ((f & mask) === 0) continue;
        ok = true;
        for (let j = 1; j < n && ok; j++) {
          const want = start + slots[j]!.off;
          const arr = posArr[j]!;
          let x = ptr[j]!;
          while (x < arr.length && arr[x]! < want) x++;
          ptr[j] = x;
          ok = x < arr.length && arr[x] === want;
        }
        if (ok) break;
      }
      if (!ok) continue;
      outDocs[m] = d;
      outScores[m++] = cand.scores[c]!;
    }
    return { docs: outDocs.subarray(0, m), scores: outScores.subarray(0, m) };
  }

  /** Union of result lists; scores summed (`max = false`) or maximum (`max = true`). */
  private union(lists: MatchResult[], max: boolean): MatchResult {
    const nonEmpty = lists.filter((l) => l.docs.length > 0);
    if (nonEmpty.length === 0) return EMPTY;
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    const acc = this.acc;
    const seen = this.seen;
    let total = 0;
    for (const l of nonEmpty) total += l.docs.length;
    const touched = new Uint32Array(Math.min(total, this.size));
    let nt = 0;
    for (const l of nonEmpty) {
      const docs = l.docs;
      const sc = l.scores;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        const s = sc[i]!;
        if (seen[d] === 0) {
          seen[d] = 1;
          acc[d] = s;
          touched[nt++] = d;
        } else if (max) {
          if (s > acc[d]!) acc[d] = s;
        } else acc[d]! += s;
      }
    }
    let docsOut: Uint32Array;
    if (nt > this.size >>> 3) {
      docsOut = new Uint32Array(nt);
      let j = 0;
      for (let d = 0; d < this.size; d++) if (seen[d] !== 0) docsOut[j++] = d;
    } else {
      docsOut = touched.subarray(0, nt).sort();
    }
    const scores = new Float64Array(nt);
    for (let i = 0; i < nt; i++) {
      const d = docsOut[i]!;
      scores[i] = acc[d]!;
      seen[d] = 0;
    }
    return { docs: docsOut, scores };
  }

  // ------------------------------------------------------------------ highlighting

  private marker(query: Query, fuzzy: boolean): Marker {
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
        if (fuzzy && leaf.fuzzy) for (const t of this.fuzzyTerms(leaf)) add(words, this.vocab[t]!, mask);
      } else if (leaf.type === 'prefix') {
        for (const t of this.prefixTerms(leaf.prefix)) add(words, this.vocab[t]!, mask);
      } else {
        phrases.push({ terms: leaf.terms, mask });
      }
    }
    return { terms, words, phrases };
  }

  /** Indexed words (non-stop) whose stem is `stemmed`. */
  private groupOf(stemmed: string): number[] {
    const g = this.stemGroup.get(stemmed);
    const out: number[] = [];
    if (g !== undefined) for (let i = this.groupStart[g]!; i < this.groupStart[g + 1]!; i++) out.push(this.groupWords[i]!);
    return out;
  }

  /** Highlighting hint for the text whose positions are `[from, to)`, from `hlAll`. */
  private hint(from: number, to: number): SpanHint {
    const all = this.hlAll;
    let length = 0;
    for (let i = 0; i < all.length; i++) {
      const x = all[i]!;
      if (x >= from && x < to && x - from + 1 > length) length = x - from + 1;
    }
    if (this.hlWant.length < length) this.hlWant = new Uint8Array(Math.max(length, 2 * this.hlWant.length));
    const want = this.hlWant;
    want.fill(0, 0, length);
    for (let i = 0; i < all.length; i++) {
      const x = all[i]!;
      if (x >= from && x < to) want[x - from] = 1;
    }
    return { start: from, want, length };
  }

  /**
   * Prepare `query` for highlighting many documents: the marker (what to mark), prefix and
   * fuzzy expansions and the index words to look up are computed once here instead of once per
   * document. Pass the result to {@link SearchIndex.highlight} in place of the query.
   */
  prepareHighlight(query: Query | string, opts?: { snippetLength?: number; fuzzy?: boolean }): HighlightPlan {
    const q = typeof query === 'string' ? this.parse(query) : query;
    const marker = this.marker(q, opts?.fuzzy === true);
    // Index words whose occurrences can be marked, each with the field mask it is marked in and
    // the key its spans are counted under (see findSpans: the token's stemmed term, or one key
    // per phrase). Every marked token's word is indexed (a non-stop token's term is the stem
    // of its word), so the postings tell which paragraphs can hold marks.
    const entries = new Map<string, { word: number; mask: number; key: string }>();
    const addEntry = (word: number, mask: number, key: string): void => {
      const id = `${word} ${key}`;
      const e = entries.get(id);
      if (e) e.mask |= mask;
      else entries.set(id, { word, mask, key });
    };
    for (const [t, mask] of marker.terms) for (const w of this.groupOf(t)) addEntry(w, mask, t);
    for (const [word, mask] of marker.words) {
      const w = this.wordId(word);
      if (w !== undefined) addEntry(w, mask, stem(word));
    }
    const phraseWords = new Set<number>();
    marker.phrases.forEach((p, pi) => {
      // A phrase occurrence contains one token of each slot: count the rarest slot's words.
      // (A token whose term is t has a word in t's stem group, or is the stop word t.)
      let best: number[] | null = null;
      let bestDf = Infinity;
      for (const t of p.terms) {
        const ws = this.groupOf(t);
        const stopWord = this.wordId(STOP_PREFIX + t);
        if (stopWord !== undefined) ws.push(stopWord);
        let df = 0;
        for (const w of ws) {
          df += this.df(w);
          phraseWords.add(w);
        }
        if (df < bestDf) {
          bestDf = df;
          best = ws;
        }
      }
      for (const w of best ?? []) addEntry(w, p.mask, `"${pi}`);
    });
    const list = [...entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.word - b.word));
    const words = new Uint32Array(list.length);
    const masks = new Uint8Array(list.length);
    const keys = new Uint32Array(list.length);
    let k = 0;
    list.forEach((e, i) => {
      if (i > 0 && e.key !== list[i - 1]!.key) k++;
      words[i] = e.word;
      masks[i] = e.mask;
      keys[i] = k;
    });
    for (const w of words) phraseWords.delete(w);
    return new HighlightPlan(marker, Math.max(20, opts?.snippetLength ?? 200), words, masks, keys, Uint32Array.from(phraseWords));
  }

  /**
   * Title and best snippet of document `doc` for `query`, with matched words and phrases in
   * `<mark>…</mark>` and all other text HTML-escaped. Negated parts are not marked. The snippet
   * is the densest window (most distinct matched terms, then most matches, then the earliest
   * paragraph) of about `snippetLength` characters (default 200) within one paragraph, cut at
   * word boundaries with `…`; without body matches it is the start of the lead.
   *
   * `query` may be a {@link HighlightPlan} from {@link SearchIndex.prepareHighlight} (then
   * `opts` is ignored: the plan carries them), which is much cheaper when highlighting several
   * documents for one query.
   *
   * Only the title and the paragraphs that the postings say contain matches are tokenised, best
   * candidates first, stopping when no remaining paragraph can beat the best window found.
   */
  highlight(doc: number, query: Query | string | HighlightPlan, opts?: { snippetLength?: number; fuzzy?: boolean }): Highlight {
    const d = this.docs[doc];
    if (d === undefined || !Number.isInteger(doc)) throw new RangeError(`no document ${doc}`);
    const plan = query instanceof HighlightPlan ? query : this.prepareHighlight(query, opts);
    const { marker, snippetLength: len } = plan;
    const base = this.paraOff[doc]!;
    const nP = Math.min(this.paraOff[doc + 1]! - base, d.paragraphs.length);
    // per paragraph: upper bounds of marked spans and distinct keys (from the postings)
    if (this.hlCount.length < nP) {
      const c = Math.max(nP, 2 * this.hlCount.length);
      this.hlCount = new Int32Array(c);
      this.hlDistinct = new Int32Array(c);
      this.hlStamp = new Int32Array(c);
    }
    const cnt = this.hlCount;
    const dist = this.hlDistinct;
    const stamp = this.hlStamp;
    cnt.fill(0, 0, nP);
    dist.fill(0, 0, nP);
    stamp.fill(0, 0, nP);
    const leadAt = this.bounds[2 * doc]!;
    const ps = this.paraStart;
    const pos = this.hlPos;
    // every position of doc that may hold a marked token or a token of a phrase occurrence
    const all = this.hlAll;
    all.length = 0;
    for (let e = 0; e < plan.phraseWords.length; e++) {
      const n = this.docPositions(plan.phraseWords[e]!, doc, pos);
      for (let j = 0; j < n; j++) all.push(pos[j]!);
    }
    let titleHit = false;
    for (let e = 0; e < plan.words.length; e++) {
      const n = this.docPositions(plan.words[e]!, doc, pos);
      if (n === 0) continue;
      for (let j = 0; j < n; j++) all.push(pos[j]!);
      const m = plan.masks[e]!;
      const key = plan.keys[e]! + 1;
      let p = 0;
      for (let j = 0; j < n; j++) {
        const x = pos[j]!;
        if (x < leadAt) {
          if (m & F_TITLE) titleHit = true;
          continue;
        }
        if (nP === 0) break;
        while (p + 1 < nP && ps[base + p + 1]! <= x) p++;
        if ((m & (p === 0 ? F_LEAD : F_REST)) === 0) continue;
        cnt[p]!++;
        if (stamp[p] !== key) {
          stamp[p] = key;
          dist[p]!++;
        }
      }
    }
    const cands: number[] = [];
    for (let p = 0; p < nP; p++) if (cnt[p]! > 0) cands.push(p);
    cands.sort((a, b) => dist[b]! - dist[a]! || cnt[b]! - cnt[a]! || a - b);
    let best: { para: number; spans: Span[]; start: number; end: number; distinct: number; count: number } | null = null;
    for (const p of cands) {
      const ubD = dist[p]!;
      const ubC = cnt[p]!;
      if (best !== null) {
        if (ubD < best.distinct) break; // sorted: nothing later can win
        if (ubD === best.distinct && (ubC < best.count || (ubC === best.count && p > best.para))) continue;
      }
      const from = ps[base + p]!;
      const spans = findSpans(d.paragraphs[p]!, p === 0 ? F_LEAD : F_REST, marker, this.hint(from, p + 1 < nP ? ps[base + p + 1]! : Infinity));
      if (spans.length === 0) continue;
      const w = bestWindow(spans, len);
      if (
        w &&
        (best === null ||
          w.distinct > best.distinct ||
          (w.distinct === best.distinct && (w.count > best.count || (w.count === best.count && p < best.para))))
      ) {
        best = { para: p, spans, ...w };
      }
    }
    const tSpans = titleHit ? findSpans(d.title, F_TITLE, marker, this.hint(0, leadAt)) : [];
    let snippet = '';
    const chosen = best as { para: number; spans: Span[]; start: number; end: number } | null;
    if (chosen !== null) {
      snippet = cutSnippet(d.paragraphs[chosen.para]!, chosen.spans, chosen.start, chosen.end, len);
    } else if (d.paragraphs.length > 0) {
      snippet = cutSnippet(d.paragraphs[0]!, [], 0, 0, len);
    }
    return { title: renderMarked(d.title, tSpans), titleMatched: tSpans.length > 0, snippet };
  }

  // ------------------------------------------------------------------ more like this

  /**
   * Documents most similar to `doc`: its `moreLikeThisTerms` most distinctive terms (tf-idf,
   * terms in at least 2 documents) as a weighted OR query; `doc` itself is excluded. Sorted by
   * descending score.
   */
  moreLikeThis(doc: number, limit: number): Array<{ doc: number; score: number }> {
    const d = this.docs[doc];
    if (d === undefined || !Number.isInteger(doc)) throw new RangeError(`no document ${doc}`);
    if (limit <= 0) return [];
    const tf = new Map<string, number>();
    const addText = (text: string, w: number): void => {
      scanTokens(text, (_t, _s, _e, _p, stop, _c, word) => {
        if (!stop) tf.set(word, (tf.get(word) ?? 0) + w);
      });
    };
    addText(d.title, this.options.titleBoost);
    d.paragraphs.forEach((p, i) => addText(p, i === 0 ? this.options.leadBoost : this.options.bodyBoost));
    const cands: Array<{ t: number; w: number }> = [];
    for (const [term, f] of tf) {
      const t = this.wordId(term);
      if (t === undefined) continue;
      const df = this.postStart[t + 1]! - this.postStart[t]!;
      if (df < 2 || df > this.size / 2) continue;
      cands.push({ t, w: (1 + Math.log(f)) * this.idf(df) });
    }
    cands.sort((a, b) => b.w - a.w || a.t - b.t);
    const top = cands.slice(0, this.options.moreLikeThisTerms);
    if (top.length === 0) return [];
    const maxW = top[0]!.w;
    const r = this.union(
      top.map((c) => this.termHits(c.t, 7, c.w / maxW)),
      false,
    );
    const ix = topK(r.docs, r.scores, limit + 1);
    const out: Array<{ doc: number; score: number }> = [];
    for (const i of ix) {
      const dd = r.docs[i]!;
      if (dd === doc) continue;
      if (out.length < limit) out.push({ doc: dd, score: r.scores[i]! });
    }
    return out;
  }

  /** Normalised terms of a query's positive parts (for display, e.g. "matched terms"). */
  queryTerms(query: Query | string): string[] {
    const q = typeof query === 'string' ? this.parse(query) : query;
    const out = new Set<string>();
    for (const leaf of positiveLeaves(q)) {
      if (leaf.type === 'term') out.add(leaf.term);
      else if (leaf.type === 'prefix') out.add(`${leaf.prefix}*`);
      else leaf.terms.forEach((t, i) => !leaf.stop[i] && out.add(t));
    }
    return [...out];
  }

  /** Tokens of a text (re-export convenience so callers need only the index). */
  static tokenize = tokenize;
}

/** First index in `[lo, hi)` with `a[i] >= x` (binary search). */
function lowerBound(a: Uint32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** First index in `[lo, hi)` with `a[i] >= x` (exponential then binary search). */
function gallop(a: Uint32Array, lo: number, hi: number, x: number): number {
  if (lo >= hi || a[lo]! >= x) return lo;
  let step = 1;
  let prev = lo;
  let cur = lo + 1;
  while (cur < hi && a[cur]! < x) {
    prev = cur;
    step *= 2;
    cur = lo + step;
  }
  let l = prev + 1;
  let h = Math.min(cur, hi);
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m]! < x) l = m + 1;
    else h = m;
  }
  return l;
}

function intersect(a: MatchResult, b: MatchResult): MatchResult {
  // a is the smaller list
  const n = a.docs.length;
  const docs = new Uint32Array(n);
  const scores = new Float64Array(n);
  let k = 0;
  let j = 0;
  const bd = b.docs;
  const bl = bd.length;
  for (let i = 0; i < n && j < bl; i++) {
    const d = a.docs[i]!;
    j = gallop(bd, j, bl, d);
    if (j < bl && bd[j] === d) {
      docs[k] = d;
      scores[k++] = a.scores[i]! + b.scores[j]!;
      j++;
    }
  }
  return { docs: docs.subarray(0, k), scores: scores.subarray(0, k) };
}

function subtract(a: MatchResult, remove: Uint32Array): MatchResult {
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

/** Reads the position lists' LEB128 varints (7 bits a byte, high bit = more) from an offset on. */
class VarintCursor {
  constructor(
    private readonly bytes: Uint8Array,
    public off: number,
  ) {}

  next(): number {
    let x = 0;
    let shift = 0;
    let v: number;
    do {
      v = this.bytes[this.off++]!;
      x |= (v & 0x7f) << shift;
      shift += 7;
    } while (v & 0x80);
    return x;
  }

  /** Skips `count` varints without decoding them. */
  skip(count: number): void {
    while (count > 0) if ((this.bytes[this.off++]! & 0x80) === 0) count--;
  }
}
