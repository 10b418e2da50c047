import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ArticleView } from '../../src/articles/schema.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { ArticleList, SearchResponse, StoryDetail, StoryList } from '../../src/http/schemas/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { okJson, problem } from '../helpers/app.js';
import { article, storyDataDir, WIRE } from '../helpers/stories.js';

const dir = storyDataDir();
const store = new CorpusStore(new Corpus(await loadArticles(dir)));
const app = await buildApp({ store, logger: false, config: { rateLimitMax: 0 } });
await app.ready();
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});
const get = (url: string) => app.inject({ method: 'GET', url });
const list = async (qs = '') => okJson(await get(`/articles${qs}`), ArticleList);
const search = async (qs: string) => okJson(await get(`/search?${qs}`), SearchResponse);
const COPIES = ['gazette', 'planet', 'wire', 'wire-update'];

describe('story on every article', () => {
  it('copies of the wire report share a story named after the first-published one; other stories stand alone', async () => {
    const items = (await list()).items;
    for (const a of items) expect(a.story).toEqual(COPIES.includes(a.id) ? { id: 'wire', size: 4 } : { id: a.id, size: 1 });
    expect(okJson(await get('/articles/planet'), ArticleView).story).toEqual({ id: 'wire', size: 4 });
    expect(okJson(await get('/articles/strike-ends'), ArticleView).story).toEqual({ id: 'strike-ends', size: 1 });
  });

  it('summaries carry what a card shows: cover, byline, dateSource, story', async () => {
    const wire = (await list()).items.find((a) => a.id === 'wire')!;
    expect(wire.cover).toEqual({ caption: 'Cranes stand idle at the northern terminal', credit: 'Reuters', url: 'https://img.example.com/port.jpg' });
    expect(wire.byline).toBe('Jane Doe');
    expect(wire.dateSource).toBe('metadata');
    expect(wire.story.size).toBe(4);
  });
});

describe('GET /stories', () => {
  it('lists stories newest first (by their latest article) with first article, size, sources and time span', async () => {
    const body = okJson(await get('/stories'), StoryList);
    expect(body.items.map((s) => s.id)).toEqual(['strike-ends', 'rates', 'wire']);
    expect(body.total).toBe(3);
    const wire = body.items[2]!;
    expect(wire.size).toBe(4);
    expect(wire.first.id).toBe('wire');
    expect(wire.sources.map((s) => s.id)).toEqual(['reuters', 'daily-planet', 'gazette']);
    expect(wire.firstPublishedAt).toBe('2022-06-13T08:00:00.000Z');
    expect(wire.lastPublishedAt).toBe('2022-06-14T07:00:00.000Z');
  });

  it('filters by minSize and pages', async () => {
    expect(okJson(await get('/stories?minSize=2'), StoryList).items.map((s) => s.id)).toEqual(['wire']);
    const first = okJson(await get('/stories?limit=2'), StoryList);
    expect(first.next).toBe('/stories?limit=2&offset=2');
    expect(okJson(await get(first.next!), StoryList).items.map((s) => s.id)).toEqual(['wire']);
    expect(problem(await get('/stories?minSize=0'), 400).errors?.[0]?.parameter).toBe('minSize');
  });

  it('GET /stories/{id} gives its articles first-published first; a member id or an unknown id is a 404 that says why', async () => {
    const s = okJson(await get('/stories/wire'), StoryDetail);
    expect(s.articles.map((a) => a.id)).toEqual(['wire', 'planet', 'wire-update', 'gazette']);
    expect(s.articles.every((a) => a.story.id === 'wire')).toBe(true);
    expect(problem(await get('/stories/planet'), 404).detail).toContain("story 'wire'");
    expect(problem(await get('/stories/nothing-here'), 404).detail).toContain('nothing-here');
  });
});

describe('collapse=story', () => {
  it('on /articles: one article per story, the first-published, with reprints counted; totals and paging count stories', async () => {
    const all = await list();
    const collapsed = await list('?collapse=story');
    expect(collapsed.total).toBe(3);
    expect(collapsed.items.map((a) => [a.id, a.reprints])).toEqual([
      ['strike-ends', 0],
      ['rates', 0],
      ['wire', 3],
    ]);
    expect(collapsed.items.reduce((n, a) => n + 1 + a.reprints!, 0)).toBe(all.total);
    // Oldest first puts the wire story first; filters apply before collapsing.
    expect((await list('?collapse=story&sort=oldest')).items.map((a) => a.id)).toEqual(['wire', 'rates', 'strike-ends']);
    const fromJune14 = await list('?collapse=story&from=2022-06-14');
    expect(fromJune14.items.find((a) => a.story.id === 'wire')).toMatchObject({ id: 'gazette', reprints: 0 });
    // Paging walks the stories once each.
    const seen: string[] = [];
    let next: string | null = '/articles?collapse=story&limit=1';
    while (next) {
      const page = await list(next.slice('/articles'.length));
      expect(page.total).toBe(3);
      seen.push(...page.items.map((a) => a.id));
      next = page.next;
    }
    expect(seen).toEqual(['strike-ends', 'rates', 'wire']);
    expect(all.items.every((a) => a.reprints === undefined)).toBe(true);
  });

  it('on /search: the best-ranked article of each story; facets count stories unless told otherwise', async () => {
    const plain = await search('q=port&facets=source');
    expect(plain.total).toBe(5);
    expect(plain.facets?.source).toEqual([
      { value: 'reuters', count: 3 },
      { value: 'daily-planet', count: 1 },
      { value: 'gazette', count: 1 },
    ]);
    const collapsed = await search('q=port&collapse=story&facets=source');
    expect(collapsed.total).toBe(2);
    const wireStory = collapsed.items.find((h) => h.story.id === 'wire')!;
    // The best-ranked of the story's hits in the plain ranking is the one kept.
    expect(wireStory.id).toBe(plain.items.find((h) => h.story.id === 'wire')!.id);
    expect(wireStory.reprints).toBe(3);
    expect(collapsed.facets?.source).toEqual([
      { value: 'reuters', count: 2 },
      { value: 'daily-planet', count: 1 },
      { value: 'gazette', count: 1 },
    ]);
    expect((await search('q=port&collapse=story&facets=source&facetCount=articles')).facets?.source?.[0]).toEqual({ value: 'reuters', count: 3 });
    expect((await search('q=port&facetCount=stories&facets=source')).facets?.source?.[0]).toEqual({ value: 'reuters', count: 2 });
    const page2 = await search('q=port&collapse=story&limit=1&offset=1');
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0]!.id).toBe(collapsed.items[1]!.id);
    expect(page2.next).toBeNull();
  });
});

describe('stories follow the corpus', () => {
  it('a new copy joins its story and a deleted one leaves it, re-grouping only the changed article', async () => {
    const before = store.current;
    writeFileSync(path.join(dir, 'late.json'), article({ title: 'Port strike: what we know', paragraphs: WIRE.slice(0, 5), source: 'Evening Post', date: '2022-06-17T09:00:00Z', category: 'business' }));
    const added = before.update(await loadArticles(dir));
    store.swap(added);
    expect(added.storySync).toEqual({ added: 1, removed: 0 });
    expect(okJson(await get('/articles/late'), ArticleView).story).toEqual({ id: 'wire', size: 5 });
    expect(okJson(await get('/stories?limit=1'), StoryList).items[0]).toMatchObject({ id: 'wire', size: 5, lastPublishedAt: '2022-06-17T09:00:00.000Z' });

    unlinkSync(path.join(dir, 'wire.json'));
    const removed = added.update(await loadArticles(dir));
    store.swap(removed);
    expect(removed.storySync).toEqual({ added: 0, removed: 1 });
    // The first-published article is gone: the story is named after the next one.
    expect(okJson(await get('/articles/late'), ArticleView).story).toEqual({ id: 'planet', size: 4 });
    expect(problem(await get('/stories/wire'), 404).status).toBe(404);
    // The old versions still answer from their own copies.
    expect(before.storyOf(before.get('wire')!)).toEqual({ id: 'wire', size: 4 });
    expect(added.storyOf(added.get('late')!)).toEqual({ id: 'wire', size: 5 });
    // Merging index segments renumbers documents; the stories stay what they were.
    const merged = removed.merged(0, removed.segments.segments);
    expect(merged.segments.segments).toBe(1);
    for (const a of removed.articles) expect(merged.storyOf(a)).toEqual(removed.storyOf(a));
    expect(merged.listStories({ limit: 10, offset: 0, minSize: 1 }).items.map((x) => [x.id, x.articles.length])).toEqual(
      removed.listStories({ limit: 10, offset: 0, minSize: 1 }).items.map((x) => [x.id, x.articles.length]),
    );
    // A full rebuild handed the index regroups nothing; without it, everything.
    expect(new Corpus(await loadArticles(dir), new Date(), removed.storyIndex).storySync).toEqual({ added: 0, removed: 0 });
    expect(new Corpus(await loadArticles(dir)).storySync).toEqual({ added: removed.size, removed: 0 });
    store.swap(before);
  });
});
