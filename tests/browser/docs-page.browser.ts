/**
 * The docs page as a person sees it: Debian's Chromium (apt-get install chromium) driven by
 * playwright-core opens /docs on a random port, finds every operation of the OpenAPI document,
 * runs "Try it out" on GET /search and sees a 200 with results. No asset may come from outside
 * localhost, and the Content-Security-Policy must not block anything. Screenshot under test-output/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../src/cli/export-openapi.js';
import { appFor } from '../helpers/app.js';
import { ROOT } from '../helpers/paths.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(ROOT, 'test-output');

if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y chromium`);

const { app } = await appFor();
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const userDataDir = mkdtempSync(path.join(tmpdir(), 'news-api-chromium-'));
let context: BrowserContext;

beforeAll(async () => {
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 1400 } });
});
afterAll(async () => {
  await context?.close();
  await app.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('the docs page in Chromium', () => {
  it('lists every operation and runs a search with "Try it out", loading nothing from outside localhost', async () => {
    const page = await context.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    const res = await page.goto(`${base}/docs`);
    expect(res?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();

    // Every path + method of the document is on the page.
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const expected = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const shown = await page.$$eval('.opblock', (blocks) =>
      blocks.map((b) => `${b.querySelector('.opblock-summary-method')?.textContent?.trim()} ${b.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
    );
    expect(shown.sort()).toEqual(expected);

    // GET /search: open it, Try it out, q=oil, Execute.
    const search = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/search"]') });
    await search.locator('.opblock-summary').click();
    const tryIt = search.locator('button.try-out__btn');
    if ((await tryIt.textContent())?.includes('Try it out')) await tryIt.click();
    // Swagger UI pre-fills the parameters' examples; a person searching clears the filters.
    // Every text input is cleared (filters such as author, tag, language and recency have examples too).
    for (const input of await search.locator('tr[data-param-name] input[type="text"]').all()) await input.fill('');
    await search.locator('tr[data-param-name="q"] input').fill('oil');
    await search.locator('button.execute').click();
    const status = search.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    const body = await search.locator('.live-responses-table .response-col_description .microlight').first().textContent();
    const result = JSON.parse(body ?? '{}') as { total?: number; items?: Array<{ title: string }> };
    expect(result.total).toBeGreaterThan(0);
    expect(result.items?.[0]?.title).toMatch(/oil/i);

    mkdirSync(OUT, { recursive: true });
    await search.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'docs-search.png'), fullPage: true });

    const outside = requested.filter((u) => !/^(data:|blob:|https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)/u.test(u));
    expect(outside).toEqual([]);
    expect(requested.some((u) => /\/search\?(.+&)?q=oil(&|$)/u.test(u))).toBe(true);
    // A CSP violation or a script error shows up here.
    expect(problems).toEqual([]);
  });
});
