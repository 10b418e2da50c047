import { describe, expect, it } from 'vitest';
import { BucketTable } from '../../src/search/lsh-buckets.js';

/** A seeded stream of numbers (the same operations on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/**
 * The table stores values, not keys: it asks its owner for a value's key. Here the owner numbers
 * each (key, slot) pair it is given, as a story index numbers slots whose signatures give the keys.
 */
function newOwner() {
  const keys: number[] = [];
  const slots: number[] = [];
  const numbers = new Map<string, number>();
  const valueOf = (key: number, slot: number): number => {
    const name = `${key}:${slot}`;
    let value = numbers.get(name);
    if (value === undefined) {
      value = keys.length;
      keys.push(key);
      slots.push(slot);
      numbers.set(name, value);
    }
    return value;
  };
  const keyOfValue = (value: number) => keys[value]!;
  const slotsOf = (t: BucketTable, key: number) => {
    const out: number[] = [];
    t.forEach(key, (v) => {
      expect(keyOfValue(v)).toBe(key);
      out.push(slots[v]!);
    });
    return out.sort((a, b) => a - b);
  };
  return { valueOf, keyOfValue, slotsOf, newTable: () => new BucketTable(keyOfValue) };
}

describe('BucketTable', () => {
  it('holds, lists and drops slots per key like a Map of Sets, through growth, chains and deletions', () => {
    const { valueOf, slotsOf, newTable } = newOwner();
    const table = newTable();
    const reference = new Map<number, Set<number>>();
    const next = lcg(7);
    // Few distinct keys at first (long chains), then many (growth and rehashing), with removals throughout.
    for (let op = 0; op < 60_000; op++) {
      const keySpace = op < 10_000 ? 50 : 40_000;
      const key = next() % keySpace;
      const slot = next() % 500;
      const held = reference.get(key);
      if (next() % 3 === 0 && held && held.size > 0) {
        const victim = [...held][next() % held.size]!;
        table.remove(key, valueOf(key, victim));
        held.delete(victim);
        if (held.size === 0) reference.delete(key);
      } else if (!held?.has(slot)) {
        table.add(key, valueOf(key, slot));
        reference.set(key, (held ?? new Set()).add(slot));
      }
    }
    for (const [key, slots] of reference) expect(slotsOf(table, key)).toEqual([...slots].sort((a, b) => a - b));
    // Keys never added, or emptied, list nothing.
    for (let key = 40_000; key < 40_100; key++) expect(slotsOf(table, key)).toEqual([]);
    for (let key = 0; key < 50; key++) if (!reference.has(key)) expect(slotsOf(table, key)).toEqual([]);
  });

  it('forEachThenAdd lists what forEach lists and ends as forEach then add would, through growth, chains and deletions', () => {
    const { valueOf, newTable } = newOwner();
    const one = newTable();
    const two = newTable();
    const held = new Map<number, Set<number>>();
    const next = lcg(11);
    for (let op = 0; op < 40_000; op++) {
      const key = next() % (op < 8_000 ? 60 : 30_000);
      const slot = next() % 400;
      const slots = held.get(key);
      if (next() % 4 === 0 && slots && slots.size > 0) {
        // Deletions leave DELETED markers on probe paths, where a new key then goes.
        const victim = [...slots][next() % slots.size]!;
        one.remove(key, valueOf(key, victim));
        two.remove(key, valueOf(key, victim));
        slots.delete(victim);
        continue;
      }
      if (slots?.has(slot)) continue;
      const listed: number[] = [];
      one.forEach(key, (v) => listed.push(v));
      one.add(key, valueOf(key, slot));
      const listedTwo: number[] = [];
      two.forEachThenAdd(key, valueOf(key, slot), (v) => listedTwo.push(v));
      expect(listedTwo).toEqual(listed);
      held.set(key, (slots ?? new Set()).add(slot));
    }
    expect(two.toParts()).toEqual(one.toParts());
  });

  it('keeps what it holds when reserved, and holds as many keys as reserved without losing any', () => {
    const { valueOf, slotsOf, newTable } = newOwner();
    const table = newTable();
    for (let key = 0; key < 300; key++) table.add(key * 31, valueOf(key * 31, key % 11));
    table.add(0, valueOf(0, 99)); // a chain survives the reserve too
    table.reserve(5_000);
    for (let key = 0; key < 300; key++) expect(slotsOf(table, key * 31)).toEqual(key === 0 ? [0, 99] : [key % 11]);
    // Filling the reserved room, and past it (growth by half, sizes not powers of two).
    for (let key = 300; key < 9_000; key++) table.add(key * 31, valueOf(key * 31, key % 11));
    for (let key = 1; key < 9_000; key++) expect(slotsOf(table, key * 31)).toEqual([key % 11]);
    expect(slotsOf(table, 1)).toEqual([]);
  });

  it('removing a slot that is not there changes nothing', () => {
    const { valueOf, slotsOf, newTable } = newOwner();
    const table = newTable();
    table.add(5, valueOf(5, 1));
    table.remove(5, valueOf(5, 2));
    table.remove(6, valueOf(6, 1));
    expect(slotsOf(table, 5)).toEqual([1]);
    table.add(5, valueOf(5, 3));
    table.remove(5, valueOf(5, 9));
    expect(slotsOf(table, 5)).toEqual([1, 3]);
    table.remove(5, valueOf(5, 1));
    table.remove(5, valueOf(5, 3));
    expect(slotsOf(table, 5)).toEqual([]);
    table.add(5, valueOf(5, 4));
    expect(slotsOf(table, 5)).toEqual([4]);
  });

  it('tells apart keys that share a tag (the same key mod 254) and sit on one probe path', () => {
    const { valueOf, slotsOf, newTable } = newOwner();
    const table = newTable();
    // 600 keys with one tag, in a table of about 1,000 positions: long runs of equal tags, each confirmed by the value's key.
    const keys = Array.from({ length: 600 }, (_, i) => 7 + 254 * i);
    keys.forEach((key, i) => table.add(key, valueOf(key, i % 7)));
    keys.forEach((key, i) => expect(slotsOf(table, key)).toEqual([i % 7]));
    for (const key of keys.slice(0, 300)) table.remove(key, valueOf(key, keys.indexOf(key) % 7));
    keys.forEach((key, i) => expect(slotsOf(table, key)).toEqual(i < 300 ? [] : [i % 7]));
    expect(slotsOf(table, 7 + 254 * 600)).toEqual([]);
  });

  it('asks for a key only when a tag matches: a probe past other keys reads none of their values', () => {
    const { valueOf, keyOfValue } = newOwner();
    let asked = 0;
    const table = new BucketTable((value) => {
      asked++;
      return keyOfValue(value);
    });
    for (let key = 0; key < 700; key++) table.add(key, valueOf(key, 1));
    asked = 0;
    for (let key = 1_000_000; key < 1_002_000; key++) {
      table.forEach(key, () => {
        throw new Error('an absent key has no values');
      });
    }
    // Each absent key probes a few positions; only an equal tag (1 in 254) costs a key (with keys stored, 0; without tags, several per key).
    expect(asked).toBeLessThan(200);
  });

  it('is the same table after toParts and load: same values, and it goes on growing and removing', () => {
    const { valueOf, slotsOf, newTable } = newOwner();
    const table = newTable();
    const reference = new Map<number, number[]>();
    const next = lcg(11);
    for (let i = 0; i < 5_000; i++) {
      const key = next() % 3_000;
      const slot = next() % 50;
      if (reference.get(key)?.includes(slot)) continue;
      table.add(key, valueOf(key, slot));
      reference.set(key, [...(reference.get(key) ?? []), slot]);
    }
    const copy = newTable();
    copy.load(table.toParts());
    for (const [key, slots] of reference) expect(slotsOf(copy, key)).toEqual([...slots].sort((a, b) => a - b));
    for (let key = 3_000; key < 20_000; key++) copy.add(key, valueOf(key, key % 50));
    for (const [key, slots] of reference) {
      copy.remove(key, valueOf(key, slots[0]!));
      expect(slotsOf(copy, key)).toEqual(slots.slice(1).sort((a, b) => a - b));
    }
    for (let key = 3_000; key < 20_000; key++) expect(slotsOf(copy, key)).toEqual([key % 50]);
    expect(() => copy.load({ ...table.toParts(), headHigh: new Int8Array(3) })).toThrow(/different lengths/);
  });
  it('with a spread, keeps values far past 24 bits whose remainder their key shares (a story index: slot × bands + band), in chains too', () => {
    const BANDS = 75;
    // Slots 1,000 apart share a key (chains); the key carries the band, as a story index's does.
    const keyOf = (value: number) => (Math.floor(value / BANDS) % 1_000) * BANDS + (value % BANDS);
    const table = new BucketTable(keyOf, BANDS);
    const reference = new Map<number, number[]>();
    for (let slot = 8_000_000; slot < 8_003_000; slot += 7) {
      for (const band of [0, 1, 74]) {
        const value = slot * BANDS + band; // about 600 million: 30 bits
        table.add(keyOf(value), value);
        reference.set(keyOf(value), [...(reference.get(keyOf(value)) ?? []), value]);
      }
    }
    const valuesOf = (key: number, from = table) => {
      const out: number[] = [];
      from.forEach(key, (v) => out.push(v));
      return out.sort((a, b) => a - b);
    };
    for (const [key, values] of reference) expect(valuesOf(key)).toEqual(values.sort((a, b) => a - b));
    for (const [key, values] of reference) for (const v of values.slice(1)) table.remove(key, v);
    for (const [key, values] of reference) expect(valuesOf(key)).toEqual([values[0]]);
    const copy = new BucketTable(keyOf, BANDS);
    copy.load(table.toParts());
    for (const [key, values] of reference) expect(valuesOf(key, copy)).toEqual([values[0]]);
  });

  it('refuses a value whose remainder differs from its key, and a value past what 24-bit heads hold', () => {
    expect(() => new BucketTable((v) => v, 75).add(75 * 3 + 1, 75 * 10 + 2)).toThrow(RangeError);
    const plain = new BucketTable((v) => v);
    plain.add(2 ** 23 - 1, 2 ** 23 - 1);
    expect(() => plain.add(2 ** 23, 2 ** 23)).toThrow(/beyond 24 bits/);
    const seen: number[] = [];
    plain.forEach(2 ** 23 - 1, (v) => seen.push(v));
    expect(seen).toEqual([2 ** 23 - 1]);
    expect(() => new BucketTable((v) => v, 255)).toThrow(RangeError);
  });
});
