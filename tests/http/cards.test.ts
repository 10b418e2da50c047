import { afterAll, describe, expect, it } from 'vitest';
import { ArticleList, SearchResponse } from '../../src/http/schemas/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';

const { app } = await appFor(undefined, { rateLimitMax: 0 });
afterAll(() => app.close());
const get = (url: string) => app.inject({ method: 'GET', url });

describe('GET /articles?ids=', () => {
  it('returns the articles asked for, in the order asked, and reports unknown ids without failing', async () => {
    const body = okJson(await get('/articles?ids=politics-budget-talks,no-such-article,business-oil-prices-climb,politics-budget-talks'), ArticleList);
    expect(body.items.map((a) => a.id)).toEqual(['politics-budget-talks', 'business-oil-prices-climb']);
    expect(body.missing).toEqual(['no-such-article']);
    expect(body.total).toBe(2);
    expect(body.next).toBeNull();
    expect(body.items[0]!.story.size).toBeGreaterThanOrEqual(1);
    expect((await get('/articles')).json().missing).toBeUndefined();
  });

  it('is bounded, takes only ids, and refuses other parameters beside it', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `a${i}`).join(',');
    expect(problem(await get(`/articles?ids=${many}`), 400).errors?.[0]).toMatchObject({ parameter: 'ids', reason: expect.stringContaining('at most 100') });
    expect(problem(await get('/articles?ids=Not_An_Id'), 400).errors?.[0]?.parameter).toBe('ids');
    const p = problem(await get('/articles?ids=business-oil-prices-climb&limit=5&category=business'), 400);
    expect(p.errors?.map((e) => e.parameter)).toEqual(['limit', 'category']);
  });
});

describe('unknown query parameters', () => {
  it('are a 400 problem naming each one and listing what the route accepts', async () => {
    const p = problem(await get('/articles?q=blair'), 400);
    expect(p.errors).toEqual([{ in: 'query', parameter: 'q', reason: expect.stringContaining('accepts source, category, author, tag, language, from, to, limit, offset, sort') }]);
    expect(p.detail).toContain("'q'");
    expect(problem(await get('/articles?page=2'), 400).errors?.[0]?.parameter).toBe('page');
    const two = problem(await get('/search?q=oil&lmit=5&colapse=story'), 400);
    expect(two.errors?.map((e) => e.parameter)).toEqual(['lmit', 'colapse']);
    expect(two.errors?.[0]?.reason).toContain('facets');
    expect(problem(await get('/health?verbose=1'), 400).errors?.[0]?.reason).toContain('accepts no query parameters');
    expect(problem(await get('/articles/business-oil-prices-climb?x=1'), 400).errors?.[0]?.parameter).toBe('x');
    expect(problem(await get('/stories?sort=newest'), 400).errors?.[0]?.parameter).toBe('sort');
  });

  it('known ones still work everywhere', async () => {
    expect((await get('/articles?limit=2&sort=oldest&collapse=story')).statusCode).toBe(200);
    expect((await get('/search?q=oil&fuzzy=true&facets=source&facetCount=stories&collapse=story&format=json')).statusCode).toBe(200);
    expect((await get('/articles/business-oil-prices-climb/related?limit=3')).statusCode).toBe(200);
    expect((await get('/health')).statusCode).toBe(200);
  });
});

describe('filter values match whatever their case', () => {
  it('category=Business is category=business; source=REUTERS is source=reuters', async () => {
    const lower = okJson(await get('/articles?category=business'), ArticleList);
    expect(lower.total).toBeGreaterThan(0);
    expect(okJson(await get('/articles?category=Business'), ArticleList).items).toEqual(lower.items);
    expect(okJson(await get('/articles?category=BUSINESS'), ArticleList).total).toBe(lower.total);
    const reuters = okJson(await get('/articles?source=reuters'), ArticleList);
    expect(reuters.total).toBeGreaterThan(0);
    expect(okJson(await get('/articles?source=REUTERS'), ArticleList).items).toEqual(reuters.items);
    expect(okJson(await get('/search?q=oil&source=Reuters'), SearchResponse).total).toBe(okJson(await get('/search?q=oil&source=reuters'), SearchResponse).total);
  });
});
