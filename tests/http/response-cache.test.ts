import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { ArticleList, SearchResponse, SourceList } from '../../src/http/schemas/index.js';
import { createHash } from 'node:crypto';
import { PreparedBody, strongEtag } from '../../src/http/representations.js';
import { ResponseCache } from '../../src/http/response-cache.js';
import { loadArticles } from '../../src/loader/index.js';
import { okJson } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';

const body = (s: string) => new PreparedBody(JSON.stringify({ s }), `"${s}"`);

describe('strongEtag', () => {
  it('is the first 27 base64url characters of the sha256 of the data, as before crypto.hash was used: ETags survive an upgrade', () => {
    for (const data of ['', 'v1\0/search?q=oil', 'ü😀\u2028', 'x'.repeat(5000)]) {
      expect(strongEtag(data)).toBe(`"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`);
    }
    expect(strongEtag('a')).not.toBe(strongEtag('b'));
  });
});

describe('ResponseCache', () => {
  it('keeps the most recently used entries up to its size', () => {
    const c = new ResponseCache(2);
    c.set('v1', 'a', body('a'));
    c.set('v1', 'b', body('b'));
    expect(c.get('v1', 'a')?.etag).toBe('"a"'); // a is now the most recent
    c.set('v1', 'c', body('c')); // evicts b
    expect(c.get('v1', 'b')).toBeUndefined();
    expect(c.get('v1', 'a')?.etag).toBe('"a"');
    expect(c.get('v1', 'c')?.etag).toBe('"c"');
    expect(c.size).toBe(2);
  });

  it('answers nothing for another corpus version, and empties itself when a new version is stored', () => {
    const c = new ResponseCache(10);
    c.set('v1', 'a', body('a'));
    expect(c.get('v2', 'a')).toBeUndefined();
    c.set('v2', 'b', body('b'));
    expect(c.size).toBe(1);
    expect(c.get('v1', 'a')).toBeUndefined();
  });

  it('keeps at most maxBytes of bodies, dropping the least recently used', () => {
    const c = new ResponseCache(100, 50);
    const big = (s: string) => new PreparedBody(JSON.stringify('x'.repeat(18)) + s, `"${s}"`); // 21 bytes each
    c.set('v1', 'a', big('a'));
    c.set('v1', 'b', big('b'));
    c.set('v1', 'c', big('c')); // 63 bytes > 50: a goes
    expect(c.get('v1', 'a')).toBeUndefined();
    expect(c.size).toBe(2);
    c.set('v1', 'b', big('b')); // replacing an entry does not count it twice
    expect(c.size).toBe(2);
  });

  it('stores nothing when turned off', () => {
    const c = new ResponseCache(0);
    c.set('v1', 'a', body('a'));
    expect(c.get('v1', 'a')).toBeUndefined();
  });
});

describe('kept answers', async () => {
  const dir = tempDataDir({ 'a.txt': 'Harbour strike spreads\n\nDock workers walked out.\n' });
  const store = new CorpusStore(new Corpus(await loadArticles(dir)));
  const app = await buildApp({ store, logger: false, config: { rateLimitMax: 0 } });
  afterAll(() => app.close());
  const search = async (q: string) => app.inject({ method: 'GET', url: `/search?q=${q}` });

  it('serves a repeated query the same bytes and ETag, and a 304 from the cached entry', async () => {
    const first = await search('harbour');
    const second = await search('harbour');
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    const revalidated = await app.inject({ method: 'GET', url: '/search?q=harbour', headers: { 'if-none-match': first.headers.etag as string } });
    expect(revalidated.statusCode).toBe(304);
    const br = await app.inject({ method: 'GET', url: '/search?q=harbour', headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBeUndefined(); // under the compression threshold
  });

  it('never serves an answer from an older corpus after a swap', async () => {
    expect(okJson(await search('workers'), SearchResponse).total).toBe(1);
    expect(okJson(await app.inject('/articles'), ArticleList).total).toBe(1);
    expect(okJson(await app.inject('/sources'), SourceList).items).toEqual([]);
    writeFileSync(path.join(dir, 'b.txt'), 'Workers return to the docks\n\nThe strike is over.\n');
    store.swap(new Corpus(await loadArticles(dir)));
    const after = okJson(await search('workers'), SearchResponse);
    expect(after.total).toBe(2);
    expect(okJson(await app.inject('/articles'), ArticleList).total).toBe(2);
  });
});
