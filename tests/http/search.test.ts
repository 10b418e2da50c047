import { afterAll, describe, expect, it } from 'vitest';
import { RelatedResponse, SearchResponse } from '../../src/http/schemas/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';

const { app } = await appFor();
afterAll(() => app.close());
const search = async (qs: string) => okJson(await app.inject({ method: 'GET', url: `/search?${qs}` }), SearchResponse);
const ids = (b: { items: Array<{ id: string }> }) => b.items.map((i) => i.id);

describe('GET /search', () => {
  it('ANDs terms and ranks a headline match first', async () => {
    const b = await search('q=oil');
    expect(ids(b)).toEqual(['business-oil-prices-climb', 'politics-budget-talks']);
    expect(b.query).toBe('oil');
    expect(b.total).toBe(2);
    expect(b.items[0]!.score).toBeGreaterThan(b.items[1]!.score);
    expect(ids(await search('q=oil+subsidies'))).toEqual(['politics-budget-talks']);
  });

  it('matches quoted phrases in order, excludes -terms', async () => {
    expect(ids(await search(`q=${encodeURIComponent('"state of the union"')}`))).toEqual(['politics-election-called']);
    expect((await search(`q=${encodeURIComponent('"union the of state"')}`)).total).toBe(0);
    expect(ids(await search('q=oil+-subsidies'))).toEqual(['business-oil-prices-climb']);
    expect(ids(await search('q=inflation+NOT+gas'))).toEqual(['business-bank-holds-rates']);
  });

  it('stems, folds case, and treats money as words', async () => {
    expect(ids(await search('q=RATES')).sort()).toEqual(['business-bank-holds-rates']);
    expect(ids(await search(`q=${encodeURIComponent('£522,000')}`))).toEqual(['business-shell-payoff']);
    expect(ids(await search(`q=${encodeURIComponent('$1m')}`))).toEqual(['business-shell-payoff']);
  });

  it('combines the query with the listing filters and date sorts', async () => {
    expect(ids(await search('q=prices&category=politics'))).toEqual([]);
    expect(ids(await search('q=oil&source=cgtn'))).toEqual(['politics-budget-talks']);
    expect(ids(await search('q=oil&from=2022-02-01'))).toEqual(['business-oil-prices-climb']);
    expect(ids(await search('q=inflation+OR+election&sort=oldest'))).toEqual(['politics-election-called', 'business-bank-holds-rates', 'business-oil-prices-climb']);
    expect(ids(await search('q=inflation+OR+election&sort=newest'))).toEqual(['business-oil-prices-climb', 'business-bank-holds-rates', 'politics-election-called']);
  });

  it('pages, with next, and counts facets over the whole result set', async () => {
    const b = await search('q=inflation+OR+election+OR+oil&limit=1&facets=category,source,month');
    expect(b.items).toHaveLength(1);
    expect(b.total).toBe(4);
    expect(b.next).toMatch(/^\/search\?q=inflation\+OR\+election\+OR\+oil&limit=1&facets=category%2Csource%2Cmonth&cursor=[\w-]+$/);
    const second = await search(b.next!.slice('/search?'.length));
    expect(second.offset).toBe(1);
    expect(second.items).toEqual((await search('q=inflation+OR+election+OR+oil&limit=1&facets=category,source,month&offset=1')).items);
    expect(b.facets?.category).toEqual([
      { value: 'business', count: 2 },
      { value: 'politics', count: 2 },
    ]);
    expect(b.facets?.source).toEqual([
      { value: 'cgtn', count: 2 },
      { value: 'reuters', count: 2 },
    ]);
    expect(b.facets?.month).toEqual([
      { value: '2022-01', count: 2 },
      { value: '2022-02', count: 1 },
      { value: '2022-03', count: 1 },
    ]);
    expect((await search('q=oil')).facets).toBeUndefined();
  });

  it('marks matches in an HTML-escaped snippet and the title', async () => {
    const b = await search('q=oil+prices');
    const hit = b.items[0]!;
    expect(hit.titleHighlight).toBe('<mark>Oil</mark> <mark>prices</mark> climb as supply tightens');
    expect(hit.snippet).toContain('<mark>Oil</mark> <mark>prices</mark>');
    expect(hit.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
    const other = (await search('q=subsidies')).items[0]!;
    expect(other.titleHighlight).toContain('<mark>subsidies</mark>');
    expect((await search('q=players')).items[0]!.titleHighlight).toBeNull();
  });

  it('answers bad queries with a 400 problem saying where', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /required/],
      ['q=', /empty/],
      ['q=%20%20', /empty/],
      [`q=${'a'.repeat(501)}`, /500/],
      ['q=%22unbalanced', /quote/],
      ['q=(oil', /paren/],
      ['q=oil+OR', /OR|operator/],
      ['q=-oil', /positive/],
      ['q=oil&facets=publisher', /unknown facet/],
      ['q=oil&recency=0', /at least/],
      ['q=oil&recency=soon', /./],
      ['q=oil&fuzzy=maybe', /./],
      ['q=oil&sort=best', /./],
    ];
    for (const [qs, reason] of cases) {
      const p = problem(await app.inject({ method: 'GET', url: `/search?${qs}` }), 400);
      expect(p.errors?.[0]?.reason, qs).toMatch(reason);
    }
    const p = problem(await app.inject({ method: 'GET', url: '/search?q=oil+%22gas' }), 400);
    expect(p.errors?.[0]).toMatchObject({ parameter: 'q', position: 4 });
    // An empty field scope is not the word "title".
    const scope = problem(await app.inject({ method: 'GET', url: '/search?q=title:' }), 400);
    expect(scope.errors?.[0]).toMatchObject({ parameter: 'q', position: 5 });
    expect(scope.errors?.[0]?.reason).toMatch(/title:/);
  });

  it('answers a query that matches nothing as typed with typo tolerance and a suggestion', async () => {
    const b = await search('q=electon');
    expect(ids(b)).toEqual(['politics-election-called']);
    expect(b.suggestion).toBe('election');
    expect((await search('q=electon&fuzzy=true')).suggestion).toBe('election');
    // a query that matches as typed gets no typo-neighbours and no suggestion
    const exact = await search('q=election');
    expect(exact.suggestion).toBeNull();
    expect((await search('q=xqzvw')).total).toBe(0);
  });

  it('answers a query of 3+ known words that no article holds together with the articles holding all but one, and says which', async () => {
    // budget-talks holds "ministers" and "oil", not "economists" (which bank-holds-rates holds alone)
    expect((await search('q=ministers+oil')).suggestion).toBeNull();
    const b = await search('q=ministers+oil+economists');
    expect(b.items[0]!.id).toBe('politics-budget-talks');
    expect(b.suggestion).toBe('ministers oil');
    expect(ids(b)).not.toContain('business-bank-holds-rates');
    // two words: nothing to leave out
    expect((await search('q=ministers+economists')).total).toBe(0);
  });
});

describe('GET /articles/{id}/related', () => {
  it('returns similar articles, not the article itself', async () => {
    const b = okJson(await app.inject({ method: 'GET', url: '/articles/business-oil-prices-climb/related?limit=3' }), RelatedResponse);
    expect(b.id).toBe('business-oil-prices-climb');
    expect(ids(b)).not.toContain('business-oil-prices-climb');
    expect(b.items[0]!.id).toBe('politics-budget-talks');
    expect(b.items.length).toBeLessThanOrEqual(3);
  });
  it('404s for an unknown article', async () => {
    problem(await app.inject({ method: 'GET', url: '/articles/nope/related' }), 404);
  });
});
