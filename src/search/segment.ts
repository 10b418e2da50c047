/**
 * A segment: the inverted index of one batch of documents, immutable once built (Lucene's and
 * tantivy's unit of indexing). Built by `segment-writer.ts`; read here (term dictionary,
 * postings, positions); a version of the index is a list of segments with their alive bits
 * (`search-index.ts`). Scores are not stored: a posting keeps raw per-field frequencies and the
 * BM25F weights are computed at query time from the statistics of the live segments, so the
 * same article scores the same whatever segment it sits in.
 *
 * ## Layout (typed arrays only; no per-term objects)
 *
 * - Term dictionary: sorted `string[]` of folded, unstemmed words; a word's number is its rank,
 *   so a prefix is a binary-searched range and a word is found by binary search.
 * - Postings: all words concatenated, word `t` owning `[postingStart[t], postingStart[t+1])` of
 *   - `postingDocs: Uint16Array`: the low 16 bits of the document numbers within the segment,
 *     ascending. A segment of more than {@link DOC_CHUNK} documents splits each word's postings
 *     into chunks of 65,536 document numbers: `postingChunkStart` holds, per word, where each
 *     chunk after the first starts (chunks − 1 posting indexes a word), so a posting's number is
 *     its chunk × 65,536 + its low bits. 2 bytes a posting instead of 4 (about 40 MB at 100,000
 *     articles, bench/RESULTS.md "session 7, s14heap"), still read in place: a loop walks a word's
 *     chunks, a seek gallops within the chunk of the number it looks for ({@link Segment.seek});
 *   - `postingFrequencies: Uint8Array`: a code of the posting's frequencies: occurrences in the
 *     title (low 4 bits, at most 15), the lead (next 4 bits, at most 15) and later paragraphs
 *     (high 8 bits, at most 255), packed in 16 bits ({@link packFrequencies}; BM25's saturation
 *     makes higher counts irrelevant). The segment's 255 commonest packed values have a code
 *     each (`frequencyValues`); code 255 means one of the rest, found by binary search in
 *     `frequencyOtherAt` (posting indexes, ascending) beside `frequencyOtherValue` (0.2% of
 *     postings on the synthetic corpus). 1 byte instead of 2 (about 20 MB at 100,000 articles).
 *     3 bytes per posting in all.
 * - Positions: one `Uint8Array`; for each posting, in posting order, its varint position
 *   deltas, after a varint count only when the frequencies cannot tell it (a field at its
 *   ceiling: 15, 15 or 255); otherwise the count is the three frequencies' sum and is not stored
 *   (1 byte a posting, about 20 MB at 100,000 articles). See {@link Segment.entryCount}. Every 64th posting of a word has its byte offset recorded
 *   (`positionBlockOffset`), so the positions of posting `i` are found by skipping at most 63
 *   entries. Positions number all words of the document; the title starts at 0 and each
 *   paragraph starts one position after the previous field's end, so consecutive positions
 *   never cross a field/paragraph boundary.
 * - Stop words are indexed too, under a `\0` prefix, only so that phrases containing them
 *   (`"state of the union"`) are matched exactly from positions. They never score on their own,
 *   are dropped from queries outside phrases, don't count in field lengths and never appear in
 *   prefix or fuzzy expansions.
 * - Stem groups: stem → the words sharing it (CSR layout), for stemmed matching at query time.
 * - Per document: title/lead boundary positions, paragraph start positions, the three field
 *   lengths.
 * - Resume points, for highlighting without re-tokenising whole paragraphs: per document
 *   (`resumePointStart`, bytes of `resumePointBytes`), for about every {@link RESUME_EVERY}th
 *   position of each text (title, paragraphs), the character offset and position of the word
 *   starting there, as varint pairs (position delta × 2 + 1 when the point is its text's first,
 *   then the offset, or the offset delta from the previous point of the same text). The
 *   highlighter reads the positions of the matched words from the postings and tokenises only
 *   from the nearest point before each: a few words instead of the paragraph up to the match.
 *   About 2 bytes per 16 words, 0.02x the raw text (a full offset per word would cost more
 *   than the positions; a point every 8th word cost twice that and measured no faster).
 *
 * The documents themselves are kept by reference (not copied) for highlighting, phrase
 * verification, more-like-this and merging.
 */
import type { SearchDocument } from './options.js';
import { gallop } from './postings.js';

/**
 * Stop words are indexed (positions only matter: they make phrases exact) under a prefixed key
 * so they never mix with a real term of the same spelling (`hers` stems to `her`), never show up
 * in prefix/fuzzy expansions (the prefix sorts before every letter) and are never searched alone.
 */
export const STOP_PREFIX = '\u0000';
/** Postings per position-offset checkpoint. */
export const POSITION_BLOCK = 64;
/** Positions between a text's resume points (see the layout above). */
export const RESUME_EVERY = 16;
/** Document numbers per chunk of a word's postings: a posting keeps the low 16 bits of its number. */
export const DOC_CHUNK = 65536;

/** Chunks of document numbers in a segment of `size` documents (at least one). */
export function docChunks(size: number): number {
  return Math.max(1, Math.ceil(size / DOC_CHUNK));
}

/** Field bits of a posting's frequencies (`postingFrequencies`). */
export function packFrequencies(title: number, lead: number, rest: number): number {
  return Math.min(title, 15) | (Math.min(lead, 15) << 4) | (Math.min(rest, 255) << 8);
}

/** The code of a posting whose packed frequencies have no code of their own (see the layout). */
export const OTHER_FREQUENCIES = 255;

/**
 * How many positions a posting with these packed frequencies has, or -1 when a field is at its
 * ceiling (the count may be higher: the positions store it).
 */
export function countOfFrequencies(packed: number): number {
  const title = packed & 15;
  const lead = (packed >>> 4) & 15;
  const rest = packed >>> 8;
  return title === 15 || lead === 15 || rest === 255 ? -1 : title + lead + rest;
}

/** Everything a segment is made of (what the writer produces and a snapshot stores). */
export interface SegmentParts {
  words: string[];
  /** The stem of each stem group, sorted: group g's stem is `stems[g]` (a sorted array, not a Map: a Map entry cost about 40 bytes a stem). */
  stems: string[];
  stemGroupStart: Uint32Array;
  stemGroupWords: Uint32Array;
  postingStart: Uint32Array;
  /** Low 16 bits of each posting's document number. */
  postingDocs: Uint16Array;
  /** Per word, where its postings of chunks 1 .. chunks − 1 start (empty for a segment of one chunk). */
  postingChunkStart: Uint32Array;
  /** Per posting, the code of its packed frequencies. */
  postingFrequencies: Uint8Array;
  /** Code → packed frequencies (at most 255 codes). */
  frequencyValues: Uint16Array;
  /** Postings coded {@link OTHER_FREQUENCIES}, ascending, and their packed frequencies. */
  frequencyOtherAt: Uint32Array;
  frequencyOtherValue: Uint16Array;
  positionBlockStart: Uint32Array;
  positionBlockOffset: Uint32Array;
  positionBytes: Uint8Array;
  fieldBoundaries: Uint32Array;
  paragraphOffset: Uint32Array;
  paragraphStart: Uint32Array;
  fieldLengths: Uint32Array;
  resumePointStart: Uint32Array;
  resumePointBytes: Uint8Array;
}

export class Segment {
  /** Number of documents (deleted ones included: deletes live in the index version's alive bits). */
  readonly size: number;
  readonly documents: readonly SearchDocument[];
  /** Sorted vocabulary (folded, unstemmed words; stop words with {@link STOP_PREFIX}). */
  readonly words: readonly string[];
  readonly postingStart: Uint32Array;
  /** Low 16 bits of each posting's document number (see the layout above: read through {@link chunkStart}, {@link docAt}, {@link seek}). */
  readonly postingDocs: Uint16Array;
  /** Chunks of {@link DOC_CHUNK} document numbers (1 for a segment of at most 65,536 documents). */
  readonly chunks: number;
  private readonly postingChunkStart: Uint32Array;
  /** Per posting, the code of its frequencies: read through {@link frequency} (a hot loop may read a code below {@link OTHER_FREQUENCIES} from `frequencyValues` itself). */
  readonly postingFrequencies: Uint8Array;
  /** Code → packed frequencies. */
  readonly frequencyValues: Uint16Array;
  /** Positions a posting of each code has, -1 when they store their count ({@link countOfFrequencies}). */
  private readonly countOfCode: Int32Array;
  private readonly frequencyOtherAt: Uint32Array;
  private readonly frequencyOtherValue: Uint16Array;
  readonly positionBlockStart: Uint32Array;
  readonly positionBlockOffset: Uint32Array;
  readonly positionBytes: Uint8Array;
  /** Stems, sorted; group g (stem `stems[g]`) owns `stemGroupWords[stemGroupStart[g] .. stemGroupStart[g+1])`. */
  private readonly stemList: readonly string[];
  private readonly stemGroupStart: Uint32Array;
  private readonly stemGroupWords: Uint32Array;
  /** Per document: [position where the lead starts, position where later paragraphs start]. */
  readonly fieldBoundaries: Uint32Array;
  /** Start position of every paragraph; document d's are `paragraphStart[paragraphOffset[d] .. paragraphOffset[d+1])`. */
  readonly paragraphOffset: Uint32Array;
  readonly paragraphStart: Uint32Array;
  /** Per document: [title, lead, rest] lengths in indexed (non-stop) tokens. */
  readonly fieldLengths: Uint32Array;
  /** Sum of each field's length over all documents. */
  readonly fieldLengthTotals: readonly [number, number, number];
  /** The longest field of any document (indexed tokens): how far a version's table of norms by length must reach. */
  readonly longestField: number;
  readonly parts: Readonly<SegmentParts>;
  /**
   * Structures derived from this segment's immutable data on first use (the fuzzy matcher's
   * vocabulary by length); they live and die with the segment.
   */
  private readonly derivedData = new Map<string, unknown>();

  constructor(documents: readonly SearchDocument[], parts: SegmentParts) {
    this.size = documents.length;
    this.documents = documents;
    this.parts = parts;
    this.words = parts.words;
    this.stemList = parts.stems;
    this.stemGroupStart = parts.stemGroupStart;
    this.stemGroupWords = parts.stemGroupWords;
    this.postingStart = parts.postingStart;
    this.postingDocs = parts.postingDocs;
    this.chunks = docChunks(this.size);
    this.postingChunkStart = parts.postingChunkStart;
    if (parts.postingChunkStart.length !== (this.chunks - 1) * parts.words.length) throw new RangeError(`${parts.postingChunkStart.length} chunk starts for ${parts.words.length} words in ${this.chunks} chunks`);
    this.postingFrequencies = parts.postingFrequencies;
    this.frequencyValues = parts.frequencyValues;
    this.countOfCode = Int32Array.from({ length: 256 }, (_, code) => (code < parts.frequencyValues.length && code !== OTHER_FREQUENCIES ? countOfFrequencies(parts.frequencyValues[code]!) : -1));
    this.frequencyOtherAt = parts.frequencyOtherAt;
    this.frequencyOtherValue = parts.frequencyOtherValue;
    this.positionBlockStart = parts.positionBlockStart;
    this.positionBlockOffset = parts.positionBlockOffset;
    this.positionBytes = parts.positionBytes;
    this.fieldBoundaries = parts.fieldBoundaries;
    this.paragraphOffset = parts.paragraphOffset;
    this.paragraphStart = parts.paragraphStart;
    this.fieldLengths = parts.fieldLengths;
    const totals: [number, number, number] = [0, 0, 0];
    let longest = 0;
    for (let d = 0; d < this.size; d++) {
      totals[0] += parts.fieldLengths[3 * d]!;
      totals[1] += parts.fieldLengths[3 * d + 1]!;
      totals[2] += parts.fieldLengths[3 * d + 2]!;
      longest = Math.max(longest, parts.fieldLengths[3 * d]!, parts.fieldLengths[3 * d + 1]!, parts.fieldLengths[3 * d + 2]!);
    }
    this.fieldLengthTotals = totals;
    this.longestField = longest;
  }

  /**
   * Number of an indexed word (folded, unstemmed; stop words with their prefix), or undefined.
   * Binary search of the sorted vocabulary (no word → number hash map to build and keep).
   */
  wordId(word: string): number | undefined {
    const words = this.words;
    const at = lowerBoundString(words, word);
    return at < words.length && words[at] === word ? at : undefined;
  }

  /** Postings of word `t` (documents containing it, deleted ones included). */
  postingCount(t: number): number {
    return this.postingStart[t + 1]! - this.postingStart[t]!;
  }

  /**
   * Posting index where word `t`'s postings of chunk `h` (document numbers from `h` × 65,536)
   * start; for `h` = {@link chunks}, the word's end. The postings of chunk `h` are
   * `[chunkStart(t, h), chunkStart(t, h + 1))`, their numbers `h` × 65,536 + `postingDocs[i]`.
   */
  chunkStart(t: number, h: number): number {
    if (h === 0) return this.postingStart[t]!;
    if (h >= this.chunks) return this.postingStart[t + 1]!;
    return this.postingChunkStart[t * (this.chunks - 1) + h - 1]!;
  }

  /** Document number of posting `i` (an index into the postings, within word `t`'s). */
  docAt(t: number, i: number): number {
    const chunks = this.chunks;
    if (chunks === 1) return this.postingDocs[i]!;
    const row = t * (chunks - 1);
    let h = 0;
    while (h + 1 < chunks && i >= this.postingChunkStart[row + h]!) h++;
    return h * DOC_CHUNK + this.postingDocs[i]!;
  }

  /**
   * First posting of word `t` at or after posting `from` (within the word's) whose document
   * number is `doc` or more; the word's end when there is none. Gallops from `from` within the
   * chunk of `doc` only: every posting of an earlier chunk is below it, every one of a later chunk above.
   */
  seek(t: number, from: number, doc: number): number {
    if (this.chunks === 1) return gallop(this.postingDocs, from, this.postingStart[t + 1]!, doc);
    const h = Math.floor(doc / DOC_CHUNK);
    if (h >= this.chunks) return this.postingStart[t + 1]!;
    const first = this.chunkStart(t, h);
    const lo = from > first ? from : first;
    const hi = this.chunkStart(t, h + 1);
    return lo >= hi ? lo : gallop(this.postingDocs, lo, hi, doc - h * DOC_CHUNK);
  }

  /** Packed frequencies of posting `i` ({@link packFrequencies}). */
  frequency(i: number): number {
    const code = this.postingFrequencies[i]!;
    return code !== OTHER_FREQUENCIES ? this.frequencyValues[code]! : this.otherFrequency(i);
  }

  private otherFrequency(i: number): number {
    const at = lowerBound(this.frequencyOtherAt, 0, this.frequencyOtherAt.length, i);
    if (this.frequencyOtherAt[at] !== i) throw new RangeError(`posting ${i} has no frequencies`);
    return this.frequencyOtherValue[at]!;
  }

  /**
   * The number of positions of posting `i`, whose entry `cursor` is at: the frequencies' sum, or
   * the count the entry starts with when a field is at its ceiling (then read, and the cursor moves past it).
   */
  entryCount(i: number, cursor: VarintCursor): number {
    const code = this.postingFrequencies[i]!;
    const count = this.countOfCode[code]!;
    if (count >= 0) return count;
    if (code === OTHER_FREQUENCIES) {
      const other = countOfFrequencies(this.otherFrequency(i));
      if (other >= 0) return other;
    }
    return cursor.next();
  }

  /** Whether posting `i` (found by {@link seek} for word `t`) is document `doc`'s. */
  holds(t: number, i: number, doc: number): boolean {
    if (i >= this.postingStart[t + 1]! || this.postingDocs[i] !== doc % DOC_CHUNK) return false;
    return this.chunks === 1 || this.docAt(t, i) === doc;
  }

  /** Word numbers `[first, end)` of the words starting with `prefix`. */
  prefixRange(prefix: string): [number, number] {
    const words = this.words;
    const first = lowerBoundString(words, prefix);
    let end = first;
    while (end < words.length && words[end]!.startsWith(prefix)) end++;
    return [first, end];
  }

  /** `build()`'s result, made once per segment and kept under `key`. */
  derived<T>(key: string, build: () => T): T {
    let value = this.derivedData.get(key) as T | undefined;
    if (value === undefined) {
      value = build();
      this.derivedData.set(key, value);
    }
    return value;
  }

  /** Indexed words (non-stop) whose stem is `stemmed`. */
  stemGroup(stemmed: string): number[] {
    const stems = this.stemList;
    const group = lowerBoundString(stems, stemmed);
    const out: number[] = [];
    if (group < stems.length && stems[group] === stemmed) for (let i = this.stemGroupStart[group]!; i < this.stemGroupStart[group + 1]!; i++) out.push(this.stemGroupWords[i]!);
    return out;
  }

  /** Stems of this segment's stem groups (for merging vocabularies across segments). */
  stems(): IterableIterator<string> {
    return this.stemList.values();
  }

  /**
   * Resume points of document `d` (see the layout above), in position order: `positions[k]` is
   * where scanning the text holding it may resume at character `offsets[k]`.
   */
  resumePoints(d: number): { positions: number[]; offsets: number[] } {
    const bytes = this.parts.resumePointBytes;
    const cursor = new VarintCursor(bytes, this.parts.resumePointStart[d]!);
    const end = this.parts.resumePointStart[d + 1]!;
    const positions: number[] = [];
    const offsets: number[] = [];
    let position = 0;
    let offset = 0;
    while (cursor.offset < end) {
      const step = cursor.next();
      position += step >>> 1;
      offset = (step & 1) === 1 ? cursor.next() : offset + cursor.next();
      positions.push(position);
      offsets.push(offset);
    }
    return { positions, offsets };
  }

  /**
   * Decode the positions of posting `i` (0-based within word `t`) into `out[0, count)`; returns
   * their count. Entries of `out` past the count are left as they were (the array is grown when
   * needed, never shrunk: setting a length is a runtime call, this runs per hit and word).
   */
  positions(t: number, i: number, out: number[]): number {
    const cursor = new VarintCursor(this.positionBytes, this.positionBlockOffset[this.positionBlockStart[t]! + Math.floor(i / POSITION_BLOCK)]!);
    const posting = this.postingStart[t]! + i;
    for (let j = posting - (i % POSITION_BLOCK); j < posting; j++) cursor.skip(this.entryCount(j, cursor));
    const count = this.entryCount(posting, cursor);
    let position = 0;
    for (let k = 0; k < count; k++) out[k] = position += cursor.next();
    return count;
  }

  /** Positions of word `t` in document `doc` into `out[0, count)` (as {@link positions}); returns their count (0 when `doc` lacks `t`). */
  docPositions(t: number, doc: number, out: number[]): number {
    const at = this.seek(t, this.postingStart[t]!, doc);
    if (!this.holds(t, at, doc)) return 0;
    return this.positions(t, at - this.postingStart[t]!, out);
  }

  /** A cursor at the first position entry of word `t` (positions of its postings in order; each entry's count from {@link entryCount}). */
  positionCursor(t: number): VarintCursor {
    return new VarintCursor(this.positionBytes, this.positionBlockOffset[this.positionBlockStart[t]!]!);
  }
}

/**
 * Positions of one word's postings, read for documents in ascending order (proximity over a
 * match list): the posting is found by galloping on from the previous one, and its positions by
 * skipping on from the previous entry read when that is nearer than the block's start.
 */
export class PositionReader {
  private readonly cursor: VarintCursor;
  /** Posting (0-based within the word) whose entry the cursor is at; -1 before the first read. */
  private entry = -1;
  private postingAt: number;

  constructor(
    private readonly segment: Segment,
    private readonly t: number,
  ) {
    this.cursor = new VarintCursor(segment.positionBytes, 0);
    this.postingAt = segment.postingStart[t]!;
  }

  /** Positions of the word in document `doc` into `out[0, count)` (as `Segment.positions`); returns their count (0 when `doc` lacks it). Documents must be asked for in ascending order. */
  docPositions(doc: number, out: number[]): number {
    const segment = this.segment;
    const start = segment.postingStart[this.t]!;
    const at = segment.seek(this.t, this.postingAt, doc);
    this.postingAt = at;
    if (!segment.holds(this.t, at, doc)) return 0;
    const i = at - start;
    const fromBlock = i % POSITION_BLOCK;
    if (this.entry < 0 || this.entry > i || i - this.entry > fromBlock) {
      this.cursor.offset = segment.positionBlockOffset[segment.positionBlockStart[this.t]! + (i - fromBlock) / POSITION_BLOCK]!;
      this.entry = i - fromBlock;
    }
    const cursor = this.cursor;
    for (; this.entry < i; this.entry++) cursor.skip(segment.entryCount(start + this.entry, cursor));
    const count = segment.entryCount(at, cursor);
    let position = 0;
    for (let k = 0; k < count; k++) out[k] = position += cursor.next();
    this.entry = i + 1;
    return count;
  }
}

/** First index in `[lo, hi)` with `a[i] >= x` (binary search). */
export function lowerBound(a: Uint32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** First index of a sorted string array with `a[i] >= x`. */
function lowerBoundString(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Reads the position lists' LEB128 varints (7 bits a byte, high bit = more) from an offset on. */
export class VarintCursor {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}

  next(): number {
    let x = 0;
    let shift = 0;
    let v: number;
    do {
      v = this.bytes[this.offset++]!;
      x |= (v & 0x7f) << shift;
      shift += 7;
    } while (v & 0x80);
    return x;
  }

  /** Skips `count` varints without decoding them. */
  skip(count: number): void {
    while (count > 0) if ((this.bytes[this.offset++]! & 0x80) === 0) count--;
  }
}
