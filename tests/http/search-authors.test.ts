/**
 * /search and /articles over articles with bylines, tags and dates (NDJSON in a temporary data
 * folder): author and tag scopes, filters and facets, case-insensitive filter values, and
 * relevance with recency.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArticleList, SearchResponse } from '../../src/http/schemas/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';

const dir = mkdtempSync(join(tmpdir(), 'news-authors-'));
const article = (id: string, title: string, text: string, extra: Record<string, unknown>) => JSON.stringify({ title, text, source_domain: 'Example.com', ...extra, url: `https://example.com/${id}` });
writeFileSync(
  join(dir, 'news.ndjson'),
  [
    article('a', 'Harbour strike ends after talks', 'Dock workers returned to the harbour on Monday after talks ended the strike.', {
      author: 'Jane Doe and John Smith',
      tags: ['Labour', 'Ports'],
      date_publish: '2022-06-10',
      category: 'Business',
    }),
    article('b', 'Harbour strike enters second week', 'The harbour strike entered its second week as talks stalled again.', {
      author: 'John Smith',
      tags: ['labour'],
      date_publish: '2022-06-03',
      category: 'business',
    }),
    article('c', 'Harbour museum reopens', 'The harbour museum reopened with a new strike exhibition about dock history.', {
      author: 'Amelie Zoe',
      tags: ['Culture'],
      date_publish: '2021-06-10',
      category: 'culture',
    }),
  ].join('\n'),
);
const { app } = await appFor(dir);
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});
const search = async (qs: string) => okJson(await app.inject({ method: 'GET', url: `/search?${qs}` }), SearchResponse);
const titles = (b: { items: Array<{ title: string }> }) => b.items.map((i) => i.title);

describe('authors and tags', () => {
  it('author: and tag: scopes filter the query, alone or with words', async () => {
    expect(titles(await search('q=harbour+author:smith&sort=newest'))).toEqual(['Harbour strike ends after talks', 'Harbour strike enters second week']);
    expect(titles(await search(`q=${encodeURIComponent('author:"jane doe" harbour')}`))).toEqual(['Harbour strike ends after talks']);
    expect(titles(await search('q=author:doe+author:jane'))).toEqual(['Harbour strike ends after talks']);
    expect(titles(await search('q=tag:culture'))).toEqual(['Harbour museum reopens']);
    expect((await search('q=tag:LABOUR')).total).toBe(2);
    expect((await search('q=author:nobody')).total).toBe(0);
    // a scope inside a phrase is text, not a scope
    expect((await search(`q=${encodeURIComponent('"author:smith"')}`)).total).toBe(0);
  });

  it('author= and tag= filter, repeatable (any of), case-insensitively; facets count them', async () => {
    expect((await search('q=harbour&author=JOHN%20SMITH')).total).toBe(2);
    expect((await search('q=harbour&author=jane%20doe&author=amelie%20zoe')).total).toBe(2);
    expect((await search('q=harbour&author=Jane')).total).toBe(0); // a whole name, not a word of it
    expect((await search('q=harbour&tag=ports&tag=culture')).total).toBe(2);
    const b = await search('q=harbour&facets=author,tag');
    expect(b.facets?.author).toEqual([
      { value: 'John Smith', count: 2 },
      { value: 'Amelie Zoe', count: 1 },
      { value: 'Jane Doe', count: 1 },
    ]);
    expect(b.facets?.tag).toEqual([
      { value: 'Labour', count: 2 },
      { value: 'Culture', count: 1 },
      { value: 'Ports', count: 1 },
    ]);
  });

  it('source and category filters match case-insensitively, on /articles too', async () => {
    expect((await search('q=harbour&category=BUSINESS')).total).toBe(2);
    expect((await search('q=harbour&source=EXAMPLE-COM')).total).toBe(3);
    const list = okJson(await app.inject({ method: 'GET', url: '/articles?category=Business&tag=ports' }), ArticleList);
    expect(list.items.map((i) => i.title)).toEqual(['Harbour strike ends after talks']);
    expect(okJson(await app.inject({ method: 'GET', url: '/articles?author=john%20smith' }), ArticleList).total).toBe(2);
  });
});

describe('relevance with recency', () => {
  it('recency decays scores by age from the newest article, reordering by freshness', async () => {
    const plain = await search('q=strike');
    const fresh = await search('q=strike&recency=1');
    expect(new Set(titles(plain))).toEqual(new Set(titles(fresh)));
    // the museum article is a year older than the others: with a 1-day half-life it is last
    expect(titles(fresh)).toEqual(['Harbour strike ends after talks', 'Harbour strike enters second week', 'Harbour museum reopens']);
    const first = plain.items.find((i) => i.title === 'Harbour strike ends after talks')!;
    expect(fresh.items[0]!.score).toBeCloseTo(first.score, 3); // the newest article is not decayed
    const second = plain.items.find((i) => i.title === 'Harbour strike enters second week')!;
    expect(fresh.items[1]!.score).toBeCloseTo(second.score * 0.5 ** 7, 3); // 7 days, 1-day half-life
    // a long half-life barely changes relevance
    expect(titles(await search('q=strike&recency=36500'))).toEqual(titles(plain));
  });

  it('rejects a non-positive half-life', async () => {
    expect(problem(await app.inject({ method: 'GET', url: '/search?q=strike&recency=-1' }), 400).errors?.[0]?.parameter).toBe('recency');
  });
});
