/**
 * Stories: near-duplicate articles (one wire report reprinted, trimmed, extended or lightly
 * edited by several outlets) grouped into one story, kept up to date one article at a time.
 *
 * How a pair is found and confirmed:
 *
 * 1. **Shingles.** The article's text (lead and paragraphs; the headline is left out because
 *    outlets rewrite it) is cut into words (letters and digits, case- and accent-folded), and
 *    every run of `shingleWords` consecutive words is hashed to 32 bits. The distinct hashes are
 *    the article's shingle set.
 * 2. **Signature (MinHash).** One-permutation MinHash with optimal densification: each shingle
 *    hash falls in one of `bands × rows` bins and each bin keeps its smallest value; an empty bin
 *    (short articles) borrows the value of a bin chosen by a fixed hash sequence, so two articles
 *    fill it the same way. The fraction of equal bins estimates the Jaccard similarity J of the
 *    two shingle sets, at one hash per shingle instead of one per shingle and bin.
 * 3. **Candidates (banded LSH).** The signature is cut into `bands` bands of `rows` bins; each band
 *    is hashed to a bucket key. Articles sharing a bucket are candidates. Two articles with
 *    Jaccard J share at least one bucket with probability 1 − (1 − J^rows)^bands.
 * 4. **Confirmation.** A candidate pair is a near-duplicate when the estimated J is at least
 *    `minJaccard` and the estimated *overlap* (shared shingles over the smaller set:
 *    J·(|A|+|B|) / ((1+J)·min(|A|,|B|)), exact for exact J) is at least `minOverlap`. Overlap is
 *    what makes a trimmed copy (half the text, all of it shared) or a copy with an outlet's own
 *    paragraphs count, where Jaccard alone would be low. Both thresholds were chosen on labelled
 *    pairs (bench/near-duplicates-bench.ts; figures in bench/RESULTS.md).
 *
 * Stories are the connected components of the confirmed pairs. `add` links the new article to
 * its confirmed neighbours and merges their stories (the smaller into the larger);
 * `remove` drops its links and splits its old story again by walking only that story's
 * links, so neither ever recomputes other stories. Components chain: an article that copies
 * two reports joins both into one story (the bench's "grouped" figures count such chains).
 * A story's id is the id of its first-published article (earliest date; undated after dated;
 * then the smallest id), so it is stable for as long as that article is in the story.
 *
 * Plain TypeScript: no I/O, no module state.
 */

import { BucketTable, type BucketTableParts } from './lsh-buckets.js';

export interface NearDuplicateOptions {
  /** Words per shingle. Three words: long enough that common phrases rarely match, short enough that an edit breaks few shingles. */
  shingleWords: number;
  /** LSH bands (more bands: more candidate pairs at lower similarity, more bucket work). */
  bands: number;
  /** Signature bins per band (more rows: fewer chance candidates). The signature has bands × rows bins. */
  rows: number;
  /** Least estimated Jaccard similarity of a confirmed pair. */
  minJaccard: number;
  /** Least estimated overlap (shared shingles over the smaller shingle set) of a confirmed pair. */
  minOverlap: number;
  /** Articles with fewer distinct shingles than this stay alone: a few words say too little to call two texts copies. */
  minShingles: number;
}

/**
 * Defaults measured on labelled pairs (bench/near-duplicates-bench.ts, bench/RESULTS.md): the
 * thresholds were chosen on the training half; 75 bands of 2 rows (150 bins) because heavily
 * edited wire copies share only 0.1-0.3 of their shingles: a pair with J = 0.2 is a candidate
 * 95 % of the time (50 bands of 3 rows: 33 %), at the cost of more chance candidates
 * (J = 0.05: 17 %), each one signature comparison.
 */
export const DEFAULT_NEAR_DUPLICATE_OPTIONS: Readonly<NearDuplicateOptions> = Object.freeze({
  shingleWords: 3,
  bands: 75,
  rows: 2,
  minJaccard: 0.06,
  minOverlap: 0.25,
  minShingles: 10,
});

/** What the grouping needs to know about an article. */
export interface StoryDocument {
  id: string;
  /** The text compared: lead and paragraphs, not the headline. */
  paragraphs: readonly string[];
  /** Epoch ms of publication, NaN when undated (decides the story's first article). */
  publishedMs: number;
  /** The caller's name for this version of the text (a content hash), so it can tell what changed. */
  revision?: string;
}

/** A StoryIndex as flat arrays, member by member (see StoryIndex.dump). */
export interface StoryIndexDump {
  ids: string[];
  revisions: Array<string | null>;
  publishedMs: Float64Array;
  /** Signature slot of each member; -1 for a text too short to compare. */
  slots: Int32Array;
  shingles: Uint32Array;
  /** Confirmed pairs, as member positions two by two. */
  links: Uint32Array;
  /** Signatures by slot (slot × bins); a free slot's bins are whatever they were. */
  signatures: Uint16Array;
  /** The LSH bucket table over the slots, so a restore does not rebuild it (absent: rebuilt from the signatures). */
  buckets?: BucketTableParts;
}

/** An article's shingle set, summarised. */
export interface Fingerprint {
  /** Distinct shingles in the text. */
  shingles: number;
  /**
   * MinHash signature (bands × rows bins), each bin's minimum narrowed to its low 16 bits;
   * empty when the text has fewer than minShingles shingles.
   */
  signature: Uint16Array;
}

const WORD = /[\p{L}\p{N}]+/gu;
const EMPTY = 0xffffffff;

/** 32-bit FNV-1a over a string, then a murmur3 finaliser so the low bits are usable for bins. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix(h);
}

function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The words compared: lower-case, accents folded (so an outlet's spelling of "café" does not matter). */
export function storyWords(paragraphs: readonly string[]): string[] {
  let text = paragraphs.join('\n');
  // Folding accents is the slow part; most English text has none to fold.
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
  if (/[^\u0000-\u007f]/u.test(text)) text = text.normalize('NFKD').replace(/\p{M}+/gu, '');
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * Distinct shingle hashes of a text, sorted. Each word is hashed once and a shingle's hash
 * combines its words' hashes in order, so no shingle string is ever built; a typed array sorted
 * and deduplicated in place is several times faster than a Set of 32-bit numbers.
 */
export function shingleSet(paragraphs: readonly string[], shingleWords = DEFAULT_NEAR_DUPLICATE_OPTIONS.shingleWords): Uint32Array {
  const hashes = asciiWordHashes(paragraphs) ?? Uint32Array.from(storyWords(paragraphs), (w) => hashString(w));
  const width = Math.min(shingleWords, hashes.length);
  if (width === 0) return new Uint32Array(0);
  const all = new Uint32Array(hashes.length - width + 1);
  for (let i = 0; i < all.length; i++) {
    let h = 0x9747b28c;
    for (let k = 0; k < width; k++) h = mix(Math.imul(h ^ hashes[i + k]!, 0x01000193) + k);
    all[i] = h;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i]!;
  return all.subarray(0, n);
}

/**
 * Per UTF-16 code unit from 0x80: 1 when it is a separator that folding leaves as it is (no
 * decomposition, not a letter, digit or mark, no lower case: `£`, `’`, `—`, a no-break space is
 * not one, it decomposes), 2 when not (letters, marks, surrogates...), 0 not yet known. A memo of
 * a pure function of the code unit, filled as texts meet them.
 */
const PLAIN_SEPARATOR = new Uint8Array(0x10000);
const WORD_OR_MARK = /[\p{L}\p{N}\p{M}]/u;

function plainSeparator(c: number): boolean {
  let known = PLAIN_SEPARATOR[c]!;
  if (known === 0) {
    const ch = String.fromCharCode(c);
    const plain = (c < 0xd800 || c > 0xdfff) && !WORD_OR_MARK.test(ch) && ch.normalize('NFKD') === ch && ch.toLowerCase() === ch;
    PLAIN_SEPARATOR[c] = known = plain ? 1 : 2;
  }
  return known === 1;
}

/** Per ASCII code: the lower-case letter or digit a word character folds to, 0 for a separator (one read instead of three range tests). */
const ASCII_WORD_CHARACTER = Uint8Array.from({ length: 0x80 }, (_, c) => ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ? c : c >= 0x41 && c <= 0x5a ? c + 0x20 : 0));

/**
 * The hashes of {@link storyWords} (each `hashString(word)`) made in one pass over the
 * characters, without the joined text, its folded and lower-case copies or any word string
 * (most of a replica's story fingerprinting at 100,000 articles), for a text whose words are
 * ASCII letters and digits and whose other characters are separators folding leaves alone
 * (`£`, curly quotes: see {@link plainSeparator}; none of them moves in NFKD, which reorders
 * marks only); null for any other text (then folding and Unicode classes decide).
 */
function asciiWordHashes(paragraphs: readonly string[]): Uint32Array | null {
  let length = 0;
  for (const p of paragraphs) length += p.length + 1;
  const out = new Uint32Array((length + 1) >>> 1);
  let count = 0;
  for (const p of paragraphs) {
    let h = 0;
    let inWord = false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      let folded = 0;
      if (c < 0x80) folded = ASCII_WORD_CHARACTER[c]!;
      else if (!plainSeparator(c)) return null;
      if (folded !== 0) {
        if (!inWord) {
          h = 0x811c9dc5;
          inWord = true;
        }
        h ^= folded;
        h = Math.imul(h, 0x01000193);
      } else if (inWord) {
        out[count++] = mix(h);
        inWord = false;
      }
    }
    // Paragraphs are joined with a line break: a word never runs on into the next paragraph.
    if (inWord) out[count++] = mix(h);
  }
  return out.subarray(0, count);
}

/**
 * One-permutation MinHash with optimal densification (Shrivastava, ICML 2017). Each bin keeps the
 * low 16 bits of its minimum (b-bit MinHash, Li and König, 2010): two different minima look equal
 * once in 65,536 bins, a bias of 0.00002 on a similarity estimate, and a 100,000-article story
 * index keeps 30 MB less (300 bytes an article).
 */
export function minHash(shingles: Iterable<number>, bins: number): Uint16Array {
  return minHashOf(shingles instanceof Uint32Array ? shingles : Uint32Array.from(shingles), bins);
}

/**
 * {@link minHash} of a typed array, read by index (a replica's start signs 100,000 texts: the
 * iterator protocol and a second full-width copy of the bins cost a fifth of it).
 */
function minHashOf(shingles: Uint32Array, bins: number): Uint16Array {
  const sig = new Uint32Array(bins).fill(EMPTY);
  let filled = 0;
  for (let i = 0; i < shingles.length; i++) {
    const h = shingles[i]!;
    // h % bins, without a floating-point remainder (a shingle hash is often past 2^31, so not an int32 to V8):
    // a 32-bit number's quotient by bins floors exactly (its rounding error is below 2^-21 / bins, its fraction 0 or at least 1 / bins)
    const bin = h - Math.floor(h / bins) * bins;
    // The value within a bin must not depend on the bin choice, or equal bins would mean little.
    const v = mix(h ^ 0x9e3779b9) >>> 1; // 31 bits: EMPTY can never be a value
    const kept = sig[bin]!;
    if (kept === EMPTY) filled++;
    if (v < kept) sig[bin] = v;
  }
  const out = new Uint16Array(bins);
  for (let i = 0; i < bins; i++) {
    let value = sig[i]!;
    // An empty bin of a text with some filled (none filled: an empty text, every bin stays 0xffff).
    // The same probe sequence for bin i in every document: an empty bin copies the same donor bin
    // whenever that donor is filled in both, so equal bins still estimate Jaccard without bias.
    for (let attempt = 1; value === EMPTY && filled > 0; attempt++) value = sig[mix(Math.imul(i + 1, 0x27d4eb2d) ^ Math.imul(attempt, 0x165667b1)) % bins]!;
    out[i] = value & 0xffff;
  }
  return out;
}

export function fingerprint(paragraphs: readonly string[], o: NearDuplicateOptions = DEFAULT_NEAR_DUPLICATE_OPTIONS): Fingerprint {
  const set = shingleSet(paragraphs, o.shingleWords);
  return { shingles: set.length, signature: set.length < o.minShingles ? new Uint16Array(0) : minHashOf(set, o.bands * o.rows) };
}

/** Estimated Jaccard similarity and overlap (shared shingles over the smaller set) of two fingerprints. */
export function similarity(a: Fingerprint, b: Fingerprint): { jaccard: number; overlap: number } {
  const n = a.signature.length;
  if (n === 0 || n !== b.signature.length) return { jaccard: 0, overlap: 0 };
  return estimate(a.signature, 0, a.shingles, b.signature, 0, b.shingles, n);
}

/** The estimate over signatures stored anywhere (the index keeps its own in one array). */
function estimate(sa: Uint16Array, offA: number, shinglesA: number, sb: Uint16Array, offB: number, shinglesB: number, bins: number): { jaccard: number; overlap: number } {
  let same = 0;
  for (let i = 0; i < bins; i++) if (sa[offA + i] === sb[offB + i]) same++;
  const jaccard = same / bins;
  const overlap = Math.min(1, (jaccard * (shinglesA + shinglesB)) / ((1 + jaccard) * Math.min(shinglesA, shinglesB)));
  return { jaccard, overlap };
}

const passes = (s: { jaccard: number; overlap: number }, o: NearDuplicateOptions) => s.jaccard >= o.minJaccard && s.overlap >= o.minOverlap;

/** Whether two fingerprints are near-duplicates under the options' thresholds. */
export function isNearDuplicate(a: Fingerprint, b: Fingerprint, o: NearDuplicateOptions = DEFAULT_NEAR_DUPLICATE_OPTIONS): boolean {
  return passes(similarity(a, b), o);
}

/**
 * A story of several articles, by member number (see StoryIndex): an article alone has none (a
 * group and its `Set` for every article cost about 150 bytes each, 15 MB at 100,000 articles).
 */
interface StoryGroup {
  members: Set<number>;
  first: number;
}

/** A story as callers see it. */
export interface Story {
  /** The id of its first-published article. */
  id: string;
  size: number;
  /** Article ids, first-published first. */
  articleIds: string[];
}

/** An article id's key in the member table (a non-negative 30-bit integer, as a BucketTable takes). */
const idKey = (id: string): number => hashString(id) >>> 2;

/** Room for `need` entries in a column of `length`: half as large again, at least `need`. */
const grownLength = (length: number, need: number) => Math.max(need, Math.ceil(length * 1.5));

/** A member or slot column: dates, numbers, counts. */
type Column = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;

/** A copy of `column` with room for `length` entries, of the same type; the new entries are `fill`. */
function grown<T extends Column>(column: T, length: number, fill = 0): T {
  const bigger = new (column.constructor as new (length: number) => T)(length);
  if (fill !== 0) bigger.fill(fill, column.length);
  bigger.set(column);
  return bigger;
}

/**
 * The stories of a changing set of articles: `add` and `remove` one article at a time; each
 * touches only the article's LSH buckets and its own story.
 *
 * Each article held is a *member number* (reused after a removal) into columns: its id, revision,
 * date, signature slot and shingle count. An object per article (with its date boxed) cost about
 * 100 bytes more each, 10 MB at 100,000 articles (bench/RESULTS.md, "Heap, session 9"). Links and
 * stories of several articles, which most articles lack, are kept in maps by member number.
 */
export class StoryIndex {
  readonly options: Readonly<NearDuplicateOptions>;
  /**
   * Member numbers by a 30-bit hash of the id, confirmed by the member's id (nothing stored
   * twice): a `Map` from id to member cost about 37 bytes an entry, this about 6 (3 MB less at
   * 100,000 articles).
   */
  private readonly byId = new BucketTable((member) => idKey(this.idAt[member]!));
  /** Articles held. */
  private count = 0;
  /** Per member number: its article id, undefined for a free number. */
  private readonly idAt: Array<string | undefined> = [];
  /** Per member number: the revision it was added with (null when none was given). */
  private readonly revisionAt: Array<string | null> = [];
  /** Per member number: epoch ms of publication (NaN when undated). */
  private publishedAt = new Float64Array(64);
  /** Per member number: its place in the signature array and bucket table; -1 when the text is too short to compare. */
  private slotAt = new Int32Array(64).fill(-1);
  /** Per member number: distinct shingles in its text. */
  private shinglesAt = new Uint32Array(64);
  private readonly freeMembers: number[] = [];
  /** Confirmed near-duplicates of the members that have any (most have none). */
  private readonly linksAt = new Map<number, number[]>();
  /** The story of each member that has others in it; a member absent is alone. */
  private readonly groupAt = new Map<number, StoryGroup>();
  /**
   * Member number by slot (-1: free); slots of removed articles are reused. Signatures live in
   * one array (slot × bins), not one typed array each: a typed array's own overhead is about
   * 200 bytes, two thirds of a signature.
   */
  private memberAtSlot = new Int32Array(64).fill(-1);
  /** Slots made so far (free ones included). */
  private slots = 0;
  private readonly freeSlots: number[] = [];
  private signatures: Uint16Array;
  /**
   * Bucket values are `slot × bands + band`: a value's key is that band's hash of the slot's
   * signature (nothing stored twice). A key tells its band too (`key % bands`), so the table keeps
   * only the slot of a value (3 bytes a position, see lsh-buckets.ts).
   */
  private readonly buckets: BucketTable;
  /** Candidate pairs confirmed or refused so far: the work LSH let through (bench/near-duplicates-bench.ts reports it). */
  comparisons = 0;
  /** Adds and removes so far: a copy of the stories made at this count is still exact (corpus/stories.ts). */
  edits = 0;

  constructor(options: Partial<NearDuplicateOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_NEAR_DUPLICATE_OPTIONS, ...options });
    this.signatures = new Uint16Array(64 * this.bins);
    const keyOf = (value: number) => {
      const slot = this.slotOf(value);
      return this.bandKey(this.signatures, slot * this.bins, value - this.bucketValue(slot, 0));
    };
    const bands = this.options.bands;
    this.buckets = new BucketTable(keyOf, bands <= 254 ? bands : 1);
  }

  private get bins(): number {
    return this.options.bands * this.options.rows;
  }

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.memberOf(id) >= 0;
  }

  /** The revision the article was added with, or undefined. */
  revisionOf(id: string): string | undefined {
    const m = this.memberOf(id);
    return m < 0 ? undefined : (this.revisionAt[m] ?? undefined);
  }

  /** Ids of every article held (a copy: removing while iterating is safe). */
  ids(): string[] {
    const ids: string[] = [];
    for (const id of this.idAt) if (id !== undefined) ids.push(id);
    return ids;
  }

  /** The member number of an article, or -1 when it is not held. */
  private memberOf(id: string): number {
    let member = -1;
    this.byId.forEach(idKey(id), (m) => {
      if (this.idAt[m] === id) member = m;
    });
    return member;
  }

  /**
   * Adds an article (replacing one with the same id) and returns its story. `print`: its
   * fingerprint made elsewhere (a worker thread) by {@link fingerprint} with this index's options.
   */
  add(doc: StoryDocument, print: Fingerprint = fingerprint(doc.paragraphs, this.options)): Story {
    return this.describe(this.insert(doc, print));
  }

  /**
   * {@link add} without the story it returns (a bulk load's adds: the members of a story were
   * sorted for each article added to it). Returns the article's member number.
   */
  insert(doc: StoryDocument, print: Fingerprint = fingerprint(doc.paragraphs, this.options)): number {
    this.edits++;
    if (this.has(doc.id)) this.remove(doc.id);
    const member = this.newMember(doc, print.shingles);
    if (print.signature.length === 0) return member;
    const bins = this.bins;
    const seen = new Set<number>();
    const keys = this.bucketKeys(print.signature, 0);
    let links: number[] | null = null;
    // Its slot is taken (and its signature stored, which the bucket table reads keys from) first,
    // so each band's bucket is looked up and filled in one probe; a bucket of one band never holds
    // this slot when another band's is looked up (keys differ by band).
    const slot = this.takeSlot(member);
    this.slotAt[member] = slot;
    this.signatures.set(print.signature, slot * bins);
    const visit = (value: number) => {
      const other = this.slotOf(value);
      if (seen.has(other)) return;
      seen.add(other);
      this.comparisons++;
      const otherMember = this.memberAtSlot[other]!;
      if (passes(estimate(print.signature, 0, print.shingles, this.signatures, other * bins, this.shinglesAt[otherMember]!, bins), this.options)) {
        (links ??= []).push(otherMember);
        this.linkTo(otherMember, member);
      }
    };
    for (let b = 0; b < keys.length; b++) this.buckets.forEachThenAdd(keys[b]!, this.bucketValue(slot, b), visit);
    if (links !== null) this.linksAt.set(member, links);
    for (const other of links ?? []) this.join(member, other);
    return member;
  }

  /** A member number for a new article, its columns filled (no slot yet). */
  private newMember(doc: StoryDocument, shingles: number): number {
    const member = this.freeMembers.pop() ?? this.idAt.length;
    if (member >= this.publishedAt.length) this.growMembers(grownLength(this.publishedAt.length, member + 1));
    this.idAt[member] = doc.id;
    this.revisionAt[member] = doc.revision ?? null;
    this.publishedAt[member] = doc.publishedMs;
    this.slotAt[member] = -1;
    this.shinglesAt[member] = shingles;
    this.byId.add(idKey(doc.id), member);
    this.count++;
    return member;
  }

  /** The typed member columns with room for `length` members. */
  private growMembers(length: number): void {
    this.publishedAt = grown(this.publishedAt, length);
    this.slotAt = grown(this.slotAt, length, -1);
    this.shinglesAt = grown(this.shinglesAt, length);
  }

  /** Records `member` as a confirmed near-duplicate of `other`. */
  private linkTo(other: number, member: number): void {
    const links = this.linksAt.get(other);
    if (links) links.push(member);
    else this.linksAt.set(other, [member]);
  }

  private takeSlot(member: number): number {
    const slot = this.freeSlots.pop() ?? this.slots++;
    if (slot >= this.memberAtSlot.length) {
      // A quarter more, not double: at 100,000 articles doubling left up to 60 MB unused.
      this.growSlots(Math.max(slot + 1, Math.ceil(this.memberAtSlot.length * 1.25)));
    }
    this.memberAtSlot[slot] = member;
    return slot;
  }

  /** The signature array and the member-by-slot column with room for `slots` slots. */
  private growSlots(slots: number): void {
    const signatures = new Uint16Array(slots * this.bins);
    signatures.set(this.signatures.subarray(0, Math.min(this.signatures.length, signatures.length)));
    this.signatures = signatures;
    this.memberAtSlot = grown(this.memberAtSlot, slots, -1);
  }

  /** Makes room for `articles` articles in all (signatures, buckets, member columns), so a bulk load sizes its arrays once. */
  reserve(articles: number): void {
    this.buckets.reserve(articles * this.options.bands);
    // A thirty-second more: the first articles added after a bulk load do not grow the arrays at
    // once (a quarter more, copied: 75 MB at 100,000 articles, beside the 60 MB it replaces).
    const room = articles + Math.ceil(articles / 32);
    this.byId.reserve(articles);
    if (articles > this.publishedAt.length) this.growMembers(room);
    if (articles > this.memberAtSlot.length) this.growSlots(room);
  }

  /** Removes an article; its story splits if the article was what held it together. */
  remove(id: string): boolean {
    return this.removeMany([id]) === 1;
  }

  /**
   * Removes articles (ids not held are skipped) and returns how many were held. Each story they
   * left is split again once, after all of them are gone: removing them one at a time walked the
   * rest of the story after each, so deleting the k copies of one story cost k² (100 reprints
   * deleted at once held the event loop 15-90 ms at 100,000 articles); the stories come out the
   * same, since they are the connected groups of the links that remain either way.
   */
  removeMany(ids: Iterable<string>): number {
    const going = new Set<number>();
    for (const id of ids) {
      const member = this.memberOf(id);
      if (member >= 0) going.add(member);
    }
    const left = new Set<StoryGroup>();
    for (const member of going) {
      this.edits++;
      this.byId.remove(idKey(this.idAt[member]!), member);
      this.count--;
      const slot = this.slotAt[member]!;
      if (slot >= 0) {
        // The bucket keys are not kept: they are made again from the stored signature.
        const keys = this.bucketKeys(this.signatures, slot * this.bins);
        for (let b = 0; b < keys.length; b++) this.buckets.remove(keys[b]!, this.bucketValue(slot, b));
        this.memberAtSlot[slot] = -1;
        this.freeSlots.push(slot);
      }
      // links between two removed articles go with them (no search through a list that goes too)
      for (const other of this.linksAt.get(member) ?? []) {
        if (going.has(other)) continue;
        const links = this.linksAt.get(other)!;
        links.splice(links.indexOf(member), 1);
        if (links.length === 0) this.linksAt.delete(other);
      }
      this.linksAt.delete(member);
      const old = this.groupAt.get(member);
      this.groupAt.delete(member);
      this.idAt[member] = undefined;
      this.revisionAt[member] = null;
      this.slotAt[member] = -1;
      this.freeMembers.push(member);
      if (old === undefined) continue;
      old.members.delete(member);
      left.add(old);
    }
    // Re-split each story left by walking its remaining links (only that story's members).
    for (const old of left) {
      const unvisited = new Set(old.members);
      while (unvisited.size > 0) {
        const start = unvisited.values().next().value!;
        unvisited.delete(start);
        this.grouped(start, (next) => unvisited.delete(next));
      }
    }
    return going.size;
  }

  /**
   * Everything the index holds, as flat arrays (for a snapshot file): restoring it gives an index
   * that groups and answers exactly as this one, without fingerprinting any article again.
   */
  dump(): StoryIndexDump {
    const list: number[] = [];
    const position = new Int32Array(this.idAt.length);
    for (let m = 0; m < this.idAt.length; m++) {
      if (this.idAt[m] === undefined) continue;
      position[m] = list.length;
      list.push(m);
    }
    const links: number[] = [];
    list.forEach((m, i) => {
      for (const other of this.linksAt.get(m) ?? []) {
        const j = position[other]!;
        if (i < j) links.push(i, j);
      }
    });
    return {
      ids: list.map((m) => this.idAt[m]!),
      revisions: list.map((m) => this.revisionAt[m] ?? null),
      publishedMs: Float64Array.from(list, (m) => this.publishedAt[m]!),
      slots: Int32Array.from(list, (m) => this.slotAt[m]!),
      shingles: Uint32Array.from(list, (m) => this.shinglesAt[m]!),
      links: Uint32Array.from(links),
      signatures: this.signatures.slice(0, this.slots * this.bins),
      buckets: this.buckets.toParts(),
    };
  }

  /** An index from {@link StoryIndex.dump} (made with the same options). */
  static restore(dump: StoryIndexDump, options: Partial<NearDuplicateOptions> = {}): StoryIndex {
    const index = new StoryIndex(options);
    const bins = index.bins;
    const slotCount = dump.signatures.length / bins;
    const count = dump.ids.length;
    // Room for a thirty-second more, as `reserve` leaves after a bulk load: sized exactly, the
    // first article added after a start from a snapshot grew the array by a quarter (a 75 MB
    // copy at 100,000 articles, 100-200 ms on the event loop).
    index.growSlots(Math.max(64, slotCount + Math.ceil(slotCount / 32)));
    index.signatures.set(dump.signatures);
    index.slots = slotCount;
    index.count = count;
    index.growMembers(Math.max(64, count + Math.ceil(count / 32)));
    index.byId.reserve(count);
    // Member numbers are the dump's positions.
    for (let m = 0; m < count; m++) {
      const id = dump.ids[m]!;
      index.idAt.push(id);
      index.revisionAt.push(dump.revisions[m] ?? null);
      index.publishedAt[m] = dump.publishedMs[m]!;
      index.shinglesAt[m] = dump.shingles[m]!;
      const slot = dump.slots[m]!;
      index.slotAt[m] = slot;
      index.byId.add(idKey(id), m);
      if (slot >= 0) index.memberAtSlot[slot] = m;
    }
    // Adding every slot's keys again was most of a restore (2.6 s of 4.6 at 100,000 articles).
    if (dump.buckets) index.buckets.load(dump.buckets);
    else index.buckets.reserve(slotCount * index.options.bands);
    for (let slot = 0; slot < slotCount; slot++) {
      if (index.memberAtSlot[slot]! < 0) {
        index.freeSlots.push(slot);
        continue;
      }
      if (dump.buckets) continue;
      const keys = index.bucketKeys(index.signatures, slot * bins);
      index.putInBuckets(keys, slot);
    }
    for (let k = 0; k < dump.links.length; k += 2) {
      const a = dump.links[k]!;
      const b = dump.links[k + 1]!;
      index.linkTo(a, b);
      index.linkTo(b, a);
    }
    // Stories are the connected components of the links (an article without links is alone).
    for (let start = 0; start < count; start++) {
      if (!index.groupAt.has(start) && index.linksAt.has(start)) index.grouped(start, (next) => !index.groupAt.has(next));
    }
    return index;
  }

  /** The story of an article, or undefined when the article is not in the index. */
  storyOf(id: string): { id: string; size: number } | undefined {
    const m = this.memberOf(id);
    if (m < 0) return undefined;
    const group = this.groupAt.get(m);
    return group ? { id: this.idAt[group.first]!, size: group.members.size } : { id, size: 1 };
  }

  /** The story with this id (the id of its first-published article), or undefined. */
  story(id: string): Story | undefined {
    const m = this.memberOf(id);
    if (m < 0) return undefined;
    const group = this.groupAt.get(m);
    if (group !== undefined && group.first !== m) return undefined;
    return this.describe(m);
  }

  /** Every story (singletons included), in no particular order. */
  *stories(): IterableIterator<Story> {
    for (let m = 0; m < this.idAt.length; m++) {
      if (this.idAt[m] === undefined) continue;
      const group = this.groupAt.get(m);
      if (group === undefined || group.first === m) yield this.describe(m);
    }
  }

  /** The confirmed near-duplicates of an article (its direct links, not the whole story). */
  linksOf(id: string): string[] {
    const m = this.memberOf(id);
    if (m < 0) return [];
    return (this.linksAt.get(m) ?? []).map((x) => this.idAt[x]!).sort();
  }

  /** Earlier first; undated after dated; then the smaller id. */
  private publishedBefore(a: number, b: number): boolean {
    const ta = this.publishedAt[a]!;
    const tb = this.publishedAt[b]!;
    const na = Number.isNaN(ta);
    const nb = Number.isNaN(tb);
    if (na !== nb) return nb;
    if (!na && ta !== tb) return ta < tb;
    return this.idAt[a]! < this.idAt[b]!;
  }

  /**
   * Gives `start` and every member its links reach (`take(next)`: true when `next` is not yet
   * placed, marking it placed) one story; a member reaching none stays alone (no group).
   */
  private grouped(start: number, take: (next: number) => boolean): void {
    if (!this.linksAt.get(start)?.length) {
      this.groupAt.delete(start);
      return;
    }
    const group: StoryGroup = { members: new Set([start]), first: start };
    this.groupAt.set(start, group);
    const stack = [start];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (this.publishedBefore(m, group.first)) group.first = m;
      for (const next of this.linksAt.get(m) ?? []) {
        if (!take(next)) continue;
        this.groupAt.set(next, group);
        group.members.add(next);
        stack.push(next);
      }
    }
  }

  /** The story of a member, made for it when it was alone. */
  private groupOf(member: number): StoryGroup {
    let group = this.groupAt.get(member);
    if (group === undefined) {
      group = { members: new Set([member]), first: member };
      this.groupAt.set(member, group);
    }
    return group;
  }

  /** Puts two linked articles in one story (the larger story takes the smaller one's members). */
  private join(a: number, b: number): void {
    const storyA = this.groupOf(a);
    const storyB = this.groupOf(b);
    if (storyA === storyB) return;
    const [big, small] = storyA.members.size >= storyB.members.size ? [storyA, storyB] : [storyB, storyA];
    for (const m of small.members) {
      this.groupAt.set(m, big);
      big.members.add(m);
    }
    if (this.publishedBefore(small.first, big.first)) big.first = small.first;
  }

  /** The story of a member (as callers see it). */
  private describe(member: number): Story {
    const group = this.groupAt.get(member);
    if (group === undefined) {
      const id = this.idAt[member]!;
      return { id, size: 1, articleIds: [id] };
    }
    const articleIds = [...group.members].sort((x, y) => (this.publishedBefore(x, y) ? -1 : 1)).map((m) => this.idAt[m]!);
    return { id: this.idAt[group.first]!, size: group.members.size, articleIds };
  }

  /**
   * One key per band: a hash of the band number and its bins, 30 bits so V8 keeps it a small
   * integer (no boxed number per key), with the band as its remainder modulo `bands` (the bucket
   * table keeps a value's slot alone: see {@link buckets}). Two different bands never share a key;
   * two different bins of one band rarely do, and then the pair is only a candidate, which the
   * confirmation step decides.
   */
  private bucketKeys(signature: Uint16Array, offset: number): Uint32Array {
    const bands = this.options.bands;
    const keys = new Uint32Array(bands);
    for (let b = 0; b < bands; b++) keys[b] = this.bandKey(signature, offset, b);
    return keys;
  }

  /** A bucket value: a slot and one of its bands in one integer, so the value's key can be made again from the slot's signature. */
  private bucketValue(slot: number, band: number): number {
    return slot * this.options.bands + band;
  }

  /** The slot of a bucket value ({@link bucketValue}). */
  private slotOf(value: number): number {
    return Math.floor(value / this.options.bands);
  }

  /** Puts a slot in the bucket of each of its bands (`keys`: {@link bucketKeys} of its signature). */
  private putInBuckets(keys: Uint32Array, slot: number): void {
    for (let b = 0; b < keys.length; b++) this.buckets.add(keys[b]!, this.bucketValue(slot, b));
  }

  /** The bucket key of band `b` of the signature at `offset` (see {@link bucketKeys}). */
  private bandKey(signature: Uint16Array, offset: number, b: number): number {
    const rows = this.options.rows;
    let h = mix(0x811c9dc5 ^ Math.imul(b + 1, 0x9e3779b1));
    for (let r = 0; r < rows; r++) h = mix(Math.imul(h, 0x01000193) ^ signature[offset + b * rows + r]!);
    const key = h >>> 2;
    return key - (key % this.options.bands) + b;
  }
}
