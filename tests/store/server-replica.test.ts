import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { ROOT, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const story = (title: string) => `${title}\n\nThe first paragraph of ${title.toLowerCase()}.\n\nAnd a second one.\n`;

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const running: RunningServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of running) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the server with SEARCH_BACKEND=postgres', () => {
  it('ingests its data folder, answers from SQL, and sees a new ingest by notification', async () => {
    const url = await testDatabase('sqlsearch');
    const dir = tempDataDir({ 'harbour.txt': story('Harbour strike ends') });
    dirs.push(dir);
    const pool = openPool(databaseSettings(url));
    try {
      const s = await startServer(['--data', dir], { DATABASE_URL: url, SEARCH_BACKEND: 'postgres', DATABASE_POLL_MS: '60000' });
      running.push(s);
      expect(s.output()).toContain('answering from PostgreSQL (SEARCH_BACKEND=postgres)');
      const first = await fetch(`${s.url}/search?q=harbour`);
      expect(first.status).toBe(200);
      expect(((await first.json()) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual(['harbour']);
      writeFileSync(path.join(dir, 'ferry.txt'), story('Ferry returns to the harbour'));
      await ingestDirectory(pool, dir);
      await until('the ferry article', async () => ((await (await fetch(`${s.url}/search?q=harbour`)).json()) as { total: number }).total === 2, 15_000);
      const health = (await (await fetch(`${s.url}/health`)).json()) as { articles: number; corpus: { version: string }; database: { state: string } };
      expect(health).toMatchObject({ articles: 2, database: { state: 'connected' } });
      expect((await fetch(`${s.url}/articles`)).headers.get('x-corpus-version')).toBe(health.corpus.version);
    } finally {
      await pool.end();
    }
  });
});

describe('the server with SEARCH_BACKEND=postgres and --watch', () => {
  it('ingests a new and a deleted file of its data folder as they happen, and answers from SQL with them', async () => {
    const url = await testDatabase('sqlwatch');
    const dir = tempDataDir({ 'harbour.txt': story('Harbour strike ends'), 'lighthouse.txt': story('Lighthouse keeper retires from the harbour') });
    dirs.push(dir);
    // polling every minute: only the watched ingest can make the change visible within the wait
    const s = await startServer(['--watch'], { DATABASE_URL: url, DATA_DIR: dir, SEARCH_BACKEND: 'postgres', DATABASE_POLL_MS: '60000' });
    running.push(s);
    const ids = async () => ((await (await fetch(`${s.url}/search?q=harbour&sort=oldest`)).json()) as { items: Array<{ id: string }> }).items.map((i) => i.id).sort();
    expect(await ids()).toEqual(['harbour', 'lighthouse']);
    writeFileSync(path.join(dir, 'ferry.txt'), story('Ferry returns to the harbour'));
    await until('the ferry article', async () => (await ids()).includes('ferry'));
    rmSync(path.join(dir, 'lighthouse.txt'));
    await until('the lighthouse article to go', async () => !(await ids()).includes('lighthouse'));
    expect(await ids()).toEqual(['ferry', 'harbour']);
    expect((await fetch(`${s.url}/articles/lighthouse`)).status).toBe(404);
  });
});

describe('the server with DATABASE_URL', () => {
  it('with no data folder serves the database, and a newly ingested file appears on two replica processes', async () => {
    // Trust authentication ignores the password, so it can show that no log line prints it.
    const url = (await testDatabase('server')).replace('postgres@', 'postgres:sekret-pw@');
    const dir = tempDataDir({ 'first.txt': story('First story') });
    dirs.push(dir);
    const pool = openPool(databaseSettings(url));
    try {
      // The replicas start on an empty database (they apply the migrations themselves).
      const a = await startServer([], { DATABASE_URL: url, DATABASE_POLL_MS: '60000' });
      const b = await startServer([], { DATABASE_URL: url, DATABASE_POLL_MS: '60000' });
      running.push(a, b);
      expect(((await (await fetch(`${a.url}/health`)).json()) as { articles: number }).articles).toBe(0);
      await ingestDirectory(pool, dir);
      writeFileSync(path.join(dir, 'second.txt'), story('Second story'));
      await ingestDirectory(pool, dir);
      // The poll is a minute away: only the notification can bring these in time.
      for (const s of [a, b]) await until(`second on ${s.url}`, async () => (await fetch(`${s.url}/articles/second`)).status === 200, 15_000);
      const [ra, rb] = await Promise.all([fetch(`${a.url}/articles?limit=5`), fetch(`${b.url}/articles?limit=5`)]);
      expect(ra.headers.get('x-corpus-version')).toBe(rb.headers.get('x-corpus-version'));
      expect(ra.headers.get('etag')).toBe(rb.headers.get('etag'));
      const health = await (await fetch(`${a.url}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', articles: 2, database: { state: 'connected' } });
      expect(a.output()).toContain('postgres:***@');
      expect(a.output()).not.toContain('sekret-pw');
    } finally {
      await pool.end();
    }
  });

  it('reads from DATABASE_READ_URL when given (LISTEN stays on DATABASE_URL)', async () => {
    // Two different databases make the routing visible: the articles can only come from the read URL.
    const primary = await testDatabase('primary');
    const standby = await testDatabase('standby');
    const dir = tempDataDir({ 'only-on-standby.txt': story('Only on the standby') });
    dirs.push(dir);
    const pool = openPool(databaseSettings(standby));
    try {
      await migrate(pool);
      await ingestDirectory(pool, dir);
    } finally {
      await pool.end();
    }
    const s = await startServer([], { DATABASE_URL: primary, DATABASE_READ_URL: standby });
    running.push(s);
    expect((await fetch(`${s.url}/articles/only-on-standby`)).status).toBe(200);
    const health = (await (await fetch(`${s.url}/health`)).json()) as { articles: number; database: { state: string } };
    expect(health).toMatchObject({ articles: 1, database: { state: 'connected' } });
  });

  it('with a data folder and --watch ingests the folder, and a new file reaches the database and the answers', async () => {
    const url = await testDatabase('watch');
    const dir = tempDataDir({ 'one.txt': story('Story one') });
    dirs.push(dir);
    const s = await startServer(['--watch'], { DATABASE_URL: url, DATA_DIR: dir });
    running.push(s);
    expect((await fetch(`${s.url}/articles/one`)).status).toBe(200);
    writeFileSync(path.join(dir, 'two.txt'), story('Story two'));
    await until('two to be served', async () => (await fetch(`${s.url}/articles/two`)).status === 200);
    const pool = openPool(databaseSettings(url));
    try {
      const { rows } = await pool.query('SELECT id FROM articles ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(['one', 'two']);
    } finally {
      await pool.end();
    }
  });
});

describe('npm run replicas (the steps of deploy/compose.yaml)', () => {
  it('ingests a folder, starts two replicas from the database alone, and they agree on version and ETags', async () => {
    const url = await testDatabase('script');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/replicas.ts'), '--data', path.join(ROOT, 'tests/fixtures/corpus'), '--port', '0', '--check'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(out).toContain('result: the replicas agree');
    expect(code).toBe(0);
    const rows = out.split('\n').filter((l) => l.includes('"replica"')).map((l) => JSON.parse(l.trim()) as { articles: number; version: string });
    expect(rows).toHaveLength(2);
    expect(rows[0]!.articles).toBeGreaterThan(3);
  }, 90_000);
});

describe('a replica process with SNAPSHOT', () => {
  it('writes its snapshot after a start without one, and the next replica starts from it and catches up', async () => {
    const url = await testDatabase('server_snap');
    const dir = tempDataDir({ 'first.txt': story('First story'), 'second.txt': story('Second story') });
    const snapDir = tempDataDir({});
    dirs.push(dir, snapDir);
    const snapshot = path.join(snapDir, 'replica.snapshot');
    const pool = openPool(databaseSettings(url));
    try {
      await migrate(pool);
      await ingestDirectory(pool, dir);
      const a = await startServer([], { DATABASE_URL: url, DATABASE_POLL_MS: '60000', SNAPSHOT: snapshot });
      running.push(a);
      // Written while it serves, on a worker thread.
      await until('the snapshot written', async () => a.output().includes('replica: snapshot written'));
      expect(a.output()).toContain('not used (missing)');
      writeFileSync(path.join(dir, 'third.txt'), story('Third story'));
      await ingestDirectory(pool, dir);
      await until('third on the first replica', async () => (await fetch(`${a.url}/articles/third`)).status === 200);
      a.child.kill('SIGTERM');
      await a.exited;
      expect(a.output().match(/replica: snapshot written/gu)).toHaveLength(1);

      // Changes the snapshot does not hold (the third and fourth stories): the next replica catches up with them.
      writeFileSync(path.join(dir, 'fourth.txt'), story('Fourth story'));
      await ingestDirectory(pool, dir);
      const b = await startServer([], { DATABASE_URL: url, DATABASE_POLL_MS: '60000', SNAPSHOT: snapshot });
      running.push(b);
      expect(b.output()).toContain('replica: started from the snapshot');
      const health = (await (await fetch(`${b.url}/health`)).json()) as { articles: number; database: { lastChange: number } };
      expect(health.articles).toBe(4);
      expect((await fetch(`${b.url}/articles/fourth`)).status).toBe(200);
      const c = await startServer([], { DATABASE_URL: url, DATABASE_POLL_MS: '60000' });
      running.push(c);
      const [rb, rc] = await Promise.all([fetch(`${b.url}/articles?limit=5`), fetch(`${c.url}/articles?limit=5`)]);
      expect(rb.headers.get('x-corpus-version')).toBe(rc.headers.get('x-corpus-version'));
      expect(rb.headers.get('etag')).toBe(rc.headers.get('etag'));
    } finally {
      await pool.end();
    }
  });
});

describe('replica processes with SNAPSHOT_IN_DATABASE', () => {
  it('the first publishes the snapshot it writes; a replica on another machine (no snapshot file) starts from it, catches up, and serves the same version and ETags', async () => {
    const url = await testDatabase('server_published');
    const dir = tempDataDir({ 'first.txt': story('First story'), 'second.txt': story('Second story') });
    const snapDirA = tempDataDir({});
    const snapDirB = tempDataDir({});
    dirs.push(dir, snapDirA, snapDirB);
    const pool = openPool(databaseSettings(url));
    try {
      await migrate(pool);
      await ingestDirectory(pool, dir);
      const env = { DATABASE_URL: url, DATABASE_POLL_MS: '60000', SNAPSHOT_IN_DATABASE: 'true' };
      const a = await startServer([], { ...env, SNAPSHOT: path.join(snapDirA, 'replica.snapshot') });
      running.push(a);
      await until('the snapshot published', async () => a.output().includes('replica: snapshot published in the database'));
      // A change the published snapshot does not hold.
      writeFileSync(path.join(dir, 'third.txt'), story('Third story'));
      await ingestDirectory(pool, dir);
      const b = await startServer([], { ...env, SNAPSHOT: path.join(snapDirB, 'replica.snapshot') });
      running.push(b);
      expect(b.output()).toContain('replica: started from the snapshot published in the database');
      expect((await fetch(`${b.url}/articles/third`)).status).toBe(200);
      await until('third on the first replica', async () => (await fetch(`${a.url}/articles/third`)).status === 200);
      const [ra, rb] = await Promise.all([fetch(`${a.url}/articles?limit=5`), fetch(`${b.url}/articles?limit=5`)]);
      expect(rb.headers.get('x-corpus-version')).toBe(ra.headers.get('x-corpus-version'));
      expect(rb.headers.get('etag')).toBe(ra.headers.get('etag'));
      // It started from a snapshot: it neither writes nor publishes one of its own.
      expect(b.output()).not.toContain('replica: snapshot written');
    } finally {
      await pool.end();
    }
  });
});
