import { paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import { parseQuery, SearchIndex, topK } from '../../src/search/index.js';
import { BBC_ROOT, bbcExists, knownItemQueries, loadBbc } from './bbc-corpus.js';

if (!bbcExists) console.warn(`[search] skipping BBC corpus tests: ${BBC_ROOT} not found`);

describe.skipIf(!bbcExists)('BBC corpus', () => {
  const docs = bbcExists ? loadBbc() : [];
  const idx = SearchIndex.build(docs);
  const same = (a: number, b: number): boolean =>
    a === b || (docs[a]!.title === docs[b]!.title && paragraphsOf(docs[a]!).join('\n') === paragraphsOf(docs[b]!).join('\n'));

  it('known-item MRR@10 >= 0.9', () => {
    const queries = knownItemQueries(docs);
    let mrr = 0;
    for (const { doc, q } of queries) {
      const r = idx.match(parseQuery(q));
      const top = topK(r.docs, r.scores, 10);
      const rank = Array.from(top).findIndex((i) => same(r.docs[i]!, doc));
      if (rank >= 0) mrr += 1 / (rank + 1);
    }
    mrr /= queries.length;
    expect(queries.length).toBeGreaterThan(200);
    expect(mrr).toBeGreaterThanOrEqual(0.9);
  });

  it('finds money amounts and highlights them safely', () => {
    const r = idx.match(parseQuery('£522,000'));
    const d = r.docs[0]!;
    expect(docs[d]!.title).toBe('$1m payoff for former Shell boss');
    expect(idx.highlight(d, parseQuery('£522,000')).snippet).toContain('£<mark>522,000</mark>');
  });

  it('phrase results are a subset of the AND results', () => {
    const and = new Set(idx.match(parseQuery('interest rates')).docs);
    const phrase = idx.match(parseQuery('"interest rates"')).docs;
    expect(phrase.length).toBeGreaterThan(10);
    expect(phrase.length).toBeLessThan(and.size);
    for (const d of phrase) expect(and.has(d)).toBe(true);
  });
});
