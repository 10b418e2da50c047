import { afterAll, describe, expect, it } from 'vitest';
import { Article } from '../../src/articles/schema.js';
import { ArticleList } from '../../src/http/schemas/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';

const { app } = await appFor();
afterAll(() => app.close());
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

describe('GET /articles', () => {
  it('lists newest first, undated last, with paging fields', async () => {
    const body = okJson(await get('/articles'), ArticleList);
    expect(body.total).toBe(7);
    expect(body.limit).toBe(20);
    expect(body.offset).toBe(0);
    expect(body.next).toBeNull();
    const dates = body.items.map((a) => a.publishedAt);
    expect(dates.at(-1)).toBeNull();
    const dated = dates.filter((d): d is string => d !== null);
    expect(dated).toEqual([...dated].sort().reverse());
    expect(Object.keys(body.items[0]!)).toEqual(['id', 'slug', 'title', 'source', 'category', 'byline', 'publishedAt', 'dateSource', 'lead', 'cover', 'wordCount', 'story']);
  });

  it('sorts oldest first on request, undated still last', async () => {
    const body = okJson(await get('/articles?sort=oldest'), ArticleList);
    expect(body.items[0]!.id).toBe('politics-election-called');
    expect(body.items.at(-1)!.publishedAt).toBeNull();
  });

  it('pages with limit and offset and links the next page', async () => {
    const first = okJson(await get('/articles?limit=3'), ArticleList);
    expect(first.items).toHaveLength(3);
    expect(first.next).toBe('/articles?limit=3&offset=3');
    const second = okJson(await get(first.next!), ArticleList);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    const last = okJson(await get('/articles?limit=3&offset=6'), ArticleList);
    expect(last.items).toHaveLength(1);
    expect(last.next).toBeNull();
    const past = okJson(await get('/articles?offset=50'), ArticleList);
    expect(past.items).toEqual([]);
    expect(past.total).toBe(7);
  });

  it('filters by source, category and inclusive date range, combined', async () => {
    expect(okJson(await get('/articles?source=reuters'), ArticleList).items.map((a) => a.id).sort()).toEqual(['business-bank-holds-rates', 'business-oil-prices-climb']);
    expect(okJson(await get('/articles?category=politics'), ArticleList).total).toBe(2);
    const jan = okJson(await get('/articles?from=2022-01-05&to=2022-01-20'), ArticleList);
    expect(jan.items.map((a) => a.id)).toEqual(['politics-budget-talks', 'politics-election-called']);
    expect(okJson(await get('/articles?category=politics&source=reuters'), ArticleList).total).toBe(0);
    expect(okJson(await get('/articles?source=nobody'), ArticleList).total).toBe(0);
    expect(okJson(await get('/articles?to=2022-01-20T00:00:00Z'), ArticleList).items.map((a) => a.id)).toEqual([
      'politics-budget-talks',
      'politics-election-called',
    ]);
  });

  it('answers bad parameters with a problem naming the parameter', async () => {
    for (const [url, param] of [
      ['/articles?limit=0', 'limit'],
      ['/articles?limit=101', 'limit'],
      ['/articles?limit=abc', 'limit'],
      ['/articles?offset=-1', 'offset'],
      ['/articles?sort=random', 'sort'],
      ['/articles?from=yesterday', 'from'],
      ['/articles?to=2022-02-30', 'to'],
      ['/articles?limit=1&limit=2', 'limit'],
    ] as const) {
      const p = problem(await get(url), 400);
      expect(p.errors?.[0]).toMatchObject({ in: 'query', parameter: param });
      expect(p.detail).toContain(param);
    }
  });
});

describe('GET /articles/{id}', () => {
  it('returns the full article by id and by slug, matching the Article schema', async () => {
    const byId = okJson(await get('/articles/business-oil-prices-climb'), Article);
    expect(byId.title).toBe('Oil prices climb as supply tightens');
    expect(byId.dateline?.place).toBe('LONDON');
    const bySlug = okJson(await get(`/articles/${byId.slug}`), Article);
    expect(bySlug).toEqual(byId);
  });

  it('fills related ids for headlines of loaded articles', async () => {
    const a = okJson(await get('/articles/politics-budget-talks'), Article);
    expect(a.related).toEqual([
      { title: 'Prime minister calls snap election', id: 'politics-election-called', url: null },
      { title: 'Oil prices climb as supply tightens', id: 'business-oil-prices-climb', url: null },
    ]);
  });

  it('answers 404 problem for an unknown id, and 400 for an over-long one', async () => {
    const p = problem(await get('/articles/no-such-story'), 404);
    expect(p.detail).toContain('no-such-story');
    expect(problem(await get(`/articles/${'x'.repeat(300)}`), 400).errors?.[0]).toMatchObject({ in: 'path', parameter: 'id' });
    expect(problem(await get(`/articles/${'x'.repeat(2000)}`), 414).detail).toMatch(/max param length/);
    expect(problem(await get('/articles/%E0%A4%A'), 400).title).toBe('Bad Request');
  });

  it('sends a strong ETag, Cache-Control, and 304 on If-None-Match', async () => {
    const res = await get('/articles/business-oil-prices-climb');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const again = await get('/articles/business-oil-prices-climb', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await get('/articles/business-oil-prices-climb', { 'if-none-match': '"other"' })).statusCode).toBe(200);
    expect((await get('/articles/politics-budget-talks')).headers.etag).not.toBe(etag);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/articles/business-oil-prices-climb' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBeTruthy();
  });
});
