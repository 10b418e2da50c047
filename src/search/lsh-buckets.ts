/**
 * LSH buckets: a multimap from 30-bit bucket keys to small integer values (a StoryIndex's
 * article slot and band), in typed arrays. Every article sits in one bucket per band (75 by
 * default), so this is most of a story index's memory: a Map entry costs about 47 bytes. Here a
 * bucket is a position in an open-addressing table (at most 85% full: probes over one-byte tags
 * stay cheap there, and 75% cost 10 MB more at 100,000 articles, bench/RESULTS.md "Heap, session 8"); most buckets
 * hold one value, kept in the position itself; a bucket of several holds a chain of entries
 * (value, next), and freed entries are reused. The table's size is any number, not a power of
 * two, and grows by half: a power of two left a 100,000-article index's table (7.5 million keys)
 * 45% full, 64 MB more than needed (bench/RESULTS.md, issue 9 heap).
 *
 * Keys are not stored: the owner can tell any value's key (`keyOf`: a story index hashes the
 * band of the slot's signature it keeps anyway), so a position keeps only a one-byte tag of its
 * key, which rules out almost every other key on a probe without reading the owner's data; a
 * tag that matches is confirmed by the value's full key. 5 bytes a position instead of 8: 34 MB
 * less at 100,000 articles (bench/RESULTS.md, "Heap, session 6").
 *
 * A position's head (its one value, or the first entry of its chain) takes 3 bytes, not 4: 9 MB
 * less at 100,000 articles (bench/RESULTS.md, "Heap, session 9"). A story index's values are
 * `slot × bands + band`, which outgrow 23 bits past 111,000 articles; but its key carries the band
 * too (`key % bands`), so with `spread` = bands a position keeps only `value / spread` (the slot)
 * and its tag keeps `key % spread` among the key's bits: 8 million slots fit. Chain entries keep
 * whole values (few: a bucket of several is rare).
 */

/** A position's tag: never used, or a key's that left (probes go on past it), or 2-255 for a held key. */
const EMPTY = 0;
const DELETED = 1;
/** Heads are signed 24-bit integers. */
const HEAD_LIMIT = 1 << 23;

/** A table's state as a snapshot stores it ({@link BucketTable.toParts}), so a restore does not add every key again. */
export interface BucketTableParts {
  tags: Uint8Array<ArrayBuffer>;
  /** Each position's head, low 16 bits. */
  headLow: Uint16Array<ArrayBuffer>;
  /** Each position's head, high 8 bits (signed). */
  headHigh: Int8Array<ArrayBuffer>;
  /** The chain entries made so far (freed ones included). */
  entryValue: Int32Array<ArrayBuffer>;
  entryNext: Int32Array<ArrayBuffer>;
  used: number;
  freeEntry: number;
}

export class BucketTable {
  /**
   * Per position: its key's tag (or EMPTY, DELETED) and its head, a signed 24-bit integer in two
   * arrays: below 0 one value, inline, `-(value / spread + 1)`; 0 or more, the first entry of a chain.
   */
  private tags = new Uint8Array(1024);
  private headLow = new Uint16Array(1024);
  private headHigh = new Int8Array(1024);
  /** Table positions holding a key or a DELETED marker (both lengthen probes). */
  private used = 0;
  private entryValue = new Int32Array(256);
  private entryNext = new Int32Array(256);
  private entries = 0;
  /** Freed entries, chained through entryNext. */
  private freeEntry = -1;

  /** Tags are `2 + key % tagModulus`: a multiple of `spread`, so a tag tells `key % spread`. */
  private readonly tagModulus: number;

  /**
   * @param keyOf the key a value was added under (the same for as long as the value is held):
   *   how a probe confirms a tag and a rehash places a position.
   * @param spread every value added has `value % spread === key % spread` (1 to 254): a position
   *   then keeps `value / spread`, so values up to about 2^23 × spread fit.
   */
  constructor(
    private readonly keyOf: (value: number) => number,
    private readonly spread = 1,
  ) {
    if (!(Number.isInteger(spread) && spread >= 1 && spread <= 254)) throw new RangeError(`bucket table spread ${spread}: 1 to 254`);
    this.tagModulus = spread * Math.floor(254 / spread);
  }

  private tagOf(key: number): number {
    return 2 + (key % this.tagModulus);
  }

  private head(pos: number): number {
    return (this.headHigh[pos]! << 16) | this.headLow[pos]!;
  }

  private setHead(pos: number, head: number): void {
    if (head >= HEAD_LIMIT || head < -HEAD_LIMIT) throw new RangeError(`bucket table: ${head < 0 ? 'value' : 'chain entry'} beyond 24 bits (more than about ${HEAD_LIMIT * this.spread} values)`);
    this.headLow[pos] = head & 0xffff;
    this.headHigh[pos] = head >> 16;
  }

  /** A head holding one value inline. */
  private inline(value: number): number {
    return -(Math.floor(value / this.spread) + 1);
  }

  /** The value an inline head holds at a position whose tag is `tag`. */
  private inlineValue(head: number, tag: number): number {
    return (-head - 1) * this.spread + ((tag - 2) % this.spread);
  }

  /** Puts `value` (0 to 2^31 - 2, `value % spread === key % spread`; its key `keyOf(value)`, a non-negative 31-bit integer) in the bucket `key`. */
  add(key: number, value: number): void {
    this.checkSpread(key, value);
    const pos = this.find(key);
    if (pos >= 0) return this.prepend(pos, value);
    if ((this.used + 1) * 20 > this.tags.length * 17) this.grow(); // above 85% full
    this.place(this.insertionPoint(key), key, value);
  }

  private checkSpread(key: number, value: number): void {
    if (value % this.spread !== key % this.spread) throw new RangeError(`bucket table: value ${value} and key ${key} differ modulo ${this.spread}`);
  }

  /** Adds `value` to the bucket at `pos`: a second value moves the inline one into a chain. */
  private prepend(pos: number, value: number): void {
    const head = this.head(pos);
    const next = head >= 0 ? head : this.newEntry(this.inlineValue(head, this.tags[pos]!), -1);
    this.setHead(pos, this.newEntry(value, next));
  }

  /** Makes the free position `at` (EMPTY or DELETED) the bucket `key`, holding `value` inline. */
  private place(at: number, key: number, value: number): void {
    if (this.tags[at] === EMPTY) this.used++;
    this.tags[at] = this.tagOf(key);
    this.setHead(at, this.inline(value));
  }

  /** Calls `fn` with every value of the bucket at `pos`. */
  private forEachAt(pos: number, fn: (value: number) => void): void {
    const head = this.head(pos);
    if (head < 0) return fn(this.inlineValue(head, this.tags[pos]!));
    for (let e = head; e >= 0; e = this.entryNext[e]!) fn(this.entryValue[e]!);
  }

  /**
   * {@link forEach}`(key, fn)`, then {@link add}`(key, value)`, with one probe of the table
   * instead of three (a story index's add looks up each of its band keys and then fills it: at
   * 100,000 articles, 7.5 million keys). `fn` must not change the table. The table ends as after
   * the two calls.
   */
  forEachThenAdd(key: number, value: number, fn: (value: number) => void): void {
    this.checkSpread(key, value);
    const size = this.tags.length;
    const tag = this.tagOf(key);
    // The first DELETED or EMPTY position on the probe path: where add() would put a new key.
    let free = -1;
    for (let pos = home(key) % size; ; pos = pos + 1 === size ? 0 : pos + 1) {
      const t = this.tags[pos]!;
      if (t === tag && this.keyAt(pos) === key) {
        this.forEachAt(pos, fn);
        this.prepend(pos, value);
        return;
      }
      if (t === EMPTY) {
        if (free < 0) free = pos;
        break;
      }
      if (t === DELETED && free < 0) free = pos;
    }
    if ((this.used + 1) * 20 > this.tags.length * 17) {
      this.grow(); // above 85% full: every position moves
      free = this.insertionPoint(key);
    }
    this.place(free, key, value);
  }

  /**
   * Makes room for `keys` keys in all, and a sixteenth more, so that a bulk load sizes the table
   * once and the first updates after it do not grow (rehash) it at once.
   */
  reserve(keys: number): void {
    // 80% full with the keys asked for (1/16 more before 85%): 1.25 positions a key, 1.5 at 75% and an eighth
    const size = Math.ceil((keys * 20) / 16) + 1;
    if (size > this.tags.length) this.rehash(size);
  }

  /** The table as it is, copied (a snapshot is written while the index may change). */
  toParts(): BucketTableParts {
    return {
      tags: this.tags.slice(),
      headLow: this.headLow.slice(),
      headHigh: this.headHigh.slice(),
      entryValue: this.entryValue.slice(0, this.entries),
      entryNext: this.entryNext.slice(0, this.entries),
      used: this.used,
      freeEntry: this.freeEntry,
    };
  }

  /**
   * Becomes the table `parts` describes (from {@link BucketTable.toParts} of a table with the same
   * `keyOf`; the tag and head arrays are taken over, not copied): a snapshot's 7.5 million keys at
   * 100,000 articles are not added one by one again.
   */
  load(parts: BucketTableParts): void {
    const size = parts.tags.length;
    if (parts.headLow.length !== size || parts.headHigh.length !== size || size === 0 || parts.entryValue.length !== parts.entryNext.length) {
      throw new Error('bucket table parts of different lengths');
    }
    this.tags = parts.tags;
    this.headLow = parts.headLow;
    this.headHigh = parts.headHigh;
    this.used = parts.used;
    this.entries = parts.entryValue.length;
    // room to grow: allocateEntry doubles a full entry array, which must not be empty
    this.entryValue = new Int32Array(Math.max(256, this.entries));
    this.entryValue.set(parts.entryValue);
    this.entryNext = new Int32Array(Math.max(256, this.entries));
    this.entryNext.set(parts.entryNext);
    this.freeEntry = parts.freeEntry;
  }

  /** Calls `fn` with every value in the bucket `key`. */
  forEach(key: number, fn: (value: number) => void): void {
    const pos = this.find(key);
    if (pos >= 0) this.forEachAt(pos, fn);
  }

  /** Takes `value` out of the bucket `key`; an emptied bucket leaves the table. */
  remove(key: number, value: number): void {
    const pos = this.find(key);
    if (pos < 0) return;
    const head = this.head(pos);
    if (head < 0) {
      // the key matched, so `value % spread` did too: the quotient tells the value
      if (head === this.inline(value)) this.tags[pos] = DELETED;
      return;
    }
    let prev = -1;
    for (let e = head; e >= 0; prev = e, e = this.entryNext[e]!) {
      if (this.entryValue[e] !== value) continue;
      if (prev < 0) this.setHead(pos, this.entryNext[e]!);
      else this.entryNext[prev] = this.entryNext[e]!;
      this.freeEntryAt(e);
      break;
    }
    // One value left: back inline.
    const rest = this.head(pos);
    if (rest >= 0 && this.entryNext[rest] === -1) {
      this.setHead(pos, this.inline(this.entryValue[rest]!));
      this.freeEntryAt(rest);
    }
  }

  private freeEntryAt(e: number): void {
    this.entryNext[e] = this.freeEntry;
    this.freeEntry = e;
  }

  private newEntry(value: number, next: number): number {
    const e = this.allocateEntry();
    this.entryValue[e] = value;
    this.entryNext[e] = next;
    return e;
  }

  private allocateEntry(): number {
    if (this.freeEntry >= 0) {
      const e = this.freeEntry;
      this.freeEntry = this.entryNext[e]!;
      return e;
    }
    if (this.entries === this.entryValue.length) {
      const size = this.entryValue.length * 2;
      const values = new Int32Array(size);
      values.set(this.entryValue);
      const next = new Int32Array(size);
      next.set(this.entryNext);
      this.entryValue = values;
      this.entryNext = next;
    }
    return this.entries++;
  }

  /** The key of the bucket at a held position: its (first) value's. */
  private keyAt(pos: number): number {
    const head = this.head(pos);
    return this.keyOf(head < 0 ? this.inlineValue(head, this.tags[pos]!) : this.entryValue[head]!);
  }

  /** Position of `key` in the table, or -1. Linear probing from the key's home. */
  private find(key: number): number {
    const size = this.tags.length;
    const tag = this.tagOf(key);
    for (let pos = home(key) % size; ; pos = pos + 1 === size ? 0 : pos + 1) {
      const t = this.tags[pos]!;
      if (t === tag && this.keyAt(pos) === key) return pos;
      if (t === EMPTY) return -1;
    }
  }

  /** Where a new key goes: the first DELETED or EMPTY position on its probe path. */
  private insertionPoint(key: number): number {
    const size = this.tags.length;
    for (let pos = home(key) % size; ; pos = pos + 1 === size ? 0 : pos + 1) {
      const t = this.tags[pos]!;
      if (t === EMPTY || t === DELETED) return pos;
    }
  }

  /** A full table: half as large again, or, when mostly DELETED markers, cleaned up at the same size. */
  private grow(): void {
    let live = 0;
    for (const t of this.tags) if (t > DELETED) live++;
    this.rehash((live + 1) * 4 <= this.tags.length ? this.tags.length : Math.ceil(this.tags.length * 1.5));
  }

  /** A table of `target` positions with the live keys only (DELETED markers dropped). */
  private rehash(target: number): void {
    const oldTags = this.tags;
    const oldLow = this.headLow;
    const oldHigh = this.headHigh;
    this.tags = new Uint8Array(target);
    this.headLow = new Uint16Array(target);
    this.headHigh = new Int8Array(target);
    this.used = 0;
    for (let i = 0; i < oldTags.length; i++) {
      const t = oldTags[i]!;
      if (t <= DELETED) continue;
      const head = (oldHigh[i]! << 16) | oldLow[i]!;
      let pos = home(this.keyOf(head < 0 ? this.inlineValue(head, t) : this.entryValue[head]!)) % target;
      while (this.tags[pos] !== EMPTY) pos = pos + 1 === target ? 0 : pos + 1;
      this.tags[pos] = t;
      this.headLow[pos] = oldLow[i]!;
      this.headHigh[pos] = oldHigh[i]!;
      this.used++;
    }
  }
}

/** Bucket keys are hashes already; one multiply spreads any that are not (tests). */
function home(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 0;
}
