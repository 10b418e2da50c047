/**
 * One version of the index as a reader sees it: a list of immutable segments, each with its
 * alive bits, and the collection statistics over the live documents (Lucene's IndexReader and
 * CollectionStatistics). Document numbers of a version run through the segments in order
 * (segment `i`'s document `d` is `base[i] + d`), deleted documents keep their numbers and are
 * skipped by every posting walk.
 *
 * Statistics are computed here, at version creation, over live documents only, and never
 * stored in a segment: document count, per-word document frequencies (on demand), average
 * field lengths and field norms. So an article scores exactly as it would in a full build of
 * the same articles, whatever segment it sits in and whatever was deleted. Making a version
 * costs the number of segments, not of documents: the deleted documents' field lengths are
 * summed by the delete that removes them (kept in the alive bits), and a norm is a function of
 * a field's length, so a version keeps one table by length instead of a norm per document.
 */
import type { SearchIndexOptions } from './options.js';
import { DOC_CHUNK, type Segment, STOP_PREFIX } from './segment.js';

/** Alive flags of one segment's documents, one bit each (copy-on-write: a delete makes a new set). */
export class AliveBits {
  private constructor(
    private readonly bits: Uint32Array,
    /** Number of deleted documents. */
    readonly deletedCount: number,
    /**
     * Sum of the deleted documents' title, lead and rest lengths, kept by each delete (a version's
     * average field lengths then need no pass over the segment's documents).
     */
    readonly deletedLengths: readonly [number, number, number],
  ) {}

  static all(size: number): AliveBits {
    return new AliveBits(new Uint32Array((size + 31) >>> 5).fill(0xffffffff), 0, [0, 0, 0]);
  }

  has(doc: number): boolean {
    return ((this.bits[doc >>> 5]! >>> (doc & 31)) & 1) === 1;
  }

  /** A new set with `docs` (segment document numbers) deleted as well; `fieldLengths`: the segment's (3 per document). */
  without(docs: Iterable<number>, fieldLengths: Uint32Array): AliveBits {
    const bits = this.bits.slice();
    let deleted = this.deletedCount;
    const lengths: [number, number, number] = [...this.deletedLengths];
    for (const d of docs) {
      const mask = 1 << (d & 31);
      if ((bits[d >>> 5]! & mask) !== 0) {
        bits[d >>> 5]! &= ~mask;
        deleted++;
        for (let f = 0; f < 3; f++) lengths[f]! += fieldLengths[3 * d + f]!;
      }
    }
    return new AliveBits(bits, deleted, lengths);
  }
}

/** A segment in one version: where its documents are numbered from, and which are alive. */
export interface SegmentView {
  readonly segment: Segment;
  /** Alive bits, or null when no document of the segment is deleted. */
  readonly alive: AliveBits | null;
}

/** Placement of a segment in a version. */
export interface PlacedSegment extends SegmentView {
  /** Version document number of the segment's document 0. */
  readonly base: number;
  /** Live documents. */
  readonly liveCount: number;
  /** Per document: BM25F field weight `boost_f / (1 − b + b · len_f / avglen_f)` for title, lead, rest. */
  readonly fieldNorms: FieldNorms;
}

/**
 * Lengths up to this are looked up in a version's norm table; longer fields (rare: a very long
 * article's rest) have their norm computed when asked, by the same expression.
 */
const NORM_TABLE_LENGTHS = 1 << 14;

/**
 * The BM25F field weights of one segment's documents in one version: `of(d, f)` is
 * `boost_f / (1 − b + b · len_f / avglen_f)` for document `d`'s field `f` (0 title, 1 lead,
 * 2 rest), read from the version's table by length (shared by all its segments).
 */
export class FieldNorms {
  constructor(
    private readonly lengths: Uint32Array,
    private readonly table: NormTable,
  ) {}

  of(d: number, f: number): number {
    const length = this.lengths[3 * d + f]!;
    const table = this.table;
    return length < table.stride ? table.norms[f * table.stride + length]! : table.compute(f, length);
  }
}

/** A version's field norms by length: `norms[f * stride + length]` for lengths below `stride`. */
class NormTable {
  readonly norms: Float64Array;

  constructor(
    readonly stride: number,
    private readonly average: readonly [number, number, number],
    private readonly boosts: readonly [number, number, number],
    private readonly b: number,
  ) {
    this.norms = new Float64Array(3 * stride);
    for (let f = 0; f < 3; f++) for (let length = 0; length < stride; length++) this.norms[f * stride + length] = this.compute(f, length);
  }

  compute(f: number, length: number): number {
    const avg = this.average[f]!;
    return avg > 0 ? this.boosts[f]! / (1 - this.b + (this.b * length) / avg) : 0;
  }
}

export class IndexReader {
  /** Effective options (defaults merged). */
  readonly options: Readonly<SearchIndexOptions>;
  readonly segments: readonly PlacedSegment[];
  /** Number of live documents. */
  readonly size: number;
  /** Document numbers in use (live and deleted): every document number is below this. */
  readonly documentSpace: number;
  /** Average length of title, lead and rest over live documents. */
  readonly averageFieldLength: readonly [number, number, number];
  private readonly bases: Uint32Array;

  protected constructor(views: readonly SegmentView[], options: Readonly<SearchIndexOptions>) {
    this.options = options;
    let base = 0;
    let live = 0;
    const totals = [0, 0, 0];
    const lives: number[] = [];
    let longest = 0;
    for (const view of views) {
      const segment = view.segment;
      let liveCount = segment.size;
      const deleted = view.alive !== null && view.alive.deletedCount > 0 ? view.alive : null;
      if (deleted !== null) liveCount -= deleted.deletedCount;
      for (let f = 0; f < 3; f++) totals[f]! += segment.fieldLengthTotals[f]! - (deleted?.deletedLengths[f] ?? 0);
      lives.push(liveCount);
      live += liveCount;
      longest = Math.max(longest, segment.longestField);
    }
    this.size = live;
    const average = totals.map((t) => (live > 0 ? t / live : 0)) as [number, number, number];
    this.averageFieldLength = average;
    const { b, titleBoost, leadBoost, bodyBoost } = options;
    const table = new NormTable(Math.min(longest + 1, NORM_TABLE_LENGTHS), average, [titleBoost, leadBoost, bodyBoost], b);
    const placed: PlacedSegment[] = [];
    this.bases = new Uint32Array(views.length);
    views.forEach((view, i) => {
      const segment = view.segment;
      const alive = view.alive !== null && view.alive.deletedCount > 0 ? view.alive : null;
      placed.push({ segment, alive, base, liveCount: lives[i]!, fieldNorms: new FieldNorms(segment.fieldLengths, table) });
      this.bases[i] = base;
      base += segment.size;
    });
    this.segments = placed;
    this.documentSpace = base;
  }

  /** Index into `segments` of the segment holding version document `doc` (-1 if none). */
  segmentOf(doc: number): number {
    const bases = this.bases;
    let lo = 0;
    let hi = bases.length - 1;
    if (hi < 0 || doc >= this.documentSpace || doc < 0) return -1;
    while (lo < hi) {
      const m = (lo + hi + 1) >>> 1;
      if (bases[m]! <= doc) lo = m;
      else hi = m - 1;
    }
    // empty segments share a base with the next one: take the last segment starting at or before doc
    return lo;
  }

  /** True when `doc` is a live document of this version. */
  isLive(doc: number): boolean {
    if (!Number.isInteger(doc)) return false;
    const s = this.segmentOf(doc);
    if (s < 0) return false;
    const placed = this.segments[s]!;
    return placed.alive === null || placed.alive.has(doc - placed.base);
  }

  /** Live documents of segment `placed` holding word `t`. */
  segmentDocFreq(placed: PlacedSegment, t: number): number {
    return this.liveDocFreq(placed, t);
  }

  protected liveDocFreq(placed: PlacedSegment, t: number): number {
    const segment = placed.segment;
    const start = segment.postingStart[t]!;
    const end = segment.postingStart[t + 1]!;
    const alive = placed.alive;
    if (alive === null) return end - start;
    let n = 0;
    for (let h = 0, i = start; h < segment.chunks; h++) {
      const high = h * DOC_CHUNK;
      for (const to = segment.chunkStart(t, h + 1); i < to; i++) if (alive.has(high + segment.postingDocs[i]!)) n++;
    }
    return n;
  }

  /**
   * Live documents of segment `placed` whose headline holds word `t`, from the postings'
   * frequency codes (no positions read). A segment without deletions keeps each word's count once
   * counted (`Segment.derived`: a small map of the words queries asked for, living and dying with
   * the segment), so a word's postings are scanned for it once, not on every query.
   */
  segmentHeadlineDocFreq(placed: PlacedSegment, t: number): number {
    const segment = placed.segment;
    if (placed.alive !== null) return headlinePostings(segment, t, placed.alive);
    const counted = segment.derived('headlineDocFreq', () => new Map<number, number>());
    let n = counted.get(t);
    if (n === undefined) counted.set(t, (n = headlinePostings(segment, t, null)));
    return n;
  }

  /**
   * What a word's headline count is multiplied by in BM25F (`headlineIdf`, options.ts): its idf
   * over headlines (`headlineDf` articles' headlines hold it) over its idf (`df` articles), or 1
   * when the option is off or no headline holds it.
   */
  headlineWeight(df: number, headlineDf: number): number {
    return this.options.headlineIdf && headlineDf > 0 ? this.idf(headlineDf) / this.idf(df) : 1;
  }

  /** Number of live documents containing `word` (folded, unstemmed; stop words with their prefix). */
  wordDocFreq(word: string): number {
    let df = 0;
    for (const placed of this.segments) {
      const t = placed.segment.wordId(word);
      if (t !== undefined) df += this.liveDocFreq(placed, t);
    }
    return df;
  }

  /** BM25 inverse document frequency over the live documents. */
  idf(df: number): number {
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Words (non-stop) of live documents sharing the stem `stemmed`, in sorted order. */
  stemVariants(stemmed: string): string[] {
    const out = new Set<string>();
    for (const placed of this.segments) {
      for (const t of placed.segment.stemGroup(stemmed)) {
        const word = placed.segment.words[t]!;
        // live here (its number is known: no dictionary search), else anywhere (wordDocFreq)
        if (!out.has(word) && (this.liveDocFreq(placed, t) > 0 || this.wordDocFreq(word) > 0)) out.add(word);
      }
    }
    return [...out].sort();
  }

  /** Words (non-stop) of live documents starting with `prefix`, sorted, each with its document frequency. */
  prefixWords(prefix: string): Array<{ word: string; df: number }> {
    if (prefix.startsWith(STOP_PREFIX)) return [];
    const dfOf = new Map<string, number>();
    for (const placed of this.segments) {
      const [first, end] = placed.segment.prefixRange(prefix);
      for (let t = first; t < end; t++) {
        const df = this.liveDocFreq(placed, t);
        if (df === 0) continue;
        const word = placed.segment.words[t]!;
        dfOf.set(word, (dfOf.get(word) ?? 0) + df);
      }
    }
    return [...dfOf].sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([word, df]) => ({ word, df }));
  }
}

/** Postings of word `t` in `segment` whose headline count is not zero, of live documents when `alive` is given. */
function headlinePostings(segment: Segment, t: number, alive: AliveBits | null): number {
  let n = 0;
  if (alive === null) {
    for (let i = segment.postingStart[t]!, end = segment.postingStart[t + 1]!; i < end; i++) if ((segment.frequency(i) & 15) !== 0) n++;
    return n;
  }
  for (let h = 0, i = segment.postingStart[t]!; h < segment.chunks; h++) {
    const high = h * DOC_CHUNK;
    for (const to = segment.chunkStart(t, h + 1); i < to; i++) if ((segment.frequency(i) & 15) !== 0 && alive.has(high + segment.postingDocs[i]!)) n++;
  }
  return n;
}

/**
 * Word lookups of one query execution, remembered: a word's number in each segment and its live
 * document frequency are found once per query, however many times stemming, scoring and idf
 * ask (with many segments the repeated dictionary searches would otherwise dominate). Owned by
 * one execution, never shared.
 */
export class WordLookups {
  private readonly words = new Map<string, { df: number; ids: Int32Array; headlineWeight?: number }>();
  private readonly variants = new Map<string, string[]>();

  constructor(readonly reader: IndexReader) {}

  /** The word's number in each segment (-1: absent) and its live document frequency. */
  get(word: string): { df: number; ids: Int32Array; headlineWeight?: number } {
    let found = this.words.get(word);
    if (found === undefined) {
      const segments = this.reader.segments;
      const ids = new Int32Array(segments.length).fill(-1);
      let df = 0;
      segments.forEach((placed, s) => {
        const t = placed.segment.wordId(word);
        if (t === undefined) return;
        ids[s] = t;
        df += this.reader.segmentDocFreq(placed, t);
      });
      found = { df, ids };
      this.words.set(word, found);
    }
    return found;
  }

  docFreq(word: string): number {
    return this.get(word).df;
  }

  /** {@link IndexReader.headlineWeight} of `word`, its headline document frequency counted once per query (only when the option is on). */
  headlineWeight(word: string): number {
    const found = this.get(word);
    if (found.headlineWeight === undefined) {
      let headlineDf = 0;
      if (this.reader.options.headlineIdf && found.df > 0) {
        const segments = this.reader.segments;
        for (let s = 0; s < segments.length; s++) if (found.ids[s]! >= 0) headlineDf += this.reader.segmentHeadlineDocFreq(segments[s]!, found.ids[s]!);
      }
      found.headlineWeight = this.reader.headlineWeight(found.df, headlineDf);
    }
    return found.headlineWeight;
  }

  /** {@link IndexReader.stemVariants}, remembered. */
  stemVariants(stemmed: string): string[] {
    let out = this.variants.get(stemmed);
    if (out === undefined) {
      const words = new Set<string>();
      for (const placed of this.reader.segments) for (const t of placed.segment.stemGroup(stemmed)) words.add(placed.segment.words[t]!);
      out = [...words].filter((w) => this.docFreq(w) > 0).sort();
      this.variants.set(stemmed, out);
    }
    return out.slice();
  }
}
