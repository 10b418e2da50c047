import { describe, expect, it } from 'vitest';
import { topK } from '../../src/search/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function reference(docs: Uint32Array, scores: ArrayLike<number>, k: number, offset: number): number[] {
  const ix = Array.from(docs, (_, i) => i);
  ix.sort((a, b) => scores[b]! - scores[a]! || docs[a]! - docs[b]!);
  return ix.slice(offset, offset + k);
}

describe('topK', () => {
  it('matches a full sort on random data (with many ties), with and without offset', () => {
    const r = rng(42);
    for (let round = 0; round < 50; round++) {
      const n = Math.floor(r() * 500);
      const docs = new Uint32Array(n);
      const perm = Array.from({ length: n }, (_, i) => i).sort(() => r() - 0.5);
      perm.forEach((d, i) => (docs[i] = d * 3));
      const scores = Float64Array.from({ length: n }, () => Math.floor(r() * 20) / 4);
      const k = Math.floor(r() * 30);
      const offset = Math.floor(r() * 10);
      expect(Array.from(topK(docs, scores, k, offset))).toEqual(reference(docs, scores, k, offset));
    }
  });

  it('handles k larger than n, k = 0 and empty input', () => {
    const docs = Uint32Array.of(5, 1, 9);
    const scores = [1, 1, 2];
    expect(Array.from(topK(docs, scores, 10))).toEqual([2, 1, 0]);
    expect(topK(docs, scores, 0).length).toBe(0);
    expect(topK(new Uint32Array(0), [], 5).length).toBe(0);
    expect(topK(docs, scores, 2, 5).length).toBe(0);
  });
});
