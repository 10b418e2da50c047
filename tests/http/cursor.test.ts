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

const MONTHS = ['January', 'February', 'March', 'April'];
/** Article n: dated on one of few days (many equal dates, so ties are paged by id), every 7th undated. */
function story(n: number, word: string): string {
  const dated = n % 7 === 0 ? '' : `Published: ${MONTHS[n % 4]} ${1 + (n % 3)}, 2022\n\n`;
  return `Harbour ${word} report number ${n}\n\n${dated}The harbour ${word} report ${n} was published. Dock workers and harbour officials spoke.\n`;
}
const fileOf = (n: number): string => `story-${String(n).padStart(3, '0')}.txt`;

let dir: string;
let store: CorpusStore;
let app: FastifyInstance;
beforeAll(async () => {
  dir = tempDataDir(Object.fromEntries(Array.from({ length: 60 }, (_, n) => [fileOf(n), story(n, n % 2 ? 'strike' : 'trade')])));
  store = new CorpusStore(new Corpus(await loadArticles(dir)));
  app = await buildApp({ store, logger: false });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Applies file changes and swaps in the updated version, as a reload does. */
async function change(write: number[], remove: number[], word: string): Promise<void> {
  for (const n of write) writeFileSync(path.join(dir, fileOf(n)), story(n, word));
  for (const n of remove) rmSync(path.join(dir, fileOf(n)), { force: true });
  store.swap(store.current.update(await loadArticles(dir)));
}

/**
 * Walks every page of `first` following `next`, changing the folder between pages (adding new
 * articles, removing some), and checks: no article twice, and every article that existed
 * throughout (present before the walk, never removed or rewritten) was returned.
 */
async function walk(first: string, schema: typeof ArticleList | typeof SearchResponse, seed: number): Promise<number> {
  const random = rng(seed);
  // what the query finds before the walk (one page of everything)
  const idsBefore = new Set<string>();
  for (let all: string | null = first.replace(/limit=\d+/, 'limit=100'); all !== null; ) {
    const page: { items: Array<{ id: string }>; next: string | null } = okJson(await app.inject(all), schema);
    for (const item of page.items) idsBefore.add(item.id);
    all = page.next;
  }
  const touched = new Set<string>();
  const seen: string[] = [];
  let url: string | null = first;
  let nextNew = 100 + seed * 100;
  let pages = 0;
  while (url !== null) {
    const page: { items: Array<{ id: string }>; next: string | null } = okJson(await app.inject(url), schema);
    for (const item of page.items) seen.push(item.id);
    url = page.next;
    pages++;
    // between pages: two new articles, one removed, one rewritten (its content changes)
    const present = store.current.articles.map((a) => Number(/story-(\d+)/.exec(a.id)![1]));
    const removed = present[Math.floor(random() * present.length)]!;
    const rewritten = present[Math.floor(random() * present.length)]!;
    touched.add(`story-${String(removed).padStart(3, '0')}`).add(`story-${String(rewritten).padStart(3, '0')}`);
    await change([nextNew++, nextNew++, rewritten], [removed], `strike trade ${pages}`);
    expect(pages).toBeLessThan(200);
  }
  expect(new Set(seen).size, 'no article twice').toBe(seen.length);
  const throughout = [...idsBefore].filter((id) => !touched.has(id));
  expect(throughout.length).toBeGreaterThan(10);
  for (const id of throughout) expect(seen, `${id} existed throughout`).toContain(id);
  return pages;
}

describe('cursor paging while articles are added and removed', () => {
  it('/articles newest, oldest and filtered: no duplicate, no gap', async () => {
    expect(await walk('/articles?limit=7', ArticleList, 1)).toBeGreaterThan(5);
    expect(await walk('/articles?limit=5&sort=oldest', ArticleList, 2)).toBeGreaterThan(5);
    expect(await walk('/articles?limit=4&from=2022-02-01', ArticleList, 3)).toBeGreaterThan(3);
  });
  it('/search by relevance and by date: no duplicate, no gap', async () => {
    expect(await walk('/search?q=harbour+report&limit=6', SearchResponse, 4)).toBeGreaterThan(5);
    expect(await walk('/search?q=harbour&limit=6&sort=newest', SearchResponse, 5)).toBeGreaterThan(5);
  });
  it('offset paging shifts under the same changes (why the cursor exists)', async () => {
    const first = okJson(await app.inject('/articles?limit=10&sort=oldest'), ArticleList);
    const last = first.items.at(-1)!.id;
    await change([], [Number(/story-(\d+)/.exec(first.items[0]!.id)![1])], 'x');
    const byOffset = okJson(await app.inject('/articles?limit=10&sort=oldest&offset=10'), ArticleList);
    const byCursor = okJson(await app.inject(first.next!), ArticleList);
    expect(byOffset.items.map((a) => a.id)).not.toContain(byCursor.items[0]!.id);
    expect(byCursor.items.map((a) => a.id)).not.toContain(last);
  });
});

describe('cursor and offset limits', () => {
  it('caps offsets at 10,000 and says to use the cursor beyond', async () => {
    expect(okJson(await app.inject('/articles?offset=10000'), ArticleList).items).toEqual([]);
    for (const url of ['/articles?offset=10001', '/search?q=harbour&offset=20000']) {
      const p = problem(await app.inject(url), 400);
      expect(p.errors?.[0]).toMatchObject({ in: 'query', parameter: 'offset' });
      expect(p.errors?.[0]?.reason).toMatch(/at most 10000.*next.*cursor/);
    }
  });
  it('rejects a cursor it did not make, one from another sort, and a cursor with an offset', async () => {
    const next = okJson(await app.inject('/articles?limit=2'), ArticleList).next!;
    const cursor = new URLSearchParams(next.split('?')[1]).get('cursor')!;
    for (const [url, why] of [
      ['/articles?cursor=not-a-cursor', /not a cursor/],
      [`/articles?sort=oldest&cursor=${cursor}`, /sort=newest, not sort=oldest/],
      [`/search?q=harbour&cursor=${cursor}`, /sort=newest, not sort=relevance/],
      [`/articles?offset=2&cursor=${cursor}`, /cannot be combined with offset/],
    ] as const) {
      const p = problem(await app.inject(url), 400);
      expect(p.errors?.[0]).toMatchObject({ in: 'query', parameter: 'cursor' });
      expect(p.errors?.[0]?.reason).toMatch(why);
    }
  });
});
