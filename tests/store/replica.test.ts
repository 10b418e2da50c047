import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { makeSnapshot } from '../../src/cli/snapshot.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { readSnapshot } from '../../src/snapshot/files.js';
import { SNAPSHOT_FORMAT } from '../../src/snapshot/format.js';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresChangeSource, lastChange } from '../../src/store/postgres.js';
import { PublishedSnapshots } from '../../src/store/published-snapshots.js';
import { Replica, batchEnds, corpusFromArticles, corpusOnWorkers, corpusWhileReading, type ReplicaOptions } from '../../src/store/replica.js';
import { tempDataDir } from '../helpers/paths.js';
import { startPostgres, testDatabase } from '../helpers/postgres.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function story(i: number, edition = 0): string {
  return `Story number ${i}${edition ? ` (edition ${edition})` : ''}\n\nParagraph one of story ${i}, about harbour ${i % 17} and the council.\n\nSecond paragraph ${edition}.\n`;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A replica following `url` into its own CorpusStore; `sizes` records every corpus swapped in. */
async function replicaOf(url: string, pollMs = 300, buildFirst?: ReplicaOptions['buildFirst'], streamed?: { streamFirst: ReplicaOptions['streamFirst']; pageSize: number }) {
  const settings = databaseSettings(url);
  const pool = openPool(settings);
  const replica = new Replica({
    source: new PostgresChangeSource(pool, streamed?.pageSize),
    listen: settings.pool,
    build: (a, previous, set) => corpusFromArticles(a, 0, previous, set),
    buildFirst,
    ...(streamed ? { streamFirst: streamed.streamFirst } : {}),
    logger: quiet,
    pollMs,
  });
  const store = new CorpusStore(await replica.load());
  const sizes: number[] = [];
  const swap = store.swap.bind(store);
  store.swap = (c) => {
    if (c !== store.current) sizes.push(c.size);
    swap(c);
  };
  replica.follow(store);
  return {
    replica,
    store,
    sizes,
    close: async () => {
      await replica.close();
      await pool.end();
    },
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A fresh database with `stories` stories ingested from a folder of their own, and an empty folder for snapshots. */
async function ingestedStore(name: string, stories: number) {
  const url = await testDatabase(name);
  const pool = openPool(databaseSettings(url));
  cleanups.push(() => pool.end());
  await migrate(pool);
  const files: Record<string, string> = {};
  for (let i = 0; i < stories; i++) files[`story-${i}.txt`] = story(i);
  const dir = tempDataDir(files);
  const snapDir = tempDataDir({});
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(snapDir, { recursive: true, force: true }));
  await ingestDirectory(pool, dir);
  return { url, pool, dir, snapDir };
}

describe('replicas', () => {
  it('two replicas converge after a burst of 1,000 changes on the same corpus version as folder mode, never showing half a batch', async () => {
    const url = await testDatabase('converge');
    const pool = openPool(databaseSettings(url));
    cleanups.push(() => pool.end());
    await migrate(pool);
    const a = await replicaOf(url);
    const b = await replicaOf(url);
    cleanups.push(a.close, b.close);
    expect(a.store.current.size).toBe(0);

    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) files[`desk${i % 4}/story-${i}.txt`] = story(i);
    const dir = tempDataDir(files);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // 1,000 new articles in 20 transactions of 50.
    const burst = await ingestDirectory(pool, dir, { batchSize: 50 });
    expect(burst.inserted).toBe(1000);
    // Then 100 updates and 100 deletes.
    for (let i = 0; i < 100; i++) writeFileSync(path.join(dir, `desk${i % 4}/story-${i}.txt`), story(i, 2));
    for (let i = 900; i < 1000; i++) unlinkSync(path.join(dir, `desk${i % 4}/story-${i}.txt`));
    const second = await ingestDirectory(pool, dir, { batchSize: 50 });
    expect(second).toMatchObject({ updated: 100, deleted: 100 });

    const high = await lastChange(pool);
    await until('both replicas at the last change', () => a.replica.status().lastChange === high && b.replica.status().lastChange === high);
    const folder = new Corpus(await loadArticles(dir));
    expect(a.store.current.size).toBe(900);
    expect(a.store.current.version).toBe(folder.version);
    expect(b.store.current.version).toBe(folder.version);
    // The same records as the folder gives (so the same ETags): key order and all.
    expect(JSON.stringify(a.store.current.get('desk0-story-0'))).toBe(JSON.stringify(folder.get('desk0-story-0')));
    expect(a.store.current.get('desk0-story-0')!.title).toBe('Story number 0 (edition 2)');
    expect(b.store.current.get('desk0-story-904')).toBeUndefined();
    // Inserts and deletes went in transactions of 50: every corpus served held whole batches, never part of one.
    for (const r of [a, b]) {
      expect(r.sizes.length).toBeGreaterThan(0);
      expect(r.sizes.filter((n) => n % 50 !== 0)).toEqual([]);
    }
    expect(a.store.lastReloadError).toBeNull();
  }, 90_000); // a burst of 1,000 changes applied twice: 6 s alone, over 30 s while other sessions load both cores

  it('PostgreSQL stopped and restarted mid-stream: the replica keeps answering (no 5xx), says so, and catches up with nothing lost', async () => {
    const server = await startPostgres();
    cleanups.push(() => server.destroy());
    const url = await server.createDatabase('restart');
    const pool = openPool(databaseSettings(`${url}?statement_timeout=5000`));
    cleanups.push(() => pool.end());
    await migrate(pool);
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`s${i}.txt`] = story(i);
    const dir = tempDataDir(files);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await ingestDirectory(pool, dir);

    const r = await replicaOf(url, 200);
    cleanups.push(r.close);
    const app = await buildApp({ store: r.store, logger: false, config: { rateLimitMax: 0 }, database: { status: () => r.replica.status(), requiredForReady: true } });
    cleanups.push(() => app.close());
    const statuses: number[] = [];
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await app.inject({ url: i % 2 ? '/articles?limit=5' : '/search?q=harbour+council' });
        statuses.push(res.statusCode);
        await new Promise((res2) => setTimeout(res2, 10));
      }
    })();
    const health = async () => (await app.inject({ url: '/health' })).json();

    for (let i = 10; i < 20; i++) writeFileSync(path.join(dir, `s${i}.txt`), story(i));
    await ingestDirectory(pool, dir);
    await until('the second ten', () => r.store.current.size === 20);
    expect((await health()).database).toMatchObject({ state: 'connected' });

    await server.stop();
    await until('the replica to notice', async () => (await health()).database.state === 'reconnecting');
    const down = await health();
    expect(down.status).toBe('degraded');
    expect(down.database.lastError).toMatch(/database unreachable/u);
    expect(down.articles).toBe(20);
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().detail).toMatch(/database is unreachable/u);
    expect((await app.inject({ url: '/articles/s3' })).statusCode).toBe(200);
    await expect(ingestDirectory(pool, dir)).rejects.toThrow();

    await server.start();
    for (let i = 20; i < 30; i++) writeFileSync(path.join(dir, `s${i}.txt`), story(i));
    unlinkSync(path.join(dir, 's0.txt'));
    await until('the ingest to succeed again', async () => {
      try {
        await ingestDirectory(pool, dir);
        return true;
      } catch {
        return false;
      }
    });
    const high = await lastChange(pool);
    await until('the replica to catch up', () => r.replica.status().lastChange === high, 30_000);
    stop = true;
    await traffic;
    expect(r.store.current.size).toBe(29);
    expect(r.store.current.get('s0')).toBeUndefined();
    expect(r.store.current.version).toBe(new Corpus(await loadArticles(dir)).version);
    const back = await health();
    expect(back).toMatchObject({ status: 'ok', database: { state: 'connected', lastError: null } });
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});

describe('a replica started from a snapshot', () => {
  // The writing replica's first corpus built as one segment here, or as four segments on two worker
  // threads after the read (then the snapshot worker indexes the articles as one segment itself),
  // or the same begun while the articles are read in pages of 7 (the stories grouped from the
  // workers' fingerprints in both).
  it.each([
    ['one segment', undefined, undefined, 1],
    ['four segments built on workers after the read', (x: Parameters<NonNullable<ReplicaOptions['buildFirst']>>[0], set: Parameters<NonNullable<ReplicaOptions['buildFirst']>>[1]) => corpusOnWorkers(x, 2, 0, 0, set), undefined, 4],
    ['four segments built on workers while the articles are read', undefined, { streamFirst: () => corpusWhileReading(2, () => 0, 0), pageSize: 7 }, 4],
  ] as const)('starts from the snapshot a replica of the same store wrote (%s), catches up by change number, and ends on the version of a full load', async (_, buildFirst, streamed, segments) => {
    const url = await testDatabase('replica_snap');
    const pool = openPool(databaseSettings(url));
    cleanups.push(() => pool.end());
    await migrate(pool);
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`desk${i % 3}/story-${i}.txt`] = story(i);
    const dir = tempDataDir(files);
    const snapDir = tempDataDir({});
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(snapDir, { recursive: true, force: true }));
    const file = path.join(snapDir, 'replica.snapshot');
    await ingestDirectory(pool, dir, { batchSize: 100 });

    const a = await replicaOf(url, 300, buildFirst, streamed);
    cleanups.push(a.close);
    expect(a.replica.startedFromSnapshot).toBe(false);
    expect(a.store.current.segments.segments).toBe(segments);
    if (segments > 1) {
      // The same version, answers and stories as one segment built here.
      expect(a.store.current.storyIndex.comparisons).toBeGreaterThan(0);
      const one = corpusFromArticles([...(await loadArticles(dir)).articles].sort((x, y) => (x.id < y.id ? -1 : 1)));
      expect(a.store.current.version).toBe(one.version);
      for (const q of ['harbour council', 'story number', 'paragraph two']) {
        const top = (c: Corpus) => c.search(q, { sort: 'relevance', limit: 20, offset: 0 }).hits.map((h) => [h.article.id, h.score]);
        expect(top(a.store.current)).toEqual(top(one));
      }
      expect(a.store.current.listStories({ limit: 50, offset: 0, minSize: 1 })).toEqual(one.listStories({ limit: 50, offset: 0, minSize: 1 }));
    }
    const saved = await a.replica.saveSnapshot(file);
    expect(saved).toMatchObject({ articles: 300, change: await lastChange(pool) });
    // It holds the articles' digests and id order (made by the snapshot worker when it indexed them), so a start neither hashes nor sorts.
    const written = await readSnapshot(file);
    expect(written.orders?.byId.length).toBe(300);
    expect(Array.from(written.orders!.byId, (d) => written.articles[d]!.id)).toEqual(a.store.current.articles.map((x) => x.id));

    // Changes after the snapshot: updates, deletes and new articles.
    for (let i = 0; i < 10; i++) writeFileSync(path.join(dir, `desk${i % 3}/story-${i}.txt`), story(i, 3));
    for (let i = 290; i < 300; i++) unlinkSync(path.join(dir, `desk${i % 3}/story-${i}.txt`));
    for (let i = 300; i < 320; i++) writeFileSync(path.join(dir, `desk${i % 3}/story-${i}.txt`), story(i));
    await ingestDirectory(pool, dir, { batchSize: 100 });

    const settings = databaseSettings(url);
    const bPool = openPool(settings);
    cleanups.push(() => bPool.end());
    const b = new Replica({ source: new PostgresChangeSource(bPool), listen: settings.pool, build: (x, previous, set) => corpusFromArticles(x, 0, previous, set), logger: quiet });
    cleanups.push(() => b.close());
    const corpus = await b.load(file);
    expect(b.startedFromSnapshot).toBe(true);
    expect(b.status().lastChange).toBe(await lastChange(pool));
    const folder = new Corpus(await loadArticles(dir));
    expect(corpus.size).toBe(310);
    expect(corpus.version).toBe(folder.version);
    expect(corpus.get('desk0-story-0')!.title).toBe('Story number 0 (edition 3)');
    expect(corpus.get('desk2-story-299')).toBeUndefined();
    expect(JSON.stringify(corpus.get('desk1-story-301'))).toBe(JSON.stringify(folder.get('desk1-story-301')));
    // The same searches as a full build.
    const top = (c: Corpus) => c.search('harbour council', { sort: 'relevance', limit: 20, offset: 0 }).hits.map((h) => [h.article.id, h.score]);
    expect(top(corpus)).toEqual(top(folder));
    expect(top(corpus)).toHaveLength(20);
  });

  it('stops a snapshot being written when it closes: no snapshot file and no temporary file are left', async () => {
    const { url, snapDir } = await ingestedStore('replica_snap_close', 200);
    const a = await replicaOf(url);
    const writing = a.replica.saveSnapshot(path.join(snapDir, 'replica.snapshot'));
    await a.close();
    await expect(writing).rejects.toThrow();
    expect(readdirSync(snapDir)).toEqual([]);
  });

  it('refuses a snapshot of another database, one ahead of the database, and a folder snapshot, and loads the whole store instead', async () => {
    const { url, pool, dir, snapDir } = await ingestedStore('replica_snap_other', 20);
    const a = await replicaOf(url);
    cleanups.push(a.close);
    const file = path.join(snapDir, 'a.snapshot');
    await a.replica.saveSnapshot(file);

    const otherUrl = await testDatabase('replica_snap_other2');
    const otherPool = openPool(databaseSettings(otherUrl));
    cleanups.push(() => otherPool.end());
    await migrate(otherPool);
    await ingestDirectory(otherPool, dir, { dataset: 'other' });
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (m: unknown) => void warnings.push(String(m)) };
    const settings = databaseSettings(otherUrl);
    const make = () => new Replica({ source: new PostgresChangeSource(otherPool), listen: settings.pool, build: (x, previous) => corpusFromArticles(x, 0, previous), logger });
    const c = make();
    expect((await c.load(file)).size).toBe(20);
    expect(c.startedFromSnapshot).toBe(false);
    expect(warnings.at(-1)).toMatch(/made from another database/u);

    // The same identity but fewer changes: a database restored to an earlier point.
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM store_identity');
    await otherPool.query('UPDATE store_identity SET id = $1', [rows[0]!.id]);
    await otherPool.query('DELETE FROM article_changes WHERE change_seq > 5');
    const d = make();
    await d.load(file);
    expect(d.startedFromSnapshot).toBe(false);
    expect(warnings.at(-1)).toMatch(/it holds change \d+, the database only reaches 0/u);

    const folderFile = path.join(snapDir, 'folder.snapshot');
    await makeSnapshot(dir, folderFile);
    const e = make();
    await e.load(folderFile);
    expect(e.startedFromSnapshot).toBe(false);
    expect(warnings.at(-1)).toMatch(/made from the data folder/u);
  });
});

describe('snapshots published in the database (SNAPSHOT_IN_DATABASE)', () => {
  const withShelf = (url: string, logger: ReplicaOptions['logger'] = quiet) => {
    const settings = databaseSettings(url);
    const pool = openPool(settings);
    cleanups.push(() => pool.end());
    const published = new PublishedSnapshots(pool);
    const replica = new Replica({ source: new PostgresChangeSource(pool), listen: settings.pool, build: (x, previous, set) => corpusFromArticles(x, 0, previous, set), logger, published });
    cleanups.push(() => replica.close());
    return { replica, published, pool };
  };

  it('a new replica with no snapshot file starts from the published one, older than the store, and catches up exactly to the version of a full load', async () => {
    const { url, pool, dir, snapDir } = await ingestedStore('replica_published', 120);
    const a = withShelf(url);
    await a.replica.load(path.join(snapDir, 'a.snapshot'));
    expect(a.replica.startedFrom).toBe('database');
    const saved = await a.replica.saveSnapshot(path.join(snapDir, 'a.snapshot'));
    const published = await a.replica.publishSnapshot(path.join(snapDir, 'a.snapshot'), saved.change);
    expect(published).toMatchObject({ change: saved.change, bytes: saved.bytes });
    // Publishing the same change again (another replica finishing its cold start) keeps the one there.
    expect(await a.replica.publishSnapshot(path.join(snapDir, 'a.snapshot'), saved.change)).toBeNull();

    // Changes after the published snapshot: updates, deletes, new articles.
    for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, `story-${i}.txt`), story(i, 2));
    for (let i = 110; i < 120; i++) unlinkSync(path.join(dir, `story-${i}.txt`));
    for (let i = 120; i < 130; i++) writeFileSync(path.join(dir, `story-${i}.txt`), story(i));
    await ingestDirectory(pool, dir);

    const bFile = path.join(snapDir, 'b', 'replica.snapshot');
    mkdirSync(path.dirname(bFile));
    const b = withShelf(url);
    const corpus = await b.replica.load(bFile);
    expect(b.replica.startedFrom).toBe('published');
    expect(b.replica.snapshotChange).toBe(saved.change);
    expect(b.replica.status().lastChange).toBe(await lastChange(pool));
    expect(saved.change).toBeLessThan(await lastChange(pool));
    const folder = new Corpus(await loadArticles(dir));
    expect(corpus.size).toBe(120);
    expect(corpus.version).toBe(folder.version);
    expect(corpus.get('story-0')!.title).toBe('Story number 0 (edition 2)');
    expect(corpus.get('story-115')).toBeUndefined();
    // The copy is the published file, byte for byte, kept for the next start.
    expect(readFileSync(bFile).equals(readFileSync(path.join(snapDir, 'a.snapshot')))).toBe(true);
    const top = (c: Corpus) => c.search('harbour council', { sort: 'relevance', limit: 20, offset: 0 }).hits.map((h) => [h.article.id, h.score]);
    expect(top(corpus)).toEqual(top(folder));

    // A newer snapshot replaces the older one: one row left.
    const c = withShelf(url);
    await c.replica.load();
    const newer = await c.replica.saveSnapshot(path.join(snapDir, 'c.snapshot'));
    expect(await c.replica.publishSnapshot(path.join(snapDir, 'c.snapshot'), newer.change)).toMatchObject({ change: newer.change });
    expect((await pool.query('SELECT change_seq::int AS change FROM published_snapshots')).rows).toEqual([{ change: newer.change }]);
  });

  it('a damaged, another format\'s or missing published snapshot is not used: the replica loads the whole store and says why', async () => {
    const { url, pool, snapDir } = await ingestedStore('replica_published_bad', 30);
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger = { ...quiet, warn: (m: unknown) => void warnings.push(String(m)), info: (a: unknown, b?: unknown) => void infos.push(String(b ?? a)) };
    const none = withShelf(url, logger);
    expect((await none.replica.load(path.join(snapDir, 'none.snapshot'))).size).toBe(30);
    expect(none.replica.startedFrom).toBe('database');
    expect(infos.some((m) => /no snapshot of this format published/u.test(m))).toBe(true);

    const a = withShelf(url);
    await a.replica.load();
    const saved = await a.replica.saveSnapshot(path.join(snapDir, 'a.snapshot'));
    await a.replica.publishSnapshot(path.join(snapDir, 'a.snapshot'), saved.change);
    // One byte flipped in the middle of the published file: its checksum no longer matches.
    await pool.query(`UPDATE published_snapshot_parts SET data = set_byte(data, length(data) / 2, (get_byte(data, length(data) / 2) + 1) % 256)`);
    const b = withShelf(url, logger);
    expect((await b.replica.load(path.join(snapDir, 'b.snapshot'))).size).toBe(30);
    expect(b.replica.startedFrom).toBe('database');
    expect(warnings.at(-1)).toMatch(/published in the database not used \(checksum mismatch/u);

    // Published by a replica of another snapshot format: not this one's to read.
    const other = new PublishedSnapshots(pool, SNAPSHOT_FORMAT + 1);
    await pool.query('DELETE FROM published_snapshots');
    expect(await other.publish(path.join(snapDir, 'a.snapshot'), saved.change)).not.toBeNull();
    const d = withShelf(url, logger);
    await d.replica.load(path.join(snapDir, 'd.snapshot'));
    expect(d.replica.startedFrom).toBe('database');
    expect(await new PublishedSnapshots(pool).newest()).toBeNull();
  });
});

describe("a replica's update says what changed (ArticleSet)", () => {
  it('updates, deletes and additions named by the change give the version and stories of a full build; a change named against another set is compared whole', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`story-${i}.txt`] = story(i);
    const dir = tempDataDir(files);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = [...(await loadArticles(dir)).articles];
    for (let i = 0; i < 3; i++) writeFileSync(path.join(dir, `story-${i}.txt`), story(i, 2));
    for (let i = 50; i < 55; i++) unlinkSync(path.join(dir, `story-${i}.txt`));
    for (let i = 60; i < 64; i++) writeFileSync(path.join(dir, `story-${i}.txt`), story(i));
    // A reprint of story 7 joins its story.
    writeFileSync(path.join(dir, 'reprint-7.txt'), story(7));
    const next = [...(await loadArticles(dir)).articles];
    const full = new Corpus(await loadArticles(dir));
    const before = new Map(first.map((a) => [a.id, a]));
    const after = new Map(next.map((a) => [a.id, a]));
    const added = next.filter((a) => JSON.stringify(before.get(a.id)) !== JSON.stringify(a));
    const removed = first.filter((a) => !after.has(a.id)).map((a) => a.id);
    const changed = added.filter((a) => before.has(a.id)).length;
    expect(changed).toBeGreaterThanOrEqual(3);
    expect(added.length - changed).toBeGreaterThanOrEqual(4);
    expect(removed).toEqual(expect.arrayContaining(['story-50', 'story-51', 'story-52', 'story-53', 'story-54']));

    const token = {};
    const start = corpusFromArticles(first, 0, undefined, { token });
    const named = corpusFromArticles(next, 0, start, { token: {}, delta: { since: token, added, removed } });
    expect(named.version).toBe(full.version);
    expect(named.change).toMatchObject({ added: added.length - changed, changed, deleted: removed.length });
    expect(named.listStories({ limit: 50, offset: 0, minSize: 2 })).toEqual(full.listStories({ limit: 50, offset: 0, minSize: 2 }));
    expect(named.get('story-0')!.title).toBe('Story number 0 (edition 2)');
    expect(named.get('story-52')).toBeUndefined();

    // A change named against a set this corpus was not made from: every article compared, same result.
    const stale = corpusFromArticles(next, 0, start, { token: {}, delta: { since: {}, added: [], removed: [] } });
    expect(stale.version).toBe(full.version);
    // The same stale change with the delta trusted would have missed everything: the version would not have moved.
    expect(stale.version).not.toBe(start.version);
  });
});

describe('reading the whole store', () => {
  it('reads every page (the next asked for while one is parsed) and refuses a corrupt row by its id, the connection left usable', async () => {
    const url = await testDatabase('replica_pages');
    const pool = openPool(databaseSettings(url));
    cleanups.push(() => pool.end());
    await migrate(pool);
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`desk${i % 3}/story-${i}.txt`] = story(i);
    const dir = tempDataDir(files);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await ingestDirectory(pool, dir, { batchSize: 100 });
    const ids = (await pool.query<{ id: string }>('SELECT id FROM articles ORDER BY id')).rows.map((r) => r.id);
    // Pages of 7 (and of 8: the last page full, then an empty one): every article once, in id order, seen page by page.
    for (const pageSize of [7, 8]) {
      const seen: string[] = [];
      const snap = await new PostgresChangeSource(pool, pageSize).snapshot((page) => seen.push(...page.map((a) => a.id)));
      expect(snap.articles.map((a) => a.id)).toEqual(ids);
      expect(seen).toEqual(ids);
    }
    // A row another writer broke, in the middle of the third page (the fourth already asked for).
    const broken = ids[17]!;
    const record = (await pool.query<{ record: string }>('SELECT record::text AS record FROM articles WHERE id = $1', [broken])).rows[0]!.record;
    // Not a record, not an object, and a record whose paragraph list does not start with its lead (no body made from it).
    const lead = (JSON.parse(record) as { lead: string }).lead;
    const otherLead = record.replace(`"lead":${JSON.stringify(lead)}`, '"lead":"Another lead"');
    expect(otherLead).not.toBe(record);
    for (const bad of ['{"id": 5}', '"text"', '[1, 2]', 'null', otherLead]) {
      await pool.query('UPDATE articles SET record = $2::json WHERE id = $1', [broken, bad]);
      await expect(new PostgresChangeSource(pool, 7).snapshot()).rejects.toThrow(`article ${broken} in the database is not a valid record`);
    }
    // The read's transaction was rolled back and its connection is usable: the next read of the store answers.
    await pool.query('UPDATE articles SET record = $2::json WHERE id = $1', [broken, record]);
    expect((await new PostgresChangeSource(pool, 7).snapshot()).articles.map((a) => a.id)).toEqual(ids);
  });
});

describe('a first build begun while the articles are read', () => {
  async function articlesOf(n: number) {
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`desk${i % 3}/story-${i}.txt`] = story(i);
    const dir = tempDataDir(files);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return [...(await loadArticles(dir)).articles].sort((x, y) => (x.id < y.id ? -1 : 1));
  }

  it('equals one segment built from the same articles when the pages come in id order, and builds nothing when they came in another order', async () => {
    const articles = await articlesOf(60);
    const one = corpusFromArticles(articles);
    const pagedIn = async (pages: (typeof articles)[]) => {
      const stream = corpusWhileReading(2, () => 0, 0);
      try {
        stream.page([], articles.length);
        for (const page of pages) stream.page(page, articles.length);
        return await stream.finish(articles, { token: {} });
      } finally {
        await stream.close();
      }
    };
    const inOrder = await pagedIn([articles.slice(0, 25), articles.slice(25, 50), articles.slice(50)]);
    expect(inOrder?.segments.segments).toBe(4);
    expect(inOrder?.version).toBe(one.version);
    expect(inOrder?.listStories({ limit: 60, offset: 0, minSize: 1 })).toEqual(one.listStories({ limit: 60, offset: 0, minSize: 1 }));
    // Its digests and sorted orders were made while the segments were built (knownOrdersOf): the same listings.
    for (const sort of ['newest', 'oldest'] as const) {
      const ids = (c: Corpus) => c.list({ sort, limit: 60, offset: 0 }).items.map((a) => a.id);
      expect(ids(inOrder!)).toEqual(ids(one));
    }
    expect(inOrder?.search('harbour council', { sort: 'relevance', limit: 20, offset: 0 }).hits.map((h) => [h.article.id, h.score])).toEqual(
      one.search('harbour council', { sort: 'relevance', limit: 20, offset: 0 }).hits.map((h) => [h.article.id, h.score]),
    );
    // A store whose collation orders ids otherwise than we do: its pages are not our order.
    expect(await pagedIn([articles.slice(30), articles.slice(0, 30)])).toBeNull();
  });

  it('sends small batches first and sizes the last so every worker gets its share', () => {
    const sizes = (ends: number[]) => ends.map((e, k) => e - (ends[k - 1] ?? 0));
    expect(batchEnds(100_006, 2)).toEqual([10_001, 30_002, 70_004, 100_006]);
    for (const [total, workers] of [[100_006, 2], [100_000, 3], [99_999, 4], [60, 2]] as const) {
      const ends = batchEnds(total, workers);
      const batch = sizes(ends);
      expect(ends).toHaveLength(2 * workers);
      expect(ends[ends.length - 1]).toBe(total);
      expect(Math.min(...batch)).toBeGreaterThan(0);
      // The first batch is the smallest, the first round grows, and batch k goes to worker k % workers: each gets a 1/workers share.
      expect(batch[0]).toBe(Math.min(...batch));
      for (let w = 0; w < workers; w++) expect(Math.abs(batch[w]! + batch[w + workers]! - total / workers)).toBeLessThanOrEqual(2);
      for (let w = 1; w < workers; w++) expect(batch[w]!).toBeGreaterThan(batch[w - 1]!);
      // The last batch starts when the read ends: the smallest of the second round.
      expect(batch[batch.length - 1]).toBe(Math.min(...batch.slice(workers)));
    }
    // Fewer articles than batches: no empty batch.
    expect(batchEnds(3, 4)).toEqual([1, 2, 3]);
    expect(batchEnds(0, 2)).toEqual([]);
  });

  it('leaves a read of fewer articles than its threshold to the caller', async () => {
    const articles = await articlesOf(20);
    const stream = corpusWhileReading(2, () => 0, 1000);
    stream.page([], articles.length);
    stream.page(articles, articles.length);
    expect(await stream.finish(articles, { token: {} })).toBeNull();
    await stream.close();
  });
});
