/** The per-search work budget (422 with what to narrow) and fairness between costly and cheap searches (503 for costly ones past their share). */
import { afterAll, describe, expect, it } from 'vitest';
import { SearchFairness, CHEAP_WORDS } from '../../src/http/search-fairness.js';
import { Corpus } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { WorkBudget } from '../../src/search/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';
import { SearchResponse } from '../../src/http/schemas/search.js';

// 80 articles, each with its own word starting "ma" (so ma* expands to 80 words) and the word "market".
const letters = 'abcdefghij';
const word = (i: number) => `ma${letters[Math.floor(i / 10)]}${letters[i % 10]}x`;
const dir = tempDataDir(Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`s${i}.txt`, `Story ${word(i)} number ${i}\n\nThe market saw ${word(i)} today, story ${i}.\n`])));

const apps: Array<{ close: () => Promise<unknown> }> = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});
async function app(config: Parameters<typeof appFor>[1]) {
  const { app } = await appFor(dir, { rateLimitMax: 0, ...config });
  apps.push(app);
  return app;
}

describe('the search work budget', () => {
  it('answers 422 naming q and what to narrow when a query expands to too many words', async () => {
    const a = await app({ searchMaxWords: 40 });
    const p = problem(await a.inject('/search?q=ma*'), 422);
    expect(p.type).toBe('urn:news-api:problem:query-too-costly');
    expect(p.errors?.[0]).toMatchObject({ in: 'query', parameter: 'q', reason: expect.stringMatching(/more than 40 index words; use fewer or longer prefixes/) });
    // A narrower prefix is within budget.
    expect(okJson(await a.inject('/search?q=maa*'), SearchResponse).total).toBe(10);
  });

  it('answers 422 when a query would read too many postings', async () => {
    const a = await app({ searchMaxPostings: 50 });
    const p = problem(await a.inject('/search?q=market'), 422);
    expect(p.detail).toMatch(/more than 50 postings/);
    expect(okJson(await a.inject('/search?q=mabax'), SearchResponse).total).toBe(1);
  });

  it('stops a query as soon as it is over budget (bounded work)', async () => {
    const corpus = new Corpus(await loadArticles(dir));
    const fairness = new SearchFairness({ searchMaxWords: 5, searchMaxPostings: 1e9, searchCostlyMsPerSecond: 0 });
    const budget = fairness.budget();
    expect(() => corpus.search('ma* OR market', { sort: 'relevance', limit: 10, offset: 0, budget })).toThrow(/more than 5 index words/);
    expect(budget.words).toBe(6);
  });
});

describe('highlighting work', () => {
  it('is charged as words × results before highlighting starts', async () => {
    const corpus = new Corpus(await loadArticles(dir));
    const budget = new WorkBudget({ maxWords: 1000, maxPostings: 1e9, maxPageWork: 100 });
    expect(() => corpus.search('maa* OR market', { sort: 'relevance', limit: 20, offset: 0, budget })).toThrow(/ask for fewer results \(limit\)/);
    expect(budget.pageWork).toBe(budget.words * 20);
    const small = new WorkBudget({ maxWords: 1000, maxPostings: 1e9, maxPageWork: 100 });
    expect(corpus.search('maa* OR market', { sort: 'relevance', limit: 5, offset: 0, budget: small }).hits).toHaveLength(5);
  });
});

describe('fairness between searches', () => {
  it('gives costly searches a share per second; past it they answer 503 while cheap ones still answer', async () => {
    const a = await app({ searchCostlyMsPerSecond: 1 });
    // The first costly search (80 words, counted as at least 1 ms) runs and spends the share...
    okJson(await a.inject('/search?q=ma*'), SearchResponse);
    // ...so the next one in the same second is refused, with Retry-After,
    const busy = await a.inject('/search?q=ma*+market');
    expect(problem(busy, 503).type).toBe('urn:news-api:problem:search-busy');
    expect(busy.headers['retry-after']).toBe('1');
    // while a cheap search is answered.
    expect(okJson(await a.inject('/search?q=market+mabax'), SearchResponse).total).toBe(1);
  });

  it('renews the share every second (a clock it is given)', () => {
    let now = 10_000;
    const fairness = new SearchFairness({ searchMaxWords: 600, searchMaxPostings: 1e9, searchCostlyMsPerSecond: 100 }, () => now);
    expect(fairness.budget().limits.maxWords).toBe(600);
    const spent = fairness.budget();
    spent.words = 120;
    fairness.spend(spent, 60);
    expect(fairness.budget().limits.maxWords).toBe(600);
    fairness.spend(spent, 45);
    const crowded = fairness.budget();
    expect(crowded.limits.maxWords).toBe(CHEAP_WORDS);
    expect(fairness.isCrowdedBudget(crowded)).toBe(true);
    now += 1000;
    expect(fairness.budget().limits.maxWords).toBe(600);
    // Cheap searches never count.
    const cheap = fairness.budget();
    cheap.words = CHEAP_WORDS;
    for (let i = 0; i < 10; i++) fairness.spend(cheap, 500);
    expect(fairness.budget().limits.maxWords).toBe(600);
  });
});
