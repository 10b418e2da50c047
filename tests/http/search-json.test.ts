import { afterAll, describe, expect, it } from 'vitest';
import { toSummary, type Article, type StoryRef } from '../../src/articles/schema.js';
import { Corpus, type SearchResult } from '../../src/corpus/index.js';
import { jsonString, searchPageBody, type SearchPageFields } from '../../src/http/representations.js';
import { SearchResponse } from '../../src/http/schemas/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { appFor, CORPUS_DIR } from '../helpers/app.js';
import { BBC_DIR, HAVE_BBC, bbcSkipReason } from '../helpers/paths.js';
import { rng } from '../search/bbc-corpus.js';

/** The page as the route built it before the splicing serialiser: summary spreads, then JSON.stringify. */
function referenceJson(page: SearchPageFields, hits: SearchResult['hits'], storyOf: (a: Article) => StoryRef): string {
  const { facets, ...rest } = page;
  return JSON.stringify({
    query: rest.query,
    items: hits.map((h) => ({
      ...toSummary(h.article, storyOf(h.article)),
      ...(h.reprints !== undefined ? { reprints: h.reprints } : {}),
      score: Math.round(h.score * 1e4) / 1e4,
      snippet: h.snippet,
      titleHighlight: h.titleMatched ? h.title : null,
    })),
    total: rest.total,
    totalEstimated: rest.totalEstimated,
    limit: rest.limit,
    offset: rest.offset,
    next: rest.next,
    suggestion: rest.suggestion,
    ...(facets !== undefined ? { facets } : {}),
  });
}

/** Runs `q` on the corpus in several shapes and checks the spliced JSON against the reference and the schema; returns the hits it compared. */
function compare(corpus: Corpus, q: string, variant: number): SearchResult['hits'] {
  const collapse = variant % 3 === 1;
  const facets = variant % 2 === 0 ? (['category', 'month', 'source'] as const) : [];
  const result = corpus.search(q, { sort: variant % 4 === 3 ? 'newest' : 'relevance', limit: 10 + (variant % 3) * 5, offset: variant % 5, fuzzy: variant % 2 === 1, facets, collapse });
  const storyOf = (a: Article): StoryRef => corpus.storyOf(a);
  const page: SearchPageFields = {
    query: q,
    total: result.total,
    totalEstimated: variant % 7 === 6,
    limit: 10,
    offset: result.offset,
    next: variant % 2 ? null : `/search?q=${q}&cursor=${variant}`,
    suggestion: result.suggestion,
    ...(facets.length ? { facets: result.facets } : {}),
  };
  // each hit's story (found from its document number) is the story looked up by the article's id
  for (const h of result.hits) expect(h.story).toEqual(storyOf(h.article));
  const body = searchPageBody(page, result.hits);
  const json = body.toString('utf8');
  expect(json).toBe(referenceJson(page, result.hits, storyOf));
  // exactly the UTF-8 of the reference: no byte left unwritten at the end of the buffer
  expect(body.equals(Buffer.from(referenceJson(page, result.hits, storyOf)))).toBe(true);
  const parsed = SearchResponse.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`page for ${q} does not match SearchResponse: ${parsed.error.message}`);
  return result.hits;
}

bbcSkipReason();

describe.skipIf(!HAVE_BBC)('search page JSON on BBC (spliced from kept summaries)', async () => {
  const corpus = HAVE_BBC ? new Corpus(await loadArticles(BBC_DIR)) : null;

  it('is byte-identical to JSON.stringify of the schema-shaped page for 600 random headline-word searches', () => {
    const titleWords = corpus!.articles.flatMap((a) => a.title.split(/\s+/).filter((w) => /^[A-Za-z']{3,}$/.test(w)));
    const r = rng(11);
    let hits = 0;
    let withReprints = 0;
    let withTitleHighlight = 0;
    for (let i = 0; i < 600; i++) {
      const n = 1 + (i % 3);
      const q = Array.from({ length: n }, () => titleWords[Math.floor(r() * titleWords.length)]!).join(i % 7 === 0 ? ' OR ' : ' ');
      const compared = compare(corpus!, q, i);
      hits += compared.length;
      withReprints += compared.filter((h) => h.reprints !== undefined && h.reprints > 0).length;
      withTitleHighlight += compared.filter((h) => h.titleMatched).length;
    }
    // the comparison must have covered real hits, not only empty pages
    expect(hits).toBeGreaterThan(1000);
    expect(withReprints).toBeGreaterThan(0);
    expect(withTitleHighlight).toBeGreaterThan(100);
  });

  it('escapes quotes, backslashes, controls and non-ASCII in the query and snippets as JSON.stringify does', () => {
    for (const q of ['"said the"', 'café OR "£5bn"', 'back\\slash OR tab\there', 'emoji 😀 OR lone \ud800 OR \u2028 line']) compare(corpus!, q, 0);
  });
});

describe('jsonString', () => {
  it('is JSON.stringify of any string: quotes, backslashes, controls, lone and paired surrogates, line separators', () => {
    const pool = ['a', 'é', '\u2026', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', '\ud83d\ude00', '\ud800', '\udc00', '<mark>', '&amp;', '\u2028', ' '];
    const r = rng(23);
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      for (let k = Math.floor(r() * 10); k > 0; k--) s += pool[Math.floor(r() * pool.length)]!;
      expect(jsonString(s), JSON.stringify([...s].map((c) => c.charCodeAt(0)))).toBe(JSON.stringify(s));
    }
    // the halves of a pair apart are each escaped; together, not
    expect(jsonString('\udc00\ud83d')).toBe('"\\udc00\\ud83d"');
    expect(jsonString('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });
});

describe('search route JSON (fixture corpus)', async () => {
  const { app } = await appFor(CORPUS_DIR);
  afterAll(() => app.close());

  it('sends bodies that re-serialise to themselves and match the schema', async () => {
    for (const qs of ['q=oil', 'q=oil&facets=source,category', 'q=inflation+OR+election&sort=newest&limit=1', 'q=oil&collapse=story', 'q=prices+OR+oil&fuzzy=true']) {
      const res = await app.inject({ method: 'GET', url: `/search?${qs}` });
      expect(res.statusCode, res.body).toBe(200);
      const body = JSON.parse(res.body);
      expect(JSON.stringify(body)).toBe(res.body);
      expect(SearchResponse.safeParse(body).success).toBe(true);
      expect(body.items.length).toBeGreaterThan(0);
    }
  });
});
