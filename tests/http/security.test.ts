import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { OPENAPI_PATH } from '../../src/cli/export-openapi.js';
import { Ready } from '../../src/http/schemas/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';

const { app } = await appFor();
afterAll(() => app.close());
const doc = JSON.parse(await readFile(OPENAPI_PATH, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
const ARTICLE = '/articles/business-oil-prices-climb';
/** Every GET in the OpenAPI document, with path parameters filled in. */
const GET_URLS = Object.entries(doc.paths)
  .filter(([, ops]) => 'get' in ops)
  .map(([p]) => `${p.replace('{id}', 'business-oil-prices-climb')}${p === '/search' ? '?q=oil' : ''}`);

describe('CORS', () => {
  it('lets any origin read by default and exposes ETag and the rate-limit headers', async () => {
    const res = await app.inject({ method: 'GET', url: ARTICLE, headers: { origin: 'https://news.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/ETag.*RateLimit-Remaining.*Retry-After/);
  });

  it('answers a preflight on a route with 204, the read methods and Allow; on no route with 404', async () => {
    const headers = { origin: 'https://news.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' };
    const res = await app.inject({ method: 'OPTIONS', url: '/search?q=x', headers });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('if-none-match');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    const plain = await app.inject({ method: 'OPTIONS', url: ARTICLE });
    expect(plain.statusCode).toBe(204);
    expect(plain.headers.allow).toBe('GET, HEAD, OPTIONS');
    problem(await app.inject({ method: 'OPTIONS', url: '/nope', headers }), 404);
  });

  it('with CORS_ORIGINS, answers listed origins only', async () => {
    const { app: listed } = await appFor(undefined, { corsOrigins: ['https://a.example', 'http://localhost:5173'] });
    const ok = await listed.inject({ method: 'GET', url: '/sources', headers: { origin: 'http://localhost:5173' } });
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(ok.headers.vary).toMatch(/Origin/);
    const other = await listed.inject({ method: 'GET', url: '/sources', headers: { origin: 'https://evil.example' } });
    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await listed.close();
  });
});

describe('security headers', () => {
  it('sends helmet headers on the docs page, with a CSP that allows only same-origin scripts', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('sends the API set on JSON answers and errors: nothing loadable, no framing, no sniffing', async () => {
    for (const url of [ARTICLE, '/articles?limit=1', '/nope', '/articles?limit=0']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 problem+json with RateLimit-* and Retry-After after RATE_LIMIT_MAX requests, per client IP', async () => {
    const { app: limited } = await appFor(undefined, { rateLimitMax: 3, rateLimitWindowSeconds: 60 });
    const first = await limited.inject({ method: 'GET', url: '/sources' });
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');
    await limited.inject({ method: 'GET', url: '/categories' });
    await limited.inject({ method: 'GET', url: '/nope' }); // unknown routes count too
    const res = await limited.inject({ method: 'GET', url: '/sources' });
    const p = problem(res, 429);
    expect(p.title).toBe('Too Many Requests');
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not limited; probes never are.
    expect((await limited.inject({ method: 'GET', url: '/sources', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
    expect((await limited.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await limited.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    // TRUST_PROXY is off: X-Forwarded-For does not make a new client.
    problem(await limited.inject({ method: 'GET', url: '/sources', headers: { 'x-forwarded-for': '203.0.113.9' } }), 429);
    await limited.close();
  });

  it('with TRUST_PROXY, limits the client named by X-Forwarded-For', async () => {
    const { app: proxied } = await appFor(undefined, { rateLimitMax: 1, trustProxy: true });
    const as = (ip: string) => proxied.inject({ method: 'GET', url: '/sources', headers: { 'x-forwarded-for': ip } });
    expect((await as('203.0.113.1')).statusCode).toBe(200);
    problem(await as('203.0.113.1'), 429);
    expect((await as('203.0.113.2')).statusCode).toBe(200);
    await proxied.close();
  });
});

describe('limits', () => {
  it('answers an over-long URL with 414', async () => {
    const p = problem(await app.inject({ method: 'GET', url: `/search?q=${'a'.repeat(2100)}` }), 414);
    expect(p.detail).toMatch(/limit is 2048/);
    expect((await app.inject({ method: 'GET', url: `/search?q=${'a'.repeat(400)}` })).statusCode).toBe(200);
  });

  it('answers HEAD wherever GET is answered, with the same headers and no body', async () => {
    expect(GET_URLS.length).toBeGreaterThanOrEqual(8);
    for (const url of GET_URLS) {
      const get = await app.inject({ method: 'GET', url });
      const head = await app.inject({ method: 'HEAD', url });
      expect(head.statusCode, url).toBe(get.statusCode);
      expect(head.body, url).toBe('');
      expect(head.headers['content-type'], url).toBe(get.headers['content-type']);
      if (get.headers.etag) expect(head.headers.etag, url).toBe(get.headers.etag);
    }
  });

  it('closes a connection whose request does not arrive within REQUEST_TIMEOUT_MS with a 408 problem', async () => {
    const { app: timed } = await appFor(undefined, { requestTimeoutMs: 300 });
    const address = await timed.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /sources HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, title: 'Request Timeout' });
    await timed.close();
  });
});

describe('load shedding and readiness', () => {
  it('answers 503 problem+json with Retry-After under memory pressure, but still answers /health and /ready', async () => {
    const { app: pressed } = await appFor(undefined, { shedMaxHeapBytes: 1 });
    // under-pressure samples memory once a second.
    await vi.waitFor(async () => expect((await pressed.inject({ method: 'GET', url: '/sources' })).statusCode).toBe(503), { timeout: 10_000, interval: 200 });
    const res = await pressed.inject({ method: 'GET', url: '/sources' });
    expect(problem(res, 503).detail).toMatch(/overloaded/);
    expect(res.headers['retry-after']).toBe('10');
    expect((await pressed.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await pressed.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    await pressed.close();
  });

  it('says ready on /ready with the corpus it serves, never cached', async () => {
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(okJson(res, Ready)).toMatchObject({ status: 'ready', articles: 7 });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
