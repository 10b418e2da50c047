/**
 * Feeds read back with parsers that are not ours (@rowanmanning/feed-parser for RSS and Atom,
 * feedsmith for all three) and checked item by item against the JSON answer for the same URL.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { rewriteFeedSuffix } from '../../src/http/feeds.js';
import { ArticleList, JsonFeed, SearchResponse } from '../../src/http/schemas/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { okJson, problem } from '../helpers/app.js';
import { article, storyDataDir } from '../helpers/stories.js';

const dir = storyDataDir();
// Markup, quotes and a control character in a headline must come out as text, not break the XML.
writeFileSync(
  path.join(dir, 'q-and-a.json'),
  article({ title: 'Q&A: why <ports> "matter" \u0007 so much', paragraphs: ['Ports & harbours handle <most> of the trade, the minister said on Tuesday in a long statement.'], source: 'Gazette', date: '2022-06-12T07:00:00Z', category: 'business' }),
);
const corpus = new Corpus(await loadArticles(dir));
const apps: FastifyInstance[] = [];
async function appWith(config: Parameters<typeof buildApp>[0]['config'] = {}) {
  const app = await buildApp({ store: new CorpusStore(corpus), logger: false, config: { rateLimitMax: 0, ...config } });
  await app.ready();
  apps.push(app);
  return app;
}
const app = await appWith();
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  rmSync(dir, { recursive: true, force: true });
});
const HOST = 'news.example.com';
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { host: HOST, ...headers } });
const base = `http://${HOST}`;
/** What XML can hold of a JSON string: feeds drop the control characters XML 1.0 forbids. */
// eslint-disable-next-line no-control-regex -- the control characters XML forbids
const xmlSafe = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/gu, '');

/** The JSON answer of the same page, items only. */
async function jsonItems(url: string) {
  const res = await get(url);
  return url.startsWith('/search') ? okJson(res, SearchResponse).items : okJson(res, ArticleList).items;
}

const PAGES = ['/articles', '/articles?category=Business&limit=3', '/articles?collapse=story', '/search?q=port', '/search?q=port&collapse=story&sort=newest', '/articles?ids=planet,rates,nope'];

describe('feeds for any listing or search', () => {
  for (const page of PAGES) {
    const feedUrl = (format: string) => `${page}${page.includes('?') ? '&' : '?'}format=${format}`;

    it(`RSS 2.0 of ${page} matches the JSON answer item by item`, async () => {
      const res = await get(feedUrl('rss'));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
      const items = await jsonItems(page);
      const feed = parseFeed(res.body);
      expect(feed.meta.type).toBe('rss');
      expect(feed.self).toBe(`${base}${feedUrl('rss')}`);
      expect(feed.items.map((i) => i.id)).toEqual(items.map((a) => `${base}/articles/${a.id}`));
      feed.items.forEach((item, k) => {
        const a = items[k]!;
        expect(item.title).toBe(xmlSafe(a.title));
        expect(item.url).toBe(`${base}/articles/${a.id}`);
        expect(item.description).toBe(a.lead);
        expect(item.published?.toISOString() ?? null).toBe(a.publishedAt);
        expect(item.categories.map((c) => c.term)).toEqual(a.category ? [a.category] : []);
        expect(item.authors.map((x) => x.name)).toEqual(a.byline ? [a.byline] : []);
        expect(item.mediaImages.map((m) => m.url)).toEqual(a.cover?.url ? [a.cover.url] : []);
      });
      // A second parser agrees on what the items are.
      expect(parseRssFeed(res.body).items?.map((i) => i.title)).toEqual(items.map((a) => xmlSafe(a.title)));
    });

    it(`Atom 1.0 of ${page} matches the JSON answer item by item`, async () => {
      const res = await get(feedUrl('atom'));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
      const items = await jsonItems(page);
      const feed = parseFeed(res.body);
      expect(feed.meta.type).toBe('atom');
      expect(decodeURIComponent(feed.url!)).toBe(`${base}${page}`);
      feed.items.forEach((item, k) => {
        const a = items[k]!;
        expect(item.id).toBe(`${base}/articles/${a.id}`);
        expect(item.title).toBe(xmlSafe(a.title));
        expect(item.description).toBe(a.lead);
        expect(item.published?.toISOString() ?? null).toBe(a.publishedAt);
        expect(item.authors.map((x) => x.name)).toEqual([a.byline ?? a.source?.name].filter(Boolean));
      });
      expect(feed.items).toHaveLength(items.length);
      expect(parseAtomFeed(res.body).entries?.map((e) => e.id)).toEqual(items.map((a) => `${base}/articles/${a.id}`));
    });

    it(`JSON Feed 1.1 of ${page} matches the JSON answer item by item`, async () => {
      const res = await get(feedUrl('jsonfeed'));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
      const raw = JSON.parse(res.body);
      expect(raw.version).toBe('https://jsonfeed.org/version/1.1');
      expect(JsonFeed.safeParse(raw).success).toBe(true);
      const items = await jsonItems(page);
      const feed = parseJsonFeed(raw);
      expect(feed.feed_url).toBe(`${base}${feedUrl('jsonfeed')}`);
      expect(feed.items?.map((i) => i.id)).toEqual(items.map((a) => `${base}/articles/${a.id}`));
      feed.items?.forEach((item, k) => {
        const a = items[k]!;
        expect(item.title).toBe(a.title);
        expect(item.content_text).toBe(a.lead);
        expect(item.date_published ?? null).toBe(a.publishedAt);
        expect(item.authors?.map((x) => x.name) ?? []).toEqual(a.byline ? [a.byline] : []);
        expect(item.image ?? null).toBe(a.cover?.url ?? null);
        expect(raw.items[k]._news_api.story).toEqual(a.story);
        expect(raw.items[k]._news_api.reprints).toBe(a.reprints);
      });
    });
  }

  it('escapes markup and drops characters XML cannot hold', async () => {
    const res = await get('/articles?format=rss&ids=q-and-a');
    const item = parseFeed(res.body).items[0]!;
    expect(item.title).toBe('Q&A: why <ports> "matter"  so much');
    expect(parseFeed((await get('/articles?format=atom&ids=q-and-a')).body).items[0]!.description).toContain('Ports & harbours handle <most>');
  });

  it('path suffixes mean the format parameter; a bad format is a 400', async () => {
    expect(rewriteFeedSuffix('/search.atom?q=oil')).toBe('/search?q=oil&format=atom');
    expect(rewriteFeedSuffix('/articles.rss')).toBe('/articles?format=rss');
    expect(rewriteFeedSuffix('/articles.rssx')).toBe('/articles.rssx');
    for (const [suffixed, param] of [
      ['/articles.rss?limit=2', '/articles?limit=2&format=rss'],
      ['/search.atom?q=port', '/search?q=port&format=atom'],
      ['/articles.jsonfeed', '/articles?format=jsonfeed'],
    ] as const) {
      const a = await get(suffixed);
      expect(a.statusCode).toBe(200);
      expect(a.body).toBe((await get(param)).body);
    }
    expect(problem(await get('/articles?format=xml'), 400).errors?.[0]?.parameter).toBe('format');
    expect(problem(await get('/articles.rss?format=atom'), 400).errors?.[0]?.parameter).toBe('format');
    expect(problem(await get('/search.rss'), 400).errors?.[0]?.parameter).toBe('q');
  });

  it('links the next page as a feed, with absolute links', async () => {
    const atom = parseAtomFeed((await get('/articles.atom?limit=2')).body);
    expect(atom.links?.find((l) => l.rel === 'next')?.href).toBe(`${base}/articles?limit=2&format=atom&offset=2`);
    const json = JSON.parse((await get('/articles.jsonfeed?limit=2')).body);
    expect(json.next_url).toBe(`${base}/articles?limit=2&format=jsonfeed&offset=2`);
    expect(json.home_page_url).toBe(`${base}/articles?limit=2`);
  });

  it('ignores X-Forwarded-* unless TRUST_PROXY says so', async () => {
    const forwarded = { 'x-forwarded-host': 'public.example.org', 'x-forwarded-proto': 'https' };
    const untrusted = parseFeed((await get('/articles.rss?limit=1', forwarded)).body);
    expect(untrusted.items[0]!.id).toMatch(/^http:\/\/news\.example\.com\/articles\//u);
    const trusting = await appWith({ trustProxy: true });
    const res = await trusting.inject({ method: 'GET', url: '/articles.rss?limit=1', headers: { host: HOST, ...forwarded } });
    expect(parseFeed(res.body).items[0]!.id).toMatch(/^https:\/\/public\.example\.org\/articles\//u);
    // The answer cache keeps feeds per host: the untrusting app's answer did not leak.
    expect(res.headers.etag).not.toBe((await get('/articles.rss?limit=1')).headers.etag);
  });

  it('lets feed readers poll cheaply: ETag and Last-Modified, 304 on either', async () => {
    const res = await get('/search.rss?q=port');
    const etag = res.headers.etag as string;
    const lastModified = res.headers['last-modified'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/u);
    expect(new Date(lastModified).getTime()).toBe(Math.floor(corpus.loadedAt.getTime() / 1000) * 1000);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect((await get('/search.rss?q=port', { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get('/search.rss?q=port', { 'if-modified-since': lastModified })).statusCode).toBe(304);
    expect((await get('/search.rss?q=port', { 'if-modified-since': new Date(corpus.loadedAt.getTime() - 60_000).toUTCString() })).statusCode).toBe(200);
    // If-None-Match wins over If-Modified-Since when both are sent.
    expect((await get('/search.rss?q=port', { 'if-none-match': '"other"', 'if-modified-since': lastModified })).statusCode).toBe(200);
    // Another format is another representation.
    expect((await get('/search.atom?q=port')).headers.etag).not.toBe(etag);
  });
});
