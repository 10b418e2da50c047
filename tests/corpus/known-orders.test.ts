import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/articles/schema.js';
import { Corpus } from '../../src/corpus/index.js';
import { knownOrdersOf } from '../../src/corpus/corpus.js';
import { loadArticles } from '../../src/loader/index.js';
import { FIXTURES } from '../helpers/paths.js';

describe('knownOrdersOf (digests and sorted orders made without an index)', () => {
  it('equals the digests and orders a full build makes, with tied dates and undated articles, in any document order', async () => {
    const loaded = (await loadArticles(FIXTURES)).articles;
    expect(loaded.length).toBeGreaterThan(20);
    // Every fifth article undated, every third (dated) one on one shared date: ties broken by id, undated last.
    const articles: Article[] = loaded.map((a, i) => ({ ...a, publishedAt: i % 5 === 0 ? null : i % 3 === 0 ? '2024-03-01T12:00:00.000Z' : a.publishedAt }));
    for (const order of [articles, [...articles].reverse(), [...articles].sort((x, y) => (x.id < y.id ? -1 : 1))]) {
      const built = new Corpus({ articles: order, problems: [], stats: (await loadArticles(FIXTURES)).stats }).toSegment();
      const known = knownOrdersOf(built.articles);
      expect(Array.from(known.digest)).toEqual(Array.from(built.orders.digest));
      expect(Array.from(known.byId)).toEqual(Array.from(built.orders.byId));
      expect(Array.from(known.newest)).toEqual(Array.from(built.orders.newest));
      expect(Array.from(known.oldest)).toEqual(Array.from(built.orders.oldest));
    }
  });
});
