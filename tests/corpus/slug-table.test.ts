/** SlugTable (src/corpus/slug-table.ts): a segment's documents by slug, held in typed arrays. */
import { describe, expect, it } from 'vitest';
import { SlugTable } from '../../src/corpus/slug-table.js';

describe('SlugTable', () => {
  it('finds every document of a slug, shared slugs included, through growth past its reserve, and none for a slug it does not hold', () => {
    // 6,000 documents, every 7th sharing the slug of the one before it; reserved for 100, so the table grows
    const slugs = Array.from({ length: 6000 }, (_, d) => (d % 7 === 0 && d > 0 ? `story-${d - 1}` : `story-${d}`));
    const table = new SlugTable((d) => slugs[d]!, 100);
    slugs.forEach((slug, d) => table.add(slug, d));
    const expected = new Map<string, number[]>();
    slugs.forEach((slug, d) => expected.set(slug, [...(expected.get(slug) ?? []), d]));
    for (const [slug, docs] of expected) {
      const found: number[] = [];
      table.forEach(slug, (d) => found.push(d));
      expect(found.sort((x, y) => x - y)).toEqual(docs);
    }
    expect(expected.get('story-6')).toEqual([6, 7]);
    for (const absent of ['story-7', 'story-6000', '', 'Story-1']) {
      const found: number[] = [];
      table.forEach(absent, (d) => found.push(d));
      expect(found).toEqual([]);
    }
  });
});
