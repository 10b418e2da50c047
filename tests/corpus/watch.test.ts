import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore, Reloader } from '../../src/corpus/index.js';
import { DataDirWatcher, type FileChange } from '../../src/corpus/watcher.js';
import { Health } from '../../src/http/schemas/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { tempDataDir } from '../helpers/paths.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const story = (tag: string, n: number) => `${tag} headline number ${n}\n\nThe ${tag} story ${n} begins here.\n`;
const dataset = (tag: string, count: number, folder = '') =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${folder}${tag.toLowerCase()}-${i}.txt`, story(tag, i)]));
const corpusOf = async (dir: string) => new Corpus(await loadArticles(dir));

const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A served corpus with a watching reloader and the app, for /health. */
async function watched(dir: string, options: { maxDropPercent?: number } = {}) {
  const store = new CorpusStore(await corpusOf(dir));
  const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet, debounceMs: 30, maxWaitMs: 500, watchCheckMs: 100, ...options });
  closers.push(() => reloader.close());
  await reloader.watch(dir);
  const app = await buildApp({ store, logger: false });
  closers.push(() => app.close());
  const health = async () => Health.parse((await app.inject('/health')).json());
  return { store, reloader, health };
}

describe('watching a data folder that is replaced', () => {
  it('watches again after the folder is deleted and recreated, and /health says when it is lost', async () => {
    const dir = tempDataDir(dataset('A', 3));
    const { store, health } = await watched(dir, { maxDropPercent: 100 });
    expect((await health()).watch).toMatchObject({ state: 'watching', folders: 1 });
    rmSync(dir, { recursive: true });
    await until('watch lost', () => store.watch.state === 'lost');
    const gone = await health();
    expect(gone.status).toBe('degraded');
    expect(gone.watch.error).toMatch(/gone/);
    expect(gone.articles).toBe(3);
    mkdirSync(dir);
    for (const [name, body] of Object.entries(dataset('B', 2))) writeFileSync(path.join(dir, name), body);
    await until('the new folder served', () => store.current.size === 2 && store.watch.state === 'watching');
    // And the new folder is watched: a later file arrives too.
    writeFileSync(path.join(dir, 'b-7.txt'), story('B', 7));
    await until('a file in the new folder served', () => store.current.size === 3);
    expect((await health()).watch.state).toBe('watching');
  });

  it('watches the new folder after a release is renamed into place (mv old aside, mv new in)', async () => {
    const dir = tempDataDir(dataset('A', 2));
    const next = tempDataDir(dataset('C', 4, 'world/'));
    const { store } = await watched(dir);
    renameSync(dir, `${dir}.old`);
    closers.push(() => rmSync(`${dir}.old`, { recursive: true, force: true }));
    renameSync(next, dir);
    await until('the renamed folder served', () => store.current.size === 4);
    expect(store.watch).toMatchObject({ state: 'watching', folders: 2 });
    writeFileSync(path.join(dir, 'world', 'c-9.txt'), story('C', 9));
    await until('a file in the renamed folder served', () => store.current.size === 5);
  });

  it('reloads when a symlink to an article is deleted', async () => {
    const dir = tempDataDir({ ...dataset('A', 3), 'elsewhere/linked.txt': story('L', 1) });
    symlinkSync(path.join(dir, 'elsewhere', 'linked.txt'), path.join(dir, 'link.txt'));
    rmSync(path.join(dir, 'elsewhere'), { recursive: true });
    // Recreated under a hidden name, the loader reads it only through the symlink.
    mkdirSync(path.join(dir, '.hidden'));
    writeFileSync(path.join(dir, '.hidden', 'linked.txt'), story('L', 1));
    unlinkSync(path.join(dir, 'link.txt'));
    symlinkSync(path.join(dir, '.hidden', 'linked.txt'), path.join(dir, 'link.txt'));
    const { store } = await watched(dir);
    expect(store.current.size).toBe(4);
    unlinkSync(path.join(dir, 'link.txt'));
    await until('the symlinked article dropped', () => store.current.size === 3);
  });
});

describe('the watcher reports which paths changed', () => {
  it('hands on each path with its kind, one watch per folder', async () => {
    const dir = tempDataDir({ ...dataset('A', 2, 'business/'), 'politics/p.txt': story('P', 1) });
    const seen: FileChange[] = [];
    let all = 0;
    const watcher = new DataDirWatcher({ root: dir, onChanges: (c) => (c === 'all' ? all++ : seen.push(...c)), settleMs: 20 });
    closers.push(() => watcher.close());
    await watcher.start();
    expect(watcher.status).toEqual({ state: 'watching', folders: 3, error: null });
    writeFileSync(path.join(dir, 'business', 'new.txt'), story('N', 1));
    await until('added', () => seen.some((c) => c.path === 'business/new.txt' && c.kind === 'added'));
    writeFileSync(path.join(dir, 'politics', 'p.txt'), story('P', 2));
    await until('changed', () => seen.some((c) => c.path === 'politics/p.txt' && c.kind === 'changed'));
    rmSync(path.join(dir, 'business', 'a-0.txt'));
    await until('removed', () => seen.some((c) => c.path === 'business/a-0.txt' && c.kind === 'removed'));
    mkdirSync(path.join(dir, 'sport', 'cup'), { recursive: true });
    await until('folder added', () => seen.some((c) => c.path === 'sport' && c.kind === 'added' && c.folder));
    await until('the new folders watched', () => watcher.status.folders === 5);
    writeFileSync(path.join(dir, 'sport', 'cup', 'final.txt'), story('S', 1));
    await until('a file in a new folder', () => seen.some((c) => c.path === 'sport/cup/final.txt' && c.kind === 'added'));
    rmSync(path.join(dir, 'politics'), { recursive: true });
    await until('folder removed', () => seen.some((c) => c.path === 'politics' && c.kind === 'removed' && c.folder));
    expect(watcher.status.folders).toBe(4);
    // Hidden files (editors' temporaries) are not changes.
    writeFileSync(path.join(dir, '.swap'), 'x');
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.some((c) => c.path.includes('.swap'))).toBe(false);
    expect(all).toBe(0);
  });

  it('takes 3,000 new files in three folders as batches of paths, watching folders, not files', async () => {
    const dir = tempDataDir(dataset('A', 1));
    const { store, reloader } = await watched(dir);
    const batches: number[] = [];
    const seen = new Set<string>();
    const watcher = new DataDirWatcher({ root: dir, onChanges: (c) => c !== 'all' && (batches.push(c.length), c.forEach((x) => seen.add(x.path))), settleMs: 20 });
    closers.push(() => watcher.close());
    await watcher.start();
    for (const folder of ['x', 'y', 'z']) {
      mkdirSync(path.join(dir, folder));
      for (const [name, body] of Object.entries(dataset(folder.toUpperCase(), 1000))) writeFileSync(path.join(dir, folder, name), body);
    }
    await until('all 3,001 articles served', () => store.current.size === 3001, 30_000);
    expect(watcher.status.folders).toBe(4);
    expect(store.watch.folders).toBe(4);
    // Each new folder is named; its files are named when their events arrived after it was watched.
    for (const folder of ['x', 'y', 'z']) expect(seen.has(folder)).toBe(true);
    expect(batches.length).toBeLessThan(seen.size);
    expect(reloader.builds).toBeLessThanOrEqual(12);
  });
});

describe('the reload guard', () => {
  it('refuses a reload that loses more than RELOAD_MAX_DROP of the articles, says so in /health, and SIGHUP accepts it', async () => {
    const dir = tempDataDir(dataset('A', 10));
    const store = new CorpusStore(await corpusOf(dir));
    const good = store.current;
    const app = await buildApp({ store, logger: false });
    closers.push(() => app.close());
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet, maxDropPercent: 50 });
    for (let i = 0; i < 6; i++) rmSync(path.join(dir, `a-${i}.txt`));
    const out = await reloader.reload('files changed');
    expect(out).toMatchObject({ status: 'failed', reason: expect.stringMatching(/4 articles instead of 10 \(60% gone at once; RELOAD_MAX_DROP is 50%\)/) });
    expect(store.current).toBe(good);
    const health = Health.parse((await app.inject('/health')).json());
    expect(health).toMatchObject({ status: 'degraded', articles: 10 });
    expect(health.reload.lastError).toMatch(/refused/);
    expect(await reloader.reload('SIGHUP', { force: true })).toMatchObject({ status: 'swapped', articles: 4 });
  });

  it('lets a smaller drop through', async () => {
    const dir = tempDataDir(dataset('A', 10));
    const store = new CorpusStore(await corpusOf(dir));
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet, maxDropPercent: 50 });
    for (let i = 0; i < 5; i++) rmSync(path.join(dir, `a-${i}.txt`));
    expect(await reloader.reload('files changed')).toMatchObject({ status: 'swapped', articles: 5 });
  });

  it('names no absolute path in reload.lastError when the folder vanished', async () => {
    const dir = tempDataDir(dataset('A', 2));
    const store = new CorpusStore(await corpusOf(dir));
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet });
    rmSync(dir, { recursive: true });
    await reloader.reload('test');
    expect(store.lastReloadError).toMatch(/the data directory does not exist/);
    expect(store.lastReloadError).not.toContain(dir);
    expect(store.lastReloadError).not.toContain(path.dirname(dir));
  });
});

describe('/health after a reload that keeps the same articles', () => {
  it('shows the problems of the files as they are now', async () => {
    const dir = tempDataDir(dataset('A', 3));
    const store = new CorpusStore(await corpusOf(dir));
    const app = await buildApp({ store, logger: false });
    closers.push(() => app.close());
    const reloader = new Reloader({ build: () => corpusOf(dir), store, logger: quiet });
    writeFileSync(path.join(dir, 'broken.txt'), Buffer.from([0xff, 0xfe, 0x41, 0x42]));
    writeFileSync(path.join(dir, 'bomb.md'), '---\na: &a [x, x]\nb: *a\nc: [*b, *b\n---\n# Title\n\nBody\n');
    expect((await reloader.reload('test')).status).toBe('unchanged');
    const health = Health.parse((await app.inject('/health')).json());
    expect(health).toMatchObject({ status: 'degraded', articles: 3, problems: 2, problemsByKind: { 'not-utf8': 1, 'parse-error': 1 } });
    rmSync(path.join(dir, 'broken.txt'));
    rmSync(path.join(dir, 'bomb.md'));
    expect((await reloader.reload('test')).status).toBe('unchanged');
    expect(Health.parse((await app.inject('/health')).json())).toMatchObject({ status: 'ok', problems: 0 });
  });
});

describe('a reload refused or failed while watching', () => {
  it('is tried again later, so a folder read half copied is served whole without a further change', async () => {
    const dir = tempDataDir(dataset('A', 10));
    const partial = tempDataDir(dataset('A', 3));
    const store = new CorpusStore(await corpusOf(dir));
    let builds = 0;
    // The first rebuild reads the folder half copied (3 of 10); nothing changes after it.
    const reloader = new Reloader({ build: () => corpusOf(builds++ === 0 ? partial : dir), store, logger: quiet, debounceMs: 20, retryMs: 50, watchCheckMs: 100 });
    closers.push(() => reloader.close());
    await reloader.watch(dir);
    writeFileSync(path.join(dir, 'a-10.txt'), story('A', 10));
    await until('the refusal', () => store.lastReloadError !== null);
    expect(store.lastReloadError).toMatch(/70% gone at once/);
    await until('the retry', () => store.lastReloadError === null && store.current.size === 11);
    expect(builds).toBe(2);
  });
});
