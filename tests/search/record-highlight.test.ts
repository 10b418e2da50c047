/**
 * The highlighter PostgreSQL search uses (over fetched records, no index) marks what the
 * index-driven highlighter marks: same titles, same snippets, for every hit of many queries.
 */
import { describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { parseQuery } from '../../src/search/index.js';
import { highlightRecord } from '../../src/search/record-highlight.js';
import { CORPUS_DIR } from '../helpers/app.js';

const corpus = new Corpus(await loadArticles(CORPUS_DIR));

describe('highlightRecord', () => {
  it('gives every hit the title and snippet the index-driven highlighter gives it', () => {
    const queries = ['oil', 'oil prices', '"state of the union"', 'infla*', 'title:oil', 'lead:oil', 'body:(rate OR rates)', 'inflation OR election OR oil', 'pri* supply', '"bank holds"', 'rovers -storm'];
    let compared = 0;
    for (const q of queries) {
      const result = corpus.search(q, { sort: 'relevance', limit: 20, offset: 0 });
      expect(result.hits.length, q).toBeGreaterThan(0);
      for (const hit of result.hits) {
        const h = highlightRecord(hit.article, parseQuery(q));
        expect({ title: h.title, titleMatched: h.titleMatched, snippet: h.snippet }, `${q} → ${hit.article.id}`).toEqual({ title: hit.title, titleMatched: hit.titleMatched, snippet: hit.snippet });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('marks only the words of this record that start with a prefix, HTML-escaped', () => {
    const article = corpus.get('business-shell-payoff')!;
    const h = highlightRecord(article, parseQuery('pay*'));
    expect(h.snippet).toContain('<mark>pay</mark>');
    expect(h.title).toBe('$1m <mark>payoff</mark> for former Shell boss');
    expect(highlightRecord(article, parseQuery('"<b>" shell')).title).not.toContain('<b>');
  });
});
