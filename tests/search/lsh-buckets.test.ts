import { describe, expect, it } from 'vitest';
import { BucketTable } from '../../src/search/lsh-buckets.js';

/** A seeded stream of numbers (the same operations on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

const slotsOf = (t: BucketTable, key: number) => {
  const out: number[] = [];
  t.forEach(key, (s) => out.push(s));
  return out.sort((a, b) => a - b);
};

describe('BucketTable', () => {
  it('holds, lists and drops slots per key like a Map of Sets, through growth, chains and deletions', () => {
    const table = new BucketTable();
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
        table.remove(key, victim);
        held.delete(victim);
        if (held.size === 0) reference.delete(key);
      } else if (!held?.has(slot)) {
        table.add(key, slot);
        reference.set(key, (held ?? new Set()).add(slot));
      }
    }
    for (const [key, slots] of reference) expect(slotsOf(table, key)).toEqual([...slots].sort((a, b) => a - b));
    // Keys never added, or emptied, list nothing.
    for (let key = 40_000; key < 40_100; key++) expect(slotsOf(table, key)).toEqual([]);
    for (let key = 0; key < 50; key++) if (!reference.has(key)) expect(slotsOf(table, key)).toEqual([]);
  });

  it('keeps what it holds when reserved, and holds as many keys as reserved without losing any', () => {
    const table = new BucketTable();
    for (let key = 0; key < 300; key++) table.add(key * 7919, key % 11);
    table.add(0, 99); // a chain survives the reserve too
    table.reserve(5_000);
    for (let key = 0; key < 300; key++) expect(slotsOf(table, key * 7919)).toEqual(key === 0 ? [0, 99] : [key % 11]);
    // Filling the reserved room, and past it (growth by half, sizes not powers of two).
    for (let key = 300; key < 9_000; key++) table.add(key * 7919, key % 11);
    for (let key = 1; key < 9_000; key++) expect(slotsOf(table, key * 7919)).toEqual([key % 11]);
    expect(slotsOf(table, 1)).toEqual([]);
  });

  it('removing a slot that is not there changes nothing', () => {
    const table = new BucketTable();
    table.add(5, 1);
    table.remove(5, 2);
    table.remove(6, 1);
    expect(slotsOf(table, 5)).toEqual([1]);
    table.add(5, 3);
    table.remove(5, 9);
    expect(slotsOf(table, 5)).toEqual([1, 3]);
    table.remove(5, 1);
    table.remove(5, 3);
    expect(slotsOf(table, 5)).toEqual([]);
    table.add(5, 4);
    expect(slotsOf(table, 5)).toEqual([4]);
  });
});
