/**
 * One route suite, run against both search backends: `memory` (the default) and `postgres`
 * (SEARCH_BACKEND=postgres: every route answered by SQL over the ingested fixtures). The same
 * requests get the same contract; listings, lookups, filters, facets, sources, categories and
 * date-sorted searches get the same answers as the memory backend (the reference, built once);
 * relevance order, scores, stories and suggestions differ only as the README documents
 * ("Search in PostgreSQL"), and only there do the assertions differ.
 */
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleView } from '../../src/articles/schema.js';
import { ArticleList, CategoryList, Health, RelatedResponse, SearchResponse, SourceList, StoryDetail, StoryList } from '../../src/http/schemas/index.js';
import { PROBLEM_TYPE } from '../../src/http/problems.js';
import { okJson, problem } from '../helpers/app.js';
import { BACKENDS, backendFor, memoryBackend, postgresBackend, type Backend } from '../helpers/backends.js';
import { startPostgres } from '../helpers/postgres.js';

const reference = await memoryBackend();
afterAll(() => reference.close());

const get = (b: Backend, url: string, headers: Record<string, string> = {}) => b.app.inject({ method: 'GET', url, headers });
const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id);
/** An answer without what is allowed to differ between backends: story references and cursor tokens (they name the version). */
function comparable(res: LightMyRequestResponse): unknown {
  return JSON.parse(res.body, (key, v: unknown) => (key === 'story' ? undefined : key === 'next' && typeof v === 'string' ? v.replace(/cursor=[\w-]+/u, 'cursor=…') : v));
}

/** Every page of a listing or search, following `next`: the ids and offsets seen. */
async function walk(b: Backend, url: string): Promise<{ ids: string[]; offsets: number[] }> {
  const seen: string[] = [];
  const offsets: number[] = [];
  for (let next: string | null = url, n = 0; next !== null && n < 50; n++) {
    const res = await get(b, next);
    expect(res.statusCode, `${next}: ${res.body}`).toBe(200);
    const body = JSON.parse(res.body) as { items: Array<{ id: string }>; offset: number; next: string | null };
    seen.push(...ids(body));
    offsets.push(body.offset);
    next = body.next;
  }
  return { ids: seen, offsets };
}

const LISTINGS = [
  '/articles',
  '/articles?sort=oldest',
  '/articles?limit=2&offset=1',
  '/articles?sort=oldest&limit=3&offset=4',
  '/articles?source=REUTERS',
  '/articles?category=business&sort=oldest',
  '/articles?from=2022-02-01',
  '/articles?to=2022-01-31&sort=oldest',
  '/articles?language=en&limit=3',
  '/articles?source=nobody',
  '/articles?category=BUSINESS&limit=2',
  '/articles?category=politics&source=reuters',
  '/articles?category=no-such-section',
  '/articles?ids=politics-budget-talks,nope,business-oil-prices-climb',
  '/articles?collapse=story&limit=3',
];

const QUERIES = [
  'oil',
  'oil subsidies',
  '"state of the union"',
  '"union the of state"',
  'oil -subsidies',
  'inflation NOT gas',
  'RATES',
  'inflation OR election OR oil',
  '(oil OR gas) prices',
  'title:oil',
  'title:(bank OR cup)',
  'infla*',
  'the',
  'oil the',
  'rovers -(cup OR final)',
  'nonexistentword',
];

describe.each(BACKENDS)('%s backend', (name) => {
  let b: Backend;
  beforeAll(async () => {
    b = await backendFor(name);
  });
  afterAll(() => b.close());

  it('lists, filters and pages by offset as the memory backend does', async () => {
    for (const url of LISTINGS) {
      const res = await get(b, url);
      okJson(res, ArticleList);
      expect(comparable(res), url).toEqual(comparable(await get(reference, url)));
    }
  });

  it('pages by cursor through every article once, with the same offsets', async () => {
    for (const url of ['/articles?limit=2', '/articles?sort=oldest&limit=3', '/articles?category=business&limit=1', '/articles?collapse=story&limit=2', '/articles?collapse=story&sort=oldest&limit=3', '/search?q=inflation+OR+election+OR+oil&sort=newest&limit=1']) {
      const ours = await walk(b, url);
      expect(ours, url).toEqual(await walk(reference, url));
      expect(new Set(ours.ids).size, url).toBe(ours.ids.length);
    }
  });

  it('looks an article up by id and by slug, and answers 404 problems for others', async () => {
    for (const key of ['business-oil-prices-climb', 'oil-prices-climb-as-supply-tightens']) {
      const article = okJson(await get(b, `/articles/${key}`), ArticleView);
      expect(article.id).toBe('business-oil-prices-climb');
      expect({ ...article, story: undefined }).toEqual({ ...(JSON.parse((await get(reference, `/articles/${key}`)).body) as object), story: undefined });
    }
    expect(problem(await get(b, '/articles/no-such-article'), 404).detail).toMatch(/no-such-article/);
  });

  it('finds the same articles for every kind of query, in the same order by date', async () => {
    for (const q of QUERIES) {
      const url = `/search?q=${encodeURIComponent(q)}`;
      const ours = okJson(await get(b, url), SearchResponse);
      const ref = JSON.parse((await get(reference, url)).body) as typeof ours;
      expect(ids(ours).sort(), q).toEqual(ids(ref).sort());
      expect(ours.total, q).toBe(ref.total);
      for (const sort of ['newest', 'oldest']) {
        const dated = `${url}&sort=${sort}`;
        expect(ids(okJson(await get(b, dated), SearchResponse)), dated).toEqual(ids(JSON.parse((await get(reference, dated)).body) as typeof ours));
      }
    }
  });

  it('ranks a headline match above a body match, and marks matches in titles and snippets', async () => {
    const body = okJson(await get(b, '/search?q=oil'), SearchResponse);
    expect(ids(body)).toEqual(['business-oil-prices-climb', 'politics-budget-talks']);
    expect(body.items[0]!.score).toBeGreaterThan(body.items[1]!.score);
    expect(body.items[0]!.titleHighlight).toBe('<mark>Oil</mark> prices climb as supply tightens');
    expect(body.items[1]!.snippet).toContain('<mark>oil</mark>');
    const prefix = okJson(await get(b, '/search?q=infla*'), SearchResponse);
    expect(prefix.items.every((i) => i.snippet.includes('<mark>inflation</mark>'))).toBe(true);
  });

  it('combines the query with filters, and counts facets over the whole match as the memory backend does', async () => {
    for (const qs of ['q=oil&source=cgtn', 'q=oil&from=2022-02-01', 'q=prices&category=politics']) {
      expect(ids(okJson(await get(b, `/search?${qs}`), SearchResponse)), qs).toEqual(ids(JSON.parse((await get(reference, `/search?${qs}`)).body) as { items: Array<{ id: string }> }));
    }
    const url = '/search?q=inflation+OR+election+OR+oil&limit=1&facets=category,source,month,language,author,tag';
    const ours = okJson(await get(b, url), SearchResponse);
    expect(ours.total).toBe(4);
    expect(ours.facets).toEqual((JSON.parse((await get(reference, url)).body) as typeof ours).facets);
    expect(ours.facets?.month).toEqual([
      { value: '2022-01', count: 2 },
      { value: '2022-02', count: 1 },
      { value: '2022-03', count: 1 },
    ]);
  });

  it('pages relevance results by cursor: every match once', async () => {
    const { ids: seen, offsets } = await walk(b, '/search?q=inflation+OR+election+OR+oil&limit=1');
    expect([...seen].sort()).toEqual(ids(JSON.parse((await get(reference, '/search?q=inflation+OR+election+OR+oil')).body) as { items: Array<{ id: string }> }).sort());
    expect(offsets).toEqual([0, 1, 2, 3]);
  });

  it('answers malformed queries with the same 400 problems', async () => {
    for (const q of ['(oil', '"unclosed', '-oil', 'title:', 'oil OR', 'nope:oil', 'a*']) {
      const url = `/search?q=${encodeURIComponent(q)}`;
      const p = problem(await get(b, url), 400);
      expect(p.type, q).toBe(PROBLEM_TYPE.invalidQuery);
      expect(p, q).toEqual(JSON.parse((await get(reference, url)).body));
    }
  });

  it('lists sources and categories with their counts as the memory backend does', async () => {
    for (const [url, schema] of [
      ['/sources', SourceList],
      ['/categories', CategoryList],
    ] as const) {
      const res = await get(b, url);
      okJson(res, schema);
      expect(res.body).toBe((await get(reference, url)).body);
    }
  });

  it('finds related articles (never the article itself), 404 for an unknown one', async () => {
    const body = okJson(await get(b, '/articles/business-bank-holds-rates/related?limit=3'), RelatedResponse);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(3);
    expect(ids(body)).not.toContain('business-bank-holds-rates');
    problem(await get(b, '/articles/nope/related'), 404);
  });

  it('answers stories honestly: near-duplicate groups in memory, a story of one per article in PostgreSQL', async () => {
    const list = okJson(await get(b, '/stories'), StoryList);
    const one = okJson(await get(b, '/stories/business-oil-prices-climb'), StoryDetail);
    expect(one.articles.map((a) => a.id)).toContain('business-oil-prices-climb');
    problem(await get(b, '/stories/no-such-story'), 404);
    if (name === 'postgres') {
      expect(list.total).toBe(7);
      expect(list.items.every((s) => s.size === 1)).toBe(true);
      expect(okJson(await get(b, '/stories?minSize=2'), StoryList).total).toBe(0);
    } else expect(list.total).toBe(okJson(await get(reference, '/stories'), StoryList).total);
  });

  it('names its version, and answers 304 to a matching If-None-Match', async () => {
    for (const url of ['/articles', '/search?q=oil', '/articles/business-oil-prices-climb', '/sources']) {
      const first = await get(b, url);
      expect(first.headers['x-corpus-version'], url).toMatch(name === 'postgres' ? /^change-\d+$/u : /^[a-f0-9]{32}$/u);
      const again = await get(b, url, { 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode, url).toBe(304);
    }
    const h = okJson(await get(b, '/health'), Health);
    expect(h.articles).toBe(7);
    expect(h.corpus.version).toBe((await get(b, '/articles')).headers['x-corpus-version']);
  });

  it('sends listings and searches as feeds', async () => {
    for (const url of ['/articles.rss', '/search.atom?q=oil', '/articles.jsonfeed?sort=oldest']) {
      const res = await get(b, url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^application\/(rss\+xml|atom\+xml|feed\+json)/u);
    }
  });
});

describe('postgres backend: the statement timeout', () => {
  it('answers a read that outlasts it with a 503 problem, and serves again once the database is free', async () => {
    const b = await postgresBackend(undefined, {}, { statementTimeoutMs: 300 });
    // Another session holds the table, so every read waits (and the timeout counts the wait).
    const blocker = new pg.Client({ connectionString: b.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      for (const url of ['/search?q=oil', '/articles?category=business', '/articles/business-oil-prices-climb']) {
        const res = await get(b, url);
        const p = problem(res, 503);
        expect(p.type, url).toBe(PROBLEM_TYPE.storeBusy);
        expect(p.detail, url).toMatch(/statement timeout/);
        expect(res.headers['retry-after'], url).toBe('1');
      }
      await blocker.query('ROLLBACK');
      expect(ids(okJson(await get(b, '/search?q=oil'), SearchResponse))).toContain('business-oil-prices-climb');
    } finally {
      await blocker.end();
      await b.close();
    }
  });
});

describe('postgres backend: the database stopped and started again', () => {
  it('answers 503 problems (never a 5xx of its own) and a degraded /health while it is down, then serves again', async () => {
    const server = await startPostgres();
    const b = await postgresBackend(undefined, {}, { adminUrl: server.url });
    try {
      expect(ids(okJson(await get(b, '/search?q=oil'), SearchResponse))).toContain('business-oil-prices-climb');
      await server.stop();
      for (const url of ['/search?q=gas', '/articles?category=sport', '/articles/business-bank-holds-rates', '/categories', '/articles/business-bank-holds-rates/related']) {
        const p = problem(await get(b, url), 503);
        expect(p.type, url).toBe(PROBLEM_TYPE.storeBusy);
      }
      await b.refresh();
      const health = okJson(await get(b, '/health'), Health);
      expect(health.status).toBe('degraded');
      expect(health.database?.state).toBe('reconnecting');
      await server.start();
      await b.refresh();
      expect(ids(okJson(await get(b, '/search?q=gas'), SearchResponse))).toContain('business-oil-prices-climb');
      expect(okJson(await get(b, '/health'), Health).status).toBe('ok');
    } finally {
      await b.close();
      await server.destroy();
    }
  });
});
