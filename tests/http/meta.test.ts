import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CategoryList, Health, SourceList } from '../../src/http/schemas/index.js';
import { OPENAPI_PATH } from '../../src/cli/export-openapi.js';
import { appFor, okJson, problem } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';

const { app } = await appFor();
afterAll(() => app.close());
const get = (url: string) => app.inject({ method: 'GET', url });

describe('sources, categories, health', () => {
  it('counts articles per source and per category', async () => {
    expect(okJson(await get('/sources'), SourceList).items).toEqual([
      { id: 'cgtn', name: 'CGTN', count: 2 },
      { id: 'reuters', name: 'Reuters', count: 2 },
    ]);
    expect(okJson(await get('/categories'), CategoryList).items).toEqual([
      { name: 'business', count: 3 },
      { name: 'politics', count: 2 },
      { name: 'sport', count: 1 },
    ]);
  });

  it('reports status, counts and the corpus version on /health, never cached', async () => {
    const res = await get('/health');
    const h = okJson(res, Health);
    expect(h).toMatchObject({ status: 'ok', articles: 7, problems: 0, problemsByKind: {} });
    expect(h.corpus.version).toMatch(/^[a-f0-9]{32}$/);
    expect(Date.parse(h.corpus.loadedAt)).not.toBeNaN();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('counts problems in /health and says degraded, while serving the good articles', async () => {
    const dir = tempDataDir({ 'good.txt': 'Headline\n\nBody.\n', 'bad.txt': Buffer.from([0, 1, 2]), 'empty.txt': '' });
    const { app: other } = await appFor(dir);
    const h = okJson(await other.inject({ method: 'GET', url: '/health' }), Health);
    expect(h).toMatchObject({ status: 'degraded', articles: 1, problems: 2, problemsByKind: { binary: 1, empty: 1 } });
    expect((await other.inject({ method: 'GET', url: '/articles/good' })).statusCode).toBe(200);
    await other.close();
  });
});

describe('OpenAPI document and docs page', () => {
  it('serves /openapi.json identical to the committed openapi/openapi.json (run npm run openapi when this fails)', async () => {
    const res = await get('/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(await readFile(OPENAPI_PATH, 'utf8'));
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/articles', '/articles/{id}', '/articles/{id}/related', '/categories', '/health', '/ready', '/search', '/sources', '/stories', '/stories/{id}']);
    expect(doc.paths['/search'].get.description).toContain('Query language');
    expect(doc.paths['/articles/{id}'].get.responses['404'].content['application/problem+json']).toBeTruthy();
    expect(doc.components.schemas.Article.properties.images).toBeTruthy();
  });

  it('serves the docs page and its assets locally', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    expect((await get('/docs/static/swagger-ui-bundle.js')).statusCode).toBe(200);
  });
});

describe('errors', () => {
  it('answers unknown routes with a 404 problem', async () => {
    const p = problem(await get('/nope'), 404);
    expect(p.detail).toContain('/nope');
  });

  it('answers other methods on known routes with 405 and Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
      const res = await app.inject({ method, url: '/articles/business-oil-prices-climb' });
      problem(res, 405);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('hides the cause of a 500 from the client', async () => {
    const { buildApp } = await import('../../src/app.js');
    const app2 = await buildApp({ store: (await appFor()).store, logger: false });
    app2.get('/boom', async () => {
      throw new Error('secret database password in /etc/app.conf');
    });
    const res = await app2.inject({ method: 'GET', url: '/boom' });
    const p = problem(res, 500);
    expect(res.body).not.toContain('secret');
    expect(p.title).toBe('Internal Server Error');
    await app2.close();
  });
});
