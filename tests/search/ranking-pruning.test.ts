/**
 * The proximity and headline bonuses are computed only for the matches that can still reach the
 * page (`rankWithBonuses`, `Corpus.searchQuery`): the pages must be exactly those of ranking every
 * match with its bonuses (`match` with bonuses, then `topK`; the corpus's `exhaustive` option).
 */
import { paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { parseQuery, SearchIndex, topK } from '../../src/search/index.js';
import type { SearchDocument } from '../../src/search/index.js';
import { mulberry32 } from '../../bench/lib/prng.js';
import { QUERY_KINDS, isTypoKind, querySet } from '../../bench/lib/quality.js';
import { BBC_ROOT, bbcExists, rng } from './bbc-corpus.js';

const WORDS = ('oil gas coal prices rise fall bank rates inflation government minister election vote union state market shares ' +
  'football match goal player the of and in to a is was report said officials talks strike port').split(' ');

function documents(count: number, seed: number): SearchDocument[] {
  const random = rng(seed);
  const sentence = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(' ') + '.';
  return Array.from({ length: count }, () => ({
    title: sentence(2 + Math.floor(random() * 5)),
    paragraphs: Array.from({ length: 1 + Math.floor(random() * 4) }, () => sentence(3 + Math.floor(random() * 25))),
  }));
}

describe('bonuses only where they can change the page', () => {
  // three segments, some documents deleted: many matches per query, many equal scores
  const first = documents(700, 3);
  let index = SearchIndex.build(first);
  index = index.withChanges({ add: documents(500, 4), delete: [3, 10, 11, 400] });
  index = index.withChanges({ add: documents(300, 5), delete: [800, 1000] });
  const rank = Uint32Array.from({ length: index.documentSpace }, (_, d) => (d * 7919) % index.documentSpace);
  const queries = ['oil prices', 'bank rates inflation', 'the minister said', 'football match goal player', 'oil OR gas', 'prices -oil rates', '"bank rates" vote', 'title:oil prices'];
  const random = rng(9);
  for (let i = 0; i < 40; i++) queries.push(`${WORDS[Math.floor(random() * WORDS.length)]} ${WORDS[Math.floor(random() * WORDS.length)]} ${WORDS[Math.floor(random() * WORDS.length)]}`);

  it('gives the page (positions and scores) of ranking every match with its bonuses', () => {
    let pruned = 0;
    for (const q of queries) {
      const query = parseQuery(q);
      const full = index.match(query);
      for (const [limit, offset] of [[1, 0], [10, 0], [10, 10], [20, 35], [5, 1000]] as const) {
        const expected = topK(Uint32Array.from(full.docs, (d) => rank[d]!), full.scores, limit, offset);
        const base = index.match(query, { bonuses: false });
        const scores = base.scores.slice();
        const page = index.rankWithBonuses(query, base.docs, scores, rank, limit, offset);
        expect(Array.from(page, (k) => base.docs[k]), `${q} ${limit}/${offset}`).toEqual(Array.from(expected, (k) => full.docs[k]));
        expect(Array.from(page, (k) => scores[k]), `${q} ${limit}/${offset}`).toEqual(Array.from(expected, (k) => full.scores[k]));
        // how many matches went without their bonuses (the test must exercise the pruning)
        for (let k = 0; k < scores.length; k++) if (scores[k] === base.scores[k] && full.scores[k] !== base.scores[k]) pruned++;
      }
    }
    expect(pruned).toBeGreaterThan(1000);
  });

  it('adds the bonuses in place where asked, as `match` does', () => {
    const query = parseQuery('oil prices rates');
    const full = index.match(query);
    const base = index.match(query, { bonuses: false });
    const scores = base.scores.slice();
    index.addBonuses(query, base.docs, scores, null);
    expect(Array.from(scores)).toEqual(Array.from(full.scores));
    const some = base.scores.slice();
    index.addBonuses(query, base.docs, some, [2, 5, 9]);
    expect([some[2], some[5], some[9], some[3]]).toEqual([full.scores[2], full.scores[5], full.scores[9], base.scores[3]]);
    expect(full.scores[3]).not.toBe(base.scores[3]);
  });
});

if (!bbcExists) console.warn(`[search] skipping the BBC half of the pruning tests: ${BBC_ROOT} not found`);

describe.skipIf(!bbcExists)('bonuses only where they can change the page: BBC, the quality samplers', () => {
  it('answers every sampled query as ranking every match does (hits, scores, highlights, suggestion)', async () => {
    const corpus = new Corpus(await loadArticles(BBC_ROOT));
    const docs = corpus.articles.map((a) => ({ title: a.title, paragraphs: [...paragraphsOf(a)], category: '', month: '' }));
    const random = mulberry32(1);
    let compared = 0;
    for (const kind of QUERY_KINDS) {
      for (const { q } of querySet(random, kind, docs, 40)) {
        const fuzzy = isTypoKind(kind);
        for (const [sort, limit, offset] of [['relevance', 3, 0], ['relevance', 10, 4], ['relevance', 20, 0], ['newest', 5, 0]] as const) {
          const options = { sort, limit, offset, fuzzy, facets: [], collapse: false } as const;
          const fast = corpus.search(q, options);
          const slow = corpus.search(q, { ...options, exhaustive: true });
          const view = (r: typeof fast) => ({ total: r.total, suggestion: r.suggestion, hits: r.hits.map((h) => [h.article.id, h.score, h.title, h.titleMatched, h.snippet]) });
          expect(view(fast), `${kind}: ${q} (${sort} ${limit}/${offset})`).toEqual(view(slow));
          compared += fast.hits.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(3000);
    // twenty-three kinds since session 11 (about 15 s alone): room for the full suite on a loaded machine
  }, 120_000);
});
