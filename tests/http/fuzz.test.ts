/**
 * Property-based tests over every route and every query parameter of the OpenAPI document:
 * whatever a client sends, the answer is never a 5xx, every 4xx is a valid problem+json, and
 * every 200 matches its route's zod schema. FUZZ_RUNS=20000 npx vitest run tests/http/fuzz.test.ts
 * for a longer run (the default keeps npm test quick). Every property runs against both search
 * backends: memory, and PostgreSQL (SEARCH_BACKEND=postgres, a third of the runs: each request
 * is a few SQL statements).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ArticleView } from '../../src/articles/schema.js';
import { OPENAPI_PATH } from '../../src/cli/export-openapi.js';
import { ArticleList, CategoryList, Health, JsonFeed, ProblemDetails, Ready, RelatedResponse, SearchResponse, SourceList, StoryDetail, StoryList } from '../../src/http/schemas/index.js';
import { BACKENDS, backendFor } from '../helpers/backends.js';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 1500;
/** Summed over the properties below; reported so a run says how much it tried. */
let cases = 0;

// Rate limiting and load shedding off: this is about what each request gets, not how many.
const config = { rateLimitMax: 0, shedMaxEventLoopDelayMs: 0, shedMaxHeapBytes: 0 };
const apps = { memory: await backendFor('memory', undefined, config), postgres: await backendFor('postgres', undefined, config) };
afterAll(async () => {
  await Promise.all(Object.values(apps).map((b) => b.close()));
  console.log(`[fuzz] ${cases} generated requests (FUZZ_RUNS=${FUZZ_RUNS})`);
});

const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
};
const ROUTES = Object.entries(doc.paths).flatMap(([template, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase(),
    template,
    query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
  })),
);

/** Which schema a 200 must match, by the path the router saw (a trailing slash or an empty id changes the route). */
const SCHEMAS: Array<[RegExp, z.ZodType]> = [
  [/^\/articles\/?$/u, ArticleList],
  [/^\/articles\/[^/]+\/related\/?$/u, RelatedResponse],
  [/^\/articles\/[^/]+\/?$/u, ArticleView],
  [/^\/stories\/?$/u, StoryList],
  [/^\/stories\/[^/]+\/?$/u, StoryDetail],
  [/^\/search\/?$/u, SearchResponse],
  [/^\/sources\/?$/u, SourceList],
  [/^\/categories\/?$/u, CategoryList],
  [/^\/health\/?$/u, Health],
  [/^\/ready\/?$/u, Ready],
];

/** encodeURIComponent, with lone surrogates (which it refuses) replaced as a browser would. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu, '\ufffd'));

const TRICKS = [
  '%2e%2e%2f', '..%2f..%2fetc%2fpasswd', '%00', '%', '%zz', '%c0%ae', '%ff%fe', '%E2%80%AE', '../../', '..', '.', '//', '\\',
  '%2F', '%252e', '+', '&', '=', '#', '?', ';', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e309', '0x10', '  7  ', '[]', '{}',
  '<script>alert(1)</script>', '"', "'", '*', 'OR', 'NOT', '(', ')', '"unclosed', 'title:', 'a*', '-a', '\u0000', '\ud800',
  'é', 'ﬁ', '🙂', '\u202e', 'Ａ', '2021-02-30', '2021-08-09T25:00:00Z', '9999-12-31', '0000-01-01',
  // Values some parameters accept, so their answers (feeds, collapsed pages) are reached too.
  'story', 'rss', 'atom', 'jsonfeed', 'stories', 'articles', 'business-oil-prices-climb,nope,politics-budget-talks',
];

/** Values as a client might send them: text, unicode, numbers, huge, and raw (unencoded) tricks. */
const value = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map(encode) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encode) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(encode) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map((n) => encode(String(n))) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 120 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom(...TRICKS) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKS).map(encode) },
  { weight: 1, arbitrary: fc.string({ minLength: 400, maxLength: 1200 }).map(encode) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('oil', 'prices', 'taliban', 'OR', '-', '"', '(', ')', '*', 'title:', 'AND'), { maxLength: 12 }).map((w) => encode(w.join(' '))) },
);

const request = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    method: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH') }),
    id: fc.oneof(fc.constantFrom('business-oil-prices-climb', 'oil-prices-climb-as-supply-tightens'), value),
    // Known parameters (possibly repeated), sometimes unknown ones, in any order.
    known: fc.array(fc.tuple(fc.nat(), value), { maxLength: 6 }),
    unknown: fc.array(fc.tuple(fc.constantFrom('x', 'q[]', 'limit[0]', '__proto__', 'constructor', '%00', ''), value), { maxLength: 2 }),
    suffix: fc.constantFrom('', '', '', '/', '//', '/..', '/%2e%2e'),
  })
  .map(({ route, method, id, known, unknown, suffix }) => {
    const path = route.template.replace('{id}', id) + suffix;
    const pairs = [
      ...known.filter(() => route.query.length > 0).map(([i, v]) => `${route.query[i % route.query.length]}=${v}`),
      ...unknown.map(([k, v]) => `${k}=${v}`),
    ];
    return { method: (method ?? route.method) as 'GET', url: pairs.length ? `${path}?${pairs.join('&')}` : path };
  });

function check(res: LightMyRequestResponse, method: string, url: string): void {
  const where = `${method} ${url} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode >= 400) {
    if (method !== 'HEAD') {
      expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json/);
      const p = ProblemDetails.safeParse(JSON.parse(res.body));
      expect(p.success, where).toBe(true);
      expect(p.data?.status, where).toBe(res.statusCode);
      expect(res.body, where).not.toMatch(/at .+\.(ts|js):\d+/);
    }
    if (res.statusCode === 405) expect(res.headers.allow, where).toMatch(/GET/);
    return;
  }
  if (res.statusCode === 200 && method === 'GET') {
    // What the router saw: inject, like a browser or curl, resolves dot segments (%2e%2e too).
    const pathname = (res.raw.req.url ?? url).split('?')[0]!;
    const schema = SCHEMAS.find(([re]) => re.test(pathname))?.[1];
    expect(schema, where).toBeDefined();
    const type = String(res.headers['content-type']);
    if (/^application\/(rss|atom)\+xml/u.test(type)) {
      // Feeds: tests/http/feeds.test.ts reads them with feed parsers; here, well-formed enough to start.
      expect(res.body, where).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>\n<(rss|feed) /u);
      return;
    }
    if (/^application\/feed\+json/u.test(type)) {
      expect(JsonFeed.safeParse(JSON.parse(res.body)).success, where).toBe(true);
      return;
    }
    expect(type, where).toMatch(/^application\/json/);
    const parsed = schema!.safeParse(JSON.parse(res.body));
    if (!parsed.success) throw new Error(`${where}\ndoes not match its schema: ${parsed.error.message}`);
  }
}

describe.each(BACKENDS)('%s backend: whatever a client sends', (backend) => {
  const { app } = apps[backend];
  const RUNS = backend === 'memory' ? FUZZ_RUNS : Math.ceil(FUZZ_RUNS / 3);
  it(`never answers 5xx; 4xx are problems; 200s match their schemas (${RUNS * 2} requests)`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, url }) => {
        cases++;
        check(await app.inject({ method, url }), method, url);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it(`survives search queries built from the query language's own pieces (${RUNS} requests)`, async () => {
    const piece = fc.oneof(
      fc.constantFrom('oil', 'prices', 'taliban', 'afghan', 'supply', 'OR', 'AND', 'NOT', '-', '"', '(', ')', '*', 'title:', 'lead:', 'body:', 'nope:', ':', '""', '()', '-(', 'u.s.', '$1m', '£5'),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 25 }), fc.array(fc.constantFrom('', ' '), { minLength: 25, maxLength: 25 }), fc.boolean(), fc.constantFrom('', 'source', 'source,category,month'), async (pieces, gaps, fuzzy, facets) => {
        cases++;
        const q = pieces.map((p, i) => p + gaps[i]).join('');
        const url = `/search?q=${encode(q)}&fuzzy=${fuzzy}${facets ? `&facets=${facets}` : ''}`;
        check(await app.inject({ method: 'GET', url }), 'GET', url);
      }),
      { numRuns: RUNS },
    );
  });

  it(`answers any path below the routes with 404 or 405 problems, never 5xx (${RUNS} requests)`, async () => {
    const segment = fc.oneof(fc.constantFrom(...TRICKS), fc.string({ maxLength: 12 }).map(encode), fc.constantFrom('articles', 'search', 'docs', 'health', 'related'));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'), async (segments, method) => {
        const url = `/${segments.join('/')}`;
        // inject parses URLs as a browser does and refuses `/\/x` (a host-relative URL); such
        // request lines only come from raw sockets.
        fc.pre(URL.canParse(url, 'http://localhost'));
        cases++;
        const res = await app.inject({ method: method as 'GET', url });
        // /docs/... pages are HTML, the redirect is 302: only the error contract applies there.
        if (/^\/docs/u.test(res.raw.req.url ?? url) && res.statusCode < 400) return;
        check(res, method, url);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers repeated and array-style keys with a 400 naming the parameter, or takes one value', async () => {
    for (const url of ['/articles?limit=1&limit=2', '/search?q=oil&q=gas', '/articles?sort=newest&sort=oldest', '/search?q[]=oil', '/articles?offset[0]=1']) {
      const res = await app.inject({ method: 'GET', url });
      cases++;
      check(res, 'GET', url);
      expect([200, 400], url).toContain(res.statusCode);
    }
  });
});
