import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPRESS_MIN_BYTES, negotiateEncoding } from '../../src/http/caching.js';
import { appFor } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';

const LONG_ID = 'business-long-read';
const SHORT_ID = 'sport-short-note';

/** A long article (its JSON is several KB, above the compression threshold) and a short one (below it). */
function articleFiles(longTail = ''): Record<string, string> {
  const paragraphs = Array.from(
    { length: 12 },
    (_, i) =>
      `Paragraph ${i + 1} of the long read: the central bank kept its main rate at ${i + 2} per cent on Thursday, ` +
      `citing slower growth in region ${i * 7} and a weaker pound against the euro and the dollar this quarter.`,
  );
  return {
    'business/long-read.txt': `Central bank holds rates again\n\n${paragraphs.join('\n\n')}${longTail}\n`,
    'sport/short-note.txt': 'Cup final tonight\n\nKick-off is at eight.\n',
  };
}

const dir = tempDataDir(articleFiles());
const apps: FastifyInstance[] = [];
async function newApp(d = dir, config = {}): Promise<FastifyInstance> {
  const { app } = await appFor(d, config);
  apps.push(app);
  return app;
}
afterAll(async () => {
  for (const a of apps) await a.close();
});

const app = await newApp();
const get = (url: string, headers: Record<string, string> = {}, a = app) => a.inject({ method: 'GET', url, headers });

function decoded(res: LightMyRequestResponse): string {
  const enc = res.headers['content-encoding'];
  if (enc === 'br') return brotliDecompressSync(res.rawPayload).toString('utf8');
  if (enc === 'gzip') return gunzipSync(res.rawPayload).toString('utf8');
  return res.body;
}

describe('ETags across restarts', () => {
  it('are the same for the same content loaded by two processes, for every representation', async () => {
    const other = await newApp(tempDataDir(articleFiles()));
    for (const url of [`/articles/${LONG_ID}`, `/articles/${SHORT_ID}`, '/articles?limit=5', '/search?q=bank', '/sources', '/categories']) {
      for (const ae of ['identity', 'br', 'gzip']) {
        const a = await get(url, { 'accept-encoding': ae });
        const b = await get(url, { 'accept-encoding': ae }, other);
        expect(a.headers.etag, `${url} ${ae}`).toMatch(/^"[A-Za-z0-9_-]+"$/);
        expect(b.headers.etag, `${url} ${ae}`).toBe(a.headers.etag);
      }
    }
  });

  it("change when a file's content changes, and only for what changed", async () => {
    const changed = tempDataDir(articleFiles());
    writeFileSync(path.join(changed, 'business/long-read.txt'), `${articleFiles()['business/long-read.txt']!}\nOne more paragraph was added later.\n`);
    const other = await newApp(changed);
    for (const ae of ['identity', 'br', 'gzip']) {
      const before = await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae });
      const after = await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae }, other);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      // The old ETag no longer validates: the client gets the new body.
      expect((await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae, 'if-none-match': before.headers.etag as string }, other)).statusCode).toBe(200);
    }
    expect((await get(`/articles/${SHORT_ID}`, {}, other)).headers.etag).toBe((await get(`/articles/${SHORT_ID}`)).headers.etag);
    // Listings carry the corpus version: any change in the corpus gives them new ETags.
    expect((await get('/articles?limit=5', {}, other)).headers.etag).not.toBe((await get('/articles?limit=5')).headers.etag);
  });
});

describe('compression', () => {
  it('sends brotli or gzip by Accept-Encoding, with Vary and Content-Encoding, decoding to the plain body', async () => {
    const plain = await get(`/articles/${LONG_ID}`, { 'accept-encoding': 'identity' });
    expect(plain.statusCode).toBe(200);
    expect(Buffer.byteLength(plain.body)).toBeGreaterThan(COMPRESS_MIN_BYTES);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    for (const [ae, enc, suffix] of [
      ['br', 'br', '-br'],
      ['gzip, deflate, br', 'br', '-br'],
      ['gzip', 'gzip', '-gz'],
      ['br;q=0, gzip', 'gzip', '-gz'],
    ] as const) {
      const res = await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding'], ae).toBe(enc);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(plain.body));
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      expect(decoded(res)).toBe(plain.body);
      // Its own strong ETag: the identity ETag with a suffix inside the quotes.
      expect(res.headers.etag).toBe(`${(plain.headers.etag as string).slice(0, -1)}${suffix}"`);
    }
  });

  it('compresses per-request bodies too (listings, search)', async () => {
    for (const url of ['/articles?limit=20', '/search?q=bank']) {
      const plain = await get(url);
      const br = await get(url, { 'accept-encoding': 'br' });
      const gz = await get(url, { 'accept-encoding': 'gzip' });
      if (Buffer.byteLength(plain.body) >= COMPRESS_MIN_BYTES) {
        expect(br.headers['content-encoding']).toBe('br');
        expect(gz.headers['content-encoding']).toBe('gzip');
      }
      expect(decoded(br)).toBe(plain.body);
      expect(decoded(gz)).toBe(plain.body);
      expect(br.headers.vary).toBe('Accept-Encoding');
    }
  });

  it('does not compress bodies below the threshold, but still says Vary', async () => {
    for (const url of [`/articles/${SHORT_ID}`, '/categories', '/sources']) {
      const res = await get(url, { 'accept-encoding': 'br, gzip' });
      expect(res.statusCode).toBe(200);
      expect(Buffer.byteLength(res.body), url).toBeLessThan(COMPRESS_MIN_BYTES);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers.etag).not.toMatch(/-(br|gz)"$/);
      JSON.parse(res.body);
    }
  });

  it('sends nothing encoded when the client refuses every encoding', async () => {
    for (const ae of ['identity', 'br;q=0, gzip;q=0', '*;q=0', 'deflate']) {
      expect((await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae })).headers['content-encoding'], ae).toBeUndefined();
    }
  });

  it('answers HEAD with the headers of the compressed GET and no body', async () => {
    const head = await app.inject({ method: 'HEAD', url: `/articles/${LONG_ID}`, headers: { 'accept-encoding': 'br' } });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers.etag).toMatch(/-br"$/);
    expect(head.body).toBe('');
  });

  it('negotiates br over gzip, honours q-values and *', () => {
    expect(negotiateEncoding(undefined)).toBe('identity');
    expect(negotiateEncoding('')).toBe('identity');
    expect(negotiateEncoding('gzip, br')).toBe('br');
    expect(negotiateEncoding('gzip;q=1.0, br;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('BR')).toBe('br');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('br;q=0, *')).toBe('gzip');
    expect(negotiateEncoding('x-gzip')).toBe('gzip');
    expect(negotiateEncoding('deflate, identity')).toBe('identity');
  });
});

describe('conditional GET per representation', () => {
  it('answers 304 to each representation its own ETag, with Vary and ETag and no body', async () => {
    for (const ae of ['identity', 'br', 'gzip']) {
      const first = await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae });
      const etag = first.headers.etag as string;
      const again = await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae, 'if-none-match': etag });
      expect(again.statusCode, ae).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers.vary).toBe('Accept-Encoding');
      expect(again.headers['content-encoding']).toBeUndefined();
      // A weak comparison and a list of candidates match too.
      expect((await get(`/articles/${LONG_ID}`, { 'accept-encoding': ae, 'if-none-match': `"x", W/${etag}` })).statusCode).toBe(304);
    }
  });

  it("does not answer 304 with another representation's ETag", async () => {
    const identityEtag = (await get(`/articles/${LONG_ID}`)).headers.etag as string;
    const br = await get(`/articles/${LONG_ID}`, { 'accept-encoding': 'br', 'if-none-match': identityEtag });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    const brEtag = br.headers.etag as string;
    const gz = await get(`/articles/${LONG_ID}`, { 'accept-encoding': 'gzip', 'if-none-match': brEtag });
    expect(gz.statusCode).toBe(200);
    expect(decoded(gz)).toBe((await get(`/articles/${LONG_ID}`)).body);
  });

  it('answers 304 on listings and search per representation', async () => {
    for (const url of ['/articles?limit=20', '/search?q=bank']) {
      for (const ae of ['identity', 'br']) {
        const etag = (await get(url, { 'accept-encoding': ae })).headers.etag as string;
        expect((await get(url, { 'accept-encoding': ae, 'if-none-match': etag })).statusCode, `${url} ${ae}`).toBe(304);
      }
    }
  });
});

describe('Cache-Control per route', () => {
  it('uses CACHE_MAX_AGE for articles, at most 60 s for listings, search, sources and categories, no-store for health', async () => {
    const custom = await newApp(dir, { cacheMaxAge: 120 });
    const cc = async (url: string, a = custom) => (await get(url, {}, a)).headers['cache-control'];
    expect(await cc(`/articles/${LONG_ID}`)).toBe('public, max-age=120');
    expect(await cc('/articles')).toBe('public, max-age=60');
    expect(await cc('/search?q=bank')).toBe('public, max-age=60');
    expect(await cc(`/articles/${LONG_ID}/related`)).toBe('public, max-age=60');
    expect(await cc('/sources')).toBe('public, max-age=60');
    expect(await cc('/categories')).toBe('public, max-age=60');
    expect(await cc('/health')).toBe('no-store');
    const short = await newApp(dir, { cacheMaxAge: 30 });
    expect(await cc(`/articles/${LONG_ID}`, short)).toBe('public, max-age=30');
    expect(await cc('/articles', short)).toBe('public, max-age=30');
    // The 304 carries the same Cache-Control.
    const etag = (await get(`/articles/${LONG_ID}`, {}, custom)).headers.etag as string;
    expect((await get(`/articles/${LONG_ID}`, { 'if-none-match': etag }, custom)).headers['cache-control']).toBe('public, max-age=120');
  });
});
