import { describe, expect, it } from 'vitest';
import { UnionScratch } from '../../src/search/postings.js';
import type { MatchResult } from '../../src/search/options.js';
import { rng } from './bbc-corpus.js';

/** `count` random lists of ascending distinct documents below `space`, with random scores. */
function lists(random: () => number, count: number, space: number, density: number): MatchResult[] {
  return Array.from({ length: count }, () => {
    const docs: number[] = [];
    for (let d = 0; d < space; d++) if (random() < density) docs.push(d);
    return { docs: Uint32Array.from(docs), scores: Float64Array.from(docs, () => random() * 10) };
  });
}

/** The union by definition: per document, the scores in list order, summed left to right, or their maximum. */
function reference(input: MatchResult[], max: boolean): Array<[number, number]> {
  const byDoc = new Map<number, number>();
  for (const l of input) l.docs.forEach((d, i) => byDoc.set(d, byDoc.has(d) ? (max ? Math.max(byDoc.get(d)!, l.scores[i]!) : byDoc.get(d)! + l.scores[i]!) : l.scores[i]!));
  return [...byDoc].sort((a, b) => a[0] - b[0]);
}

describe('UnionScratch.union', () => {
  it('merges few lists and accumulates many alike: both equal the definition (sums in list order)', () => {
    const random = rng(5);
    // 2-4 lists are merged; 5+ dense ones go through the accumulator; sparse ones are merged
    for (const [count, density] of [[2, 0.3], [3, 0.05], [4, 0.5], [6, 0.4], [9, 0.01], [12, 0.2]] as const) {
      for (const max of [false, true]) {
        const input = lists(random, count, 3000, density);
        const union = new UnionScratch(3000).union(input, max);
        const got = Array.from(union.docs, (d, i) => [d, union.scores[i]!]);
        expect(got, `${count} lists, density ${density}, max ${max}`).toEqual(reference(input, max));
      }
    }
  });

  it('reuses its accumulator across unions of one execution', () => {
    const random = rng(6);
    const scratch = new UnionScratch(500);
    for (let round = 0; round < 5; round++) {
      const input = lists(random, 8, 500, 0.3);
      const union = scratch.union(input, false);
      expect(Array.from(union.docs, (d, i) => [d, union.scores[i]!])).toEqual(reference(input, false));
    }
  });
});
