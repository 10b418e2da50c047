/**
 * Cursor paging of one article per story (`/articles?collapse=story`, `/search?collapse=story`) while articles are added
 * to stories and removed from them between pages (memory backend, seeded): the README's rule is
 * a keyset on each story's lead (its first-published matching article), so no article is ever
 * listed twice as a lead, and every story whose lead stayed the same throughout is listed.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { ArticleList, SearchResponse } from '../../src/http/schemas/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { rng } from '../search/bbc-corpus.js';
import { okJson, problem } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';

const GROUPS = ['harbour', 'election', 'vaccine', 'drought', 'railway', 'festival', 'pension', 'satellite', 'wildfire', 'museum', 'football', 'tariff'];
const SUBJECTS = ['officials', 'residents', 'engineers', 'ministers', 'volunteers', 'analysts', 'teachers', 'farmers'];
const VERBS = ['said', 'warned', 'confirmed', 'denied', 'reported', 'argued', 'suggested', 'announced'];

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'del', 'pri', 'sun', 'bar', 'ne', 'gol', 'fi', 'tor', 'wen', 'hu'];

/** The report every copy of story `g` carries: words of its own (near-duplicates share it word for word, so they group). */
function report(g: number): string {
  const random = rng(1000 + g);
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]!).join('');
  return Array.from({ length: 4 }, () => `The ${GROUPS[g]} ${Array.from({ length: 30 }, word).join(' ')}.`).join('\n\n');
}

/** Copy `n` of story `g`: dated on one of a few days (ties paged by id), every 9th undated. */
function copy(g: number, n: number, day: number | null): string {
  return JSON.stringify({
    title: `${GROUPS[g]} copy ${n}`,
    text: report(g),
    source: `Source ${n % 5}`,
    category: 'news',
    ...(day === null ? {} : { date_publish: `2022-03-${String(day).padStart(2, '0')}T0${n % 10}:00:00Z` }),
  });
}
const fileOf = (g: number, n: number) => `g${String(g).padStart(2, '0')}-n${String(n).padStart(4, '0')}.json`;
const dayOf = (random: () => number, n: number): number | null => (n % 9 === 0 ? null : 1 + Math.floor(random() * 20));

let dir: string;
let store: CorpusStore;
let app: FastifyInstance;
beforeAll(async () => {
  const random = rng(7);
  const files: Record<string, string> = {};
  for (let n = 0; n < 48; n++) files[fileOf(n % GROUPS.length, n)] = copy(n % GROUPS.length, n, dayOf(random, n));
  // six articles of their own (a story each)
  for (let n = 48; n < 54; n++) files[`solo-${n}.json`] = JSON.stringify({ title: `Solo ${n}`, text: `A lone report numbered ${n} about the ${SUBJECTS[n % 8]} of town ${n}, who ${VERBS[n % 8]} nothing else.`, source: 'Solo', category: 'news', date_publish: `2022-03-${10 + (n % 5)}T12:00:00Z` });
  dir = tempDataDir(files);
  store = new CorpusStore(new Corpus(await loadArticles(dir)));
  app = await buildApp({ store, logger: false, config: { rateLimitMax: 0 } });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

type Page = { items: Array<{ id: string; story: { id: string; size: number }; reprints?: number | undefined }>; total: number; next: string | null };
const list = async (url: string): Promise<Page> => okJson(await app.inject(url), url.startsWith('/search') ? SearchResponse : ArticleList);
/** A search matching every copy of every story (not the solo articles). */
const EVERY_STORY = encodeURIComponent(GROUPS.join(' OR '));

/** The stories `url` lists in the version being served, as story id → lead article id (every page, by offset). */
async function storiesNow(url: string): Promise<Map<string, string>> {
  const page = await list(url.replace(/limit=\d+/, 'limit=100'));
  expect(page.next, 'one page holds them all').toBeNull();
  return new Map(page.items.map((a) => [a.story.id, a.id]));
}

/**
 * Walks every page of `first` following `next`; between pages adds copies to random stories
 * (dated on random days, so some become their story's new lead) and removes a random article.
 */
async function walk(first: string, seed: number): Promise<{ pages: number; leads: string[]; storyIds: string[]; throughout: string[]; leadChanges: number }> {
  const random = rng(seed);
  // story → lead in every version seen during the walk; a pair present in all of them "existed throughout"
  let throughout = [...(await storiesNow(first))].map(([story, lead]) => `${story} ${lead}`);
  let leadOf = await storiesNow(first);
  let leadChanges = 0;
  const leads: string[] = [];
  const storyIds: string[] = [];
  let url: string | null = first;
  let nextNew = 1000 + seed * 100;
  let pages = 0;
  while (url !== null) {
    const page = await list(url);
    for (const item of page.items) {
      leads.push(item.id);
      storyIds.push(item.story.id);
    }
    url = page.next;
    pages++;
    if (url !== null) expect(new URLSearchParams(url.split('?')[1]).has('cursor'), 'next carries a cursor').toBe(true);
    for (let k = 0; k < 2; k++) {
      const g = Math.floor(random() * GROUPS.length);
      const n = nextNew++;
      writeFileSync(path.join(dir, fileOf(g, n)), copy(g, n, dayOf(random, n)));
    }
    const present = store.current.articles.map((a) => a.id);
    rmSync(path.join(dir, `${present[Math.floor(random() * present.length)]!}.json`), { force: true });
    store.swap(store.current.update(await loadArticles(dir)));
    const now = await storiesNow(first);
    throughout = throughout.filter((pair) => now.get(pair.split(' ')[0]!) === pair.split(' ')[1]);
    // a lead change: the same story id led by another article, or a lead still served that no longer leads (an earlier copy joined its story)
    for (const [story, lead] of leadOf) if ((now.has(story) && now.get(story) !== lead) || (!now.has(story) && store.current.get(lead))) leadChanges++;
    leadOf = now;
    expect(pages).toBeLessThan(100);
  }
  return { pages, leads, storyIds, throughout: throughout.map((pair) => pair.split(' ')[0]!), leadChanges };
}

describe('collapse=story pages by cursor while stories change', () => {
  it('the test corpus groups copies into stories', async () => {
    const page = await list('/articles?collapse=story&limit=100');
    expect(page.items.filter((a) => a.reprints! >= 2).length).toBeGreaterThanOrEqual(10);
  });

  for (const [first, seed] of [
    ['/articles?collapse=story&limit=3', 11],
    ['/articles?collapse=story&limit=2&sort=oldest', 12],
    ['/articles?collapse=story&limit=3&sort=newest', 13],
  ] as const) {
    it(`${first} (seed ${seed}): no story twice, none that kept its lead skipped`, async () => {
      const walked = await walk(first, seed);
      expect(walked.pages).toBeGreaterThan(4);
      // unfiltered, a story's lead is its first-published article, whose id is the story's id
      expect(walked.leads).toEqual(walked.storyIds);
      expect(new Set(walked.storyIds).size, 'no story twice').toBe(walked.storyIds.length);
      expect(walked.leadChanges, 'the walk changed some leads').toBeGreaterThan(0);
      expect(walked.throughout.length).toBeGreaterThan(8);
      for (const story of walked.throughout) expect(walked.storyIds, `${story} existed throughout`).toContain(story);
    });
  }

  it('with a filter: no article listed twice as a lead, and every story whose lead stayed is listed', async () => {
    const walked = await walk('/articles?collapse=story&limit=2&from=2022-03-05', 14);
    expect(walked.pages).toBeGreaterThan(3);
    expect(new Set(walked.leads).size, 'no lead twice').toBe(walked.leads.length);
    expect(walked.throughout.length).toBeGreaterThan(5);
    for (const story of walked.throughout) expect(walked.storyIds, `${story} existed throughout`).toContain(story);
  });

  it('offsets, totals and the cursor agree on a still corpus', async () => {
    const byOffset = await list('/articles?collapse=story&limit=100&sort=oldest');
    const walked: string[] = [];
    const offsets: number[] = [];
    for (let url: string | null = '/articles?collapse=story&limit=5&sort=oldest'; url !== null; ) {
      const page: Page & { offset: number } = okJson(await app.inject(url), ArticleList);
      expect(page.total).toBe(byOffset.total);
      offsets.push(page.offset);
      walked.push(...page.items.map((a) => a.id));
      url = page.next;
    }
    expect(walked).toEqual(byOffset.items.map((a) => a.id));
    expect(offsets).toEqual(offsets.map((_, k) => k * 5));
  });
});

describe('/search?collapse=story pages by cursor while stories change', () => {
  for (const [first, seed] of [
    [`/search?q=${EVERY_STORY}&collapse=story&limit=2&sort=newest`, 15],
    [`/search?q=${EVERY_STORY}&collapse=story&limit=2&sort=oldest`, 21],
  ] as const) {
    it(`${first.replace(EVERY_STORY, 'every-story')} (seed ${seed}): no lead twice, every story whose lead stayed listed`, async () => {
      const walked = await walk(first, seed);
      expect(walked.pages).toBeGreaterThan(3);
      expect(new Set(walked.leads).size, 'no lead twice').toBe(walked.leads.length);
      expect(walked.leadChanges, 'the walk changed some leads').toBeGreaterThan(0);
      expect(walked.throughout.length).toBeGreaterThan(5);
      for (const story of walked.throughout) expect(walked.storyIds, `${story} existed throughout`).toContain(story);
    });
  }

  it('by relevance, a walk continues on the version of its first page: exactly that version\'s stories, in its order', async () => {
    const url = `/search?q=${EVERY_STORY}&collapse=story&limit=2`;
    const before = (await list(url.replace('limit=2', 'limit=100'))).items.map((h) => h.id);
    const walked = await walk(url, 17);
    expect(walked.pages).toBeGreaterThan(4);
    expect(walked.leads).toEqual(before);
  });

  it('offsets, totals and the cursor agree on a still corpus', async () => {
    for (const sort of ['relevance', 'newest', 'oldest']) {
      const byOffset = await list(`/search?q=${EVERY_STORY}&collapse=story&limit=100&sort=${sort}`);
      const walked: string[] = [];
      const offsets: number[] = [];
      for (let url: string | null = `/search?q=${EVERY_STORY}&collapse=story&limit=5&sort=${sort}`; url !== null; ) {
        const page: Page & { offset: number } = okJson(await app.inject(url), SearchResponse);
        expect(page.total).toBe(byOffset.total);
        offsets.push(page.offset);
        walked.push(...page.items.map((a) => a.id));
        url = page.next;
      }
      expect(walked, sort).toEqual(byOffset.items.map((a) => a.id));
      expect(offsets).toEqual(offsets.map((_, k) => k * 5));
    }
  });

  it('answers 400 naming cursor for a cursor of the other collapse mode or sort', async () => {
    const cursorOf = (next: string | null) => new URLSearchParams(next!.split('?')[1]).get('cursor')!;
    const storyCursor = cursorOf((await list(`/search?q=${EVERY_STORY}&collapse=story&limit=2`)).next);
    const hitCursor = cursorOf((await list(`/search?q=${EVERY_STORY}&limit=2`)).next);
    for (const [url, why] of [
      [`/search?q=${EVERY_STORY}&collapse=story&cursor=${hitCursor}`, /made for sort=relevance, not sort=relevance with collapse=story/],
      [`/search?q=${EVERY_STORY}&cursor=${storyCursor}`, /made for sort=relevance with collapse=story, not sort=relevance/],
      [`/search?q=${EVERY_STORY}&collapse=story&sort=newest&cursor=${storyCursor}`, /sort=relevance with collapse=story, not sort=newest with collapse=story/],
      [`/search?q=${EVERY_STORY}&collapse=story&offset=2&cursor=${storyCursor}`, /cannot be combined with offset/],
    ] as const) {
      const p = problem(await app.inject(url), 400);
      expect(p.errors?.[0], url).toMatchObject({ in: 'query', parameter: 'cursor' });
      expect(p.errors?.[0]?.reason, url).toMatch(why);
    }
  });
});

describe('collapse=story cursor problems', () => {
  it('answers 400 naming cursor for a malformed cursor and for a cursor of another sort or collapse mode', async () => {
    const cursorOf = (next: string | null) => new URLSearchParams(next!.split('?')[1]).get('cursor')!;
    const storyCursor = cursorOf((await list('/articles?collapse=story&limit=2')).next);
    const articleCursor = cursorOf((await list('/articles?limit=2')).next);
    for (const [url, why] of [
      ['/articles?collapse=story&cursor=WyJub3QiXQ', /not a cursor/],
      ['/articles?collapse=story&cursor=%E2%9C%93', /not a cursor/],
      [`/articles?collapse=story&cursor=${articleCursor}`, /made for sort=newest, not sort=newest with collapse=story/],
      [`/articles?cursor=${storyCursor}`, /made for sort=newest with collapse=story, not sort=newest/],
      [`/articles?collapse=story&sort=oldest&cursor=${storyCursor}`, /sort=newest with collapse=story, not sort=oldest with collapse=story/],
      [`/articles?collapse=story&offset=2&cursor=${storyCursor}`, /cannot be combined with offset/],
    ] as const) {
      const p = problem(await app.inject(url), 400);
      expect(p.errors?.[0], url).toMatchObject({ in: 'query', parameter: 'cursor' });
      expect(p.errors?.[0]?.reason, url).toMatch(why);
    }
  });
});
