import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeOrder, ranksOf } from '../../src/corpus/orders.js';

// Documents are numbers with a key each (ties possible, as two articles published at the same time);
// an order lists them by key, equal keys by document number.
const history = fc
  .record({
    size: fc.integer({ min: 0, max: 400 }),
    // few added among many (binary search) or many (a linear merge)
    addedCount: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 150 })),
    // none, a few (skipped in the merge) or many removed (over 64: dropped in a copy first)
    removedShare: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.05, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
    keyRange: fc.integer({ min: 1, max: 60 }),
    seed: fc.integer(),
  })
  .map(({ size, addedCount, removedShare, keyRange, seed }) => {
    let s = seed >>> 0;
    const random = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const allKeys = Array.from({ length: size + addedCount }, () => Math.floor(random() * keyRange));
    const compare = (x: number, y: number): number => allKeys[x]! - allKeys[y]! || x - y;
    const order = Uint32Array.from({ length: size }, (_, d) => d).sort(compare);
    const removedDocs = [...order].filter(() => random() < removedShare);
    const added = Uint32Array.from({ length: addedCount }, (_, k) => size + k).sort(compare);
    return { order, removedDocs, added, compare, space: allKeys.length };
  });

describe('mergeOrder (the next version\'s sorted order)', () => {
  it('equals the order of the kept and added documents sorted afresh, whatever is removed and added', () => {
    fc.assert(
      fc.property(history, ({ order, removedDocs, added, compare, space }) => {
        const rank = ranksOf(order, space);
        const removedRanks = Uint32Array.from(removedDocs, (d) => rank[d]!).sort();
        const gone = new Set(removedDocs);
        const calledWith = new Set<number>();
        const watched = (x: number, y: number): number => {
          calledWith.add(x).add(y);
          return compare(x, y);
        };
        const merged = mergeOrder(order, removedRanks, added, watched);
        const expected = [...order.filter((d) => !gone.has(d)), ...added].sort(compare);
        expect([...merged]).toEqual(expected);
        // a removed document is gone from the new version's index: never compared
        for (const d of removedDocs) expect(calledWith.has(d)).toBe(false);
        // the old order is left as it was (an older version may still be reading it)
        expect([...order]).toEqual([...order].sort(compare));
      }),
      { numRuns: 400 },
    );
  });

  it('places a single article among many by binary search, and one removed among many leaves the rest in order', () => {
    const keys = Array.from({ length: 5000 }, (_, d) => (d * 7919) % 1000);
    const compare = (x: number, y: number): number => keys[x]! - keys[y]! || x - y;
    const order = Uint32Array.from(keys.keys()).sort(compare);
    keys.push(500);
    let compares = 0;
    const counted = (x: number, y: number): number => {
      compares++;
      return compare(x, y);
    };
    const rank = ranksOf(order, keys.length);
    const removed = Uint32Array.of(rank[17]!, rank[4000]!).sort();
    const merged = mergeOrder(order, removed, Uint32Array.of(5000), counted);
    expect([...merged]).toEqual([...order.filter((d) => d !== 17 && d !== 4000), 5000].sort(compare));
    expect(compares).toBeLessThan(40);
  });
});
