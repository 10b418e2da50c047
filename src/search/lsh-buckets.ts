/**
 * LSH buckets: a multimap from 30-bit bucket keys to small integer slots (the articles of a
 * StoryIndex), in typed arrays. Every article sits in one bucket per band (75 by default), so
 * this is most of a story index's memory: a Map entry costs about 47 bytes. Here a bucket is a
 * position in an open-addressing table (key and value, at most three quarters full); most
 * buckets hold one article, whose slot is the value itself; a bucket of several holds a chain
 * of entries (slot, next), and freed entries are reused. The table's size is any number, not a
 * power of two, and grows by half: a power of two left a 100,000-article index's table (7.5
 * million keys) 45% full, 64 MB more than needed (bench/RESULTS.md, issue 9 heap).
 */

const EMPTY = -1;
const DELETED = -2;
/** A table value of -2 or less is one slot, inline: `-(slot + 2)`; 0 or more, the first entry of a chain. */
const inline = (slot: number) => -(slot + 2);

/** A table's state as a snapshot stores it ({@link BucketTable.toParts}), so a restore does not add every key again. */
export interface BucketTableParts {
  keys: Int32Array<ArrayBuffer>;
  heads: Int32Array<ArrayBuffer>;
  /** The chain entries made so far (freed ones included). */
  entrySlot: Int32Array<ArrayBuffer>;
  entryNext: Int32Array<ArrayBuffer>;
  used: number;
  freeEntry: number;
}

export class BucketTable {
  /** Table of keys (EMPTY, DELETED, or a key >= 0) and the first entry of each key's chain. */
  private keys = new Int32Array(1024).fill(EMPTY);
  private heads = new Int32Array(1024);
  /** Table positions holding a key or a DELETED marker (both lengthen probes). */
  private used = 0;
  private entrySlot = new Int32Array(256);
  private entryNext = new Int32Array(256);
  private entries = 0;
  /** Freed entries, chained through entryNext. */
  private freeEntry = -1;

  /** Puts `slot` in the bucket `key` (a non-negative 31-bit integer). */
  add(key: number, slot: number): void {
    const pos = this.find(key);
    if (pos < 0) {
      if ((this.used + 1) * 4 > this.keys.length * 3) this.grow();
      const at = this.insertionPoint(key);
      if (this.keys[at] === EMPTY) this.used++;
      this.keys[at] = key;
      this.heads[at] = inline(slot);
      return;
    }
    const head = this.heads[pos]!;
    // A second article: the inline one moves into a chain.
    const next = head >= 0 ? head : this.newEntry(-head - 2, -1);
    this.heads[pos] = this.newEntry(slot, next);
  }

  /**
   * Makes room for `keys` keys in all, and an eighth more, so that a bulk load sizes the table
   * once and the first updates after it do not grow (rehash) it at once.
   */
  reserve(keys: number): void {
    const size = Math.ceil((keys * 4 * 9) / (3 * 8)) + 1;
    if (size > this.keys.length) this.rehash(size);
  }

  /** The table as it is, copied (a snapshot is written while the index may change). */
  toParts(): BucketTableParts {
    return {
      keys: this.keys.slice(),
      heads: this.heads.slice(),
      entrySlot: this.entrySlot.slice(0, this.entries),
      entryNext: this.entryNext.slice(0, this.entries),
      used: this.used,
      freeEntry: this.freeEntry,
    };
  }

  /**
   * Becomes the table `parts` describes (from {@link BucketTable.toParts}; the key and head
   * arrays are taken over, not copied): a snapshot's 7.5 million keys at 100,000 articles are
   * not added one by one again.
   */
  load(parts: BucketTableParts): void {
    if (parts.keys.length !== parts.heads.length || parts.keys.length === 0 || parts.entrySlot.length !== parts.entryNext.length) {
      throw new Error('bucket table parts of different lengths');
    }
    this.keys = parts.keys;
    this.heads = parts.heads;
    this.used = parts.used;
    this.entries = parts.entrySlot.length;
    // room to grow: allocateEntry doubles a full entry array, which must not be empty
    this.entrySlot = new Int32Array(Math.max(256, this.entries));
    this.entrySlot.set(parts.entrySlot);
    this.entryNext = new Int32Array(Math.max(256, this.entries));
    this.entryNext.set(parts.entryNext);
    this.freeEntry = parts.freeEntry;
  }

  /** Calls `fn` with every slot in the bucket `key`. */
  forEach(key: number, fn: (slot: number) => void): void {
    const pos = this.find(key);
    if (pos < 0) return;
    const head = this.heads[pos]!;
    if (head < 0) return fn(-head - 2);
    for (let e = head; e >= 0; e = this.entryNext[e]!) fn(this.entrySlot[e]!);
  }

  /** Takes `slot` out of the bucket `key`; an emptied bucket leaves the table. */
  remove(key: number, slot: number): void {
    const pos = this.find(key);
    if (pos < 0) return;
    const head = this.heads[pos]!;
    if (head < 0) {
      if (head === inline(slot)) this.keys[pos] = DELETED;
      return;
    }
    let prev = -1;
    for (let e = head; e >= 0; prev = e, e = this.entryNext[e]!) {
      if (this.entrySlot[e] !== slot) continue;
      if (prev < 0) this.heads[pos] = this.entryNext[e]!;
      else this.entryNext[prev] = this.entryNext[e]!;
      this.freeEntryAt(e);
      break;
    }
    // One article left: back inline.
    const rest = this.heads[pos]!;
    if (rest >= 0 && this.entryNext[rest] === -1) {
      this.heads[pos] = inline(this.entrySlot[rest]!);
      this.freeEntryAt(rest);
    }
  }

  private freeEntryAt(e: number): void {
    this.entryNext[e] = this.freeEntry;
    this.freeEntry = e;
  }

  private newEntry(slot: number, next: number): number {
    const e = this.allocateEntry();
    this.entrySlot[e] = slot;
    this.entryNext[e] = next;
    return e;
  }

  private allocateEntry(): number {
    if (this.freeEntry >= 0) {
      const e = this.freeEntry;
      this.freeEntry = this.entryNext[e]!;
      return e;
    }
    if (this.entries === this.entrySlot.length) {
      const size = this.entrySlot.length * 2;
      const slots = new Int32Array(size);
      slots.set(this.entrySlot);
      const next = new Int32Array(size);
      next.set(this.entryNext);
      this.entrySlot = slots;
      this.entryNext = next;
    }
    return this.entries++;
  }

  /** Position of `key` in the table, or -1. Linear probing from the key's home. */
  private find(key: number): number {
    const size = this.keys.length;
    for (let pos = home(key) % size; ; pos = pos + 1 === size ? 0 : pos + 1) {
      const k = this.keys[pos]!;
      if (k === key) return pos;
      if (k === EMPTY) return -1;
    }
  }

  /** Where a new key goes: the first DELETED or EMPTY position on its probe path. */
  private insertionPoint(key: number): number {
    const size = this.keys.length;
    for (let pos = home(key) % size; ; pos = pos + 1 === size ? 0 : pos + 1) {
      const k = this.keys[pos]!;
      if (k === EMPTY || k === DELETED) return pos;
    }
  }

  /** A full table: half as large again, or, when mostly DELETED markers, cleaned up at the same size. */
  private grow(): void {
    let live = 0;
    for (const k of this.keys) if (k >= 0) live++;
    this.rehash((live + 1) * 4 <= this.keys.length ? this.keys.length : Math.ceil(this.keys.length * 1.5));
  }

  /** A table of `target` positions with the live keys only (DELETED markers dropped). */
  private rehash(target: number): void {
    const oldKeys = this.keys;
    const oldHeads = this.heads;
    this.keys = new Int32Array(target).fill(EMPTY);
    this.heads = new Int32Array(target);
    this.used = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k < 0) continue;
      let pos = home(k) % target;
      while (this.keys[pos] !== EMPTY) pos = pos + 1 === target ? 0 : pos + 1;
      this.keys[pos] = k;
      this.heads[pos] = oldHeads[i]!;
      this.used++;
    }
  }
}

/** Bucket keys are hashes already; one multiply spreads any that are not (tests). */
function home(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 0;
}
