import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore, Reloader } from '../../src/corpus/index.js';
import { ArticleList, Health } from '../../src/http/schemas/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { tempDataDir } from '../helpers/paths.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const story = (tag: string, n: number) => `${tag} headline number ${n}\n\nThe ${tag} story ${n} begins here.\n`;
const dataset = (tag: string, count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${tag.toLowerCase()}-${i}.txt`, story(tag, i)]));
const corpusOf = async (dir: string) => new Corpus(await loadArticles(dir));

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('reloading the corpus', () => {
  it('swaps in a new snapshot when the content changed, and says unchanged otherwise', async () => {
    const dir = tempDataDir(dataset('A', 3));
    const store = new CorpusStore(await corpusOf(dir));
    const before = store.current;
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet });
    expect((await reloader.reload('test')).status).toBe('unchanged');
    expect(store.current).toBe(before);
    writeFileSync(path.join(dir, 'a-9.txt'), story('A', 9));
    const out = await reloader.reload('test');
    expect(out).toMatchObject({ status: 'swapped', articles: 4 });
    expect(store.current).not.toBe(before);
    expect(store.current.version).not.toBe(before.version);
  });

  it('keeps serving the last good snapshot when a reload fails (directory vanished), and says why in /health', async () => {
    const dir = tempDataDir(dataset('A', 2));
    const store = new CorpusStore(await corpusOf(dir));
    const good = store.current;
    const app = await buildApp({ store, logger: false });
    closers.push(() => app.close());
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet });
    rmSync(dir, { recursive: true });
    const out = await reloader.reload('test');
    expect(out.status).toBe('failed');
    expect(store.current).toBe(good);
    const health = Health.parse((await app.inject('/health')).json());
    expect(health.status).toBe('degraded');
    expect(health.articles).toBe(2);
    expect(health.reload.lastError).toMatch(/does not exist; still serving version/);
    expect((await app.inject('/articles/a-1')).statusCode).toBe(200);
  });

  it('refuses to swap in a snapshot with problems in strict mode', async () => {
    const dir = tempDataDir(dataset('A', 2));
    const store = new CorpusStore(await corpusOf(dir));
    const good = store.current;
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet, strict: true });
    writeFileSync(path.join(dir, 'broken.txt'), Buffer.from([0, 159, 146, 150]));
    writeFileSync(path.join(dir, 'a-5.txt'), story('A', 5));
    const out = await reloader.reload('test');
    expect(out).toMatchObject({ status: 'failed', reason: expect.stringMatching(/--strict.*broken\.txt/) });
    expect(store.current).toBe(good);
  });

  it('debounces a burst of changes into one or two rebuilds', async () => {
    const dir = tempDataDir(dataset('A', 1));
    const store = new CorpusStore(await corpusOf(dir));
    let builds = 0;
    const reloader = new Reloader({ build: () => (builds++, corpusOf(dir)), store, logger: quiet, debounceMs: 50, maxWaitMs: 1000 });
    closers.push(() => reloader.close());
    for (let i = 0; i < 1000; i++) reloader.changed();
    await new Promise((r) => setTimeout(r, 400));
    expect(builds).toBe(1);
  });

  it('debounces a burst of named changes (the short quiet time) into one rebuild that gets every path', async () => {
    const dir = tempDataDir(dataset('A', 1));
    const store = new CorpusStore(await corpusOf(dir));
    const seen: number[] = [];
    const reloader = new Reloader({ build: (changes) => (seen.push(changes?.length ?? -1), corpusOf(dir)), store, logger: quiet, namedDebounceMs: 20 });
    closers.push(() => reloader.close());
    for (let i = 0; i < 1000; i++) reloader.changed([{ path: `a-${i}.txt`, kind: 'added', folder: false }]);
    await new Promise((r) => setTimeout(r, 400));
    expect(seen).toEqual([1000]);
  });

  it('coalesces requests made while a rebuild runs into one more rebuild', async () => {
    const dir = tempDataDir(dataset('A', 1));
    const store = new CorpusStore(await corpusOf(dir));
    let builds = 0;
    const reloader = new Reloader({ build: async () => (builds++, await new Promise((r) => setTimeout(r, 50)), corpusOf(dir)), store, logger: quiet });
    const first = reloader.reload('one');
    for (let i = 0; i < 10; i++) void reloader.reload('again');
    await first;
    await new Promise((r) => setTimeout(r, 300));
    expect(builds).toBe(2);
  });

  it('rebuilds when files change under a watched directory (copying 200 files causes few rebuilds)', async () => {
    const dir = tempDataDir(dataset('A', 1));
    const store = new CorpusStore(await corpusOf(dir));
    let builds = 0;
    const reloader = new Reloader({ build: () => (builds++, corpusOf(dir)), store, logger: quiet, debounceMs: 200, maxWaitMs: 2000 });
    closers.push(() => reloader.close());
    await reloader.watch(dir);
    for (const [name, body] of Object.entries(dataset('B', 200))) writeFileSync(path.join(dir, name), body);
    const deadline = Date.now() + 10_000;
    while (store.current.size !== 201 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(store.current.size).toBe(201);
    expect(builds).toBeGreaterThanOrEqual(1);
    expect(builds).toBeLessThanOrEqual(3);
  });
});

describe('atomic swap under concurrent requests', () => {
  it('answers every request whole and from one version while the corpus flips between two versions', async () => {
    const dirA = tempDataDir(dataset('A', 5));
    const dirB = tempDataDir(dataset('B', 8));
    const [a, b] = [await corpusOf(dirA), await corpusOf(dirB)];
    const expected = new Map([
      [a.version, { tag: 'A', total: 5 }],
      [b.version, { tag: 'B', total: 8 }],
    ]);
    const store = new CorpusStore(a);
    // 500 requests from one client: rate limiting is not what this test is about.
    const app = await buildApp({ store, logger: false, config: { rateLimitMax: 0 } });
    closers.push(() => app.close());
    let flip = 0;
    const reloader = new Reloader({ build: () => corpusOf(flip++ % 2 === 0 ? dirB : dirA), store, logger: quiet });

    let reloading = true;
    const reloads = (async () => {
      let n = 0;
      while (reloading) {
        await reloader.reload('flip');
        n++;
      }
      return n;
    })();
    const seen = new Set<string>();
    const failures: string[] = [];
    // Keep firing batches until several swaps have happened (bounded in time).
    const deadline = Date.now() + 15_000;
    for (let round = 0; (round < 20 || reloader.builds < 6) && Date.now() < deadline; round++) {
      const responses = await Promise.all(
        Array.from({ length: 25 }, (_, i) => app.inject({ method: 'GET', url: i % 2 ? '/articles?limit=100' : '/search?q=headline&limit=100' })),
      );
      // inject() can finish without reaching the event loop's I/O phase; let the reload's file reads run.
      await new Promise((r) => setImmediate(r));
      for (const res of responses) {
        if (res.statusCode !== 200) {
          failures.push(`status ${res.statusCode}: ${res.body}`);
          continue;
        }
        const version = res.headers['x-corpus-version'] as string;
        const want = expected.get(version);
        const body = res.json() as { items: Array<{ title: string }>; total: number };
        ArticleList.pick({ total: true }).parse(body);
        if (!want) failures.push(`unknown version ${version}`);
        else if (body.total !== want.total || body.items.length !== want.total || !body.items.every((it) => it.title.startsWith(`${want.tag} `)))
          failures.push(`mixed answer for version ${want.tag}: total ${body.total}, titles ${body.items.map((i) => i.title[0]).join('')}`);
        seen.add(version);
      }
    }
    reloading = false;
    const reloadCount = await reloads;
    expect(failures).toEqual([]);
    expect(reloadCount).toBeGreaterThanOrEqual(6);
    expect(seen.size).toBe(2);
  });
});
