import { toJson } from '../../src/articles/record.js';
import { rmSync, writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as checkData } from '../../src/cli/check-data.js';
import { main as ingestCli } from '../../src/cli/ingest.js';
import { databaseSettings, openPool, redactUrl } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { contentHash, PostgresChangeSource } from '../../src/store/postgres.js';
import { articleText, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';
import { migratedPools, sink } from '../helpers/store.js';



const { fresh: freshPool, track } = migratedPools();

describe('migrations', () => {
  it('apply once, even when two processes start at once, and record each by name', async () => {
    const url = await testDatabase('migrate');
    const a = openPool(databaseSettings(url));
    const b = openPool(databaseSettings(url));
    track(a, b);
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
    expect([...ra.applied, ...rb.applied]).toEqual(MIGRATIONS.map((m) => m.name));
    expect((await migrate(a)).applied).toEqual([]);
    const { rows } = await a.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    // The search index is on the narrow search table (migration 0007), none on the wide articles rows.
    const idx = await a.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN ('articles', 'article_search')");
    const gin = idx.rows.filter((r) => /USING gin/u.test(r.indexdef)).map((r) => `${r.tablename}.${r.indexname}`);
    expect(gin).toEqual(['article_search.article_search_words']);
  });

  it('refuse a database that is newer than the code, changing nothing', async () => {
    const pool = await freshPool('newer');
    await pool.query("INSERT INTO schema_migrations (name) VALUES ('9999-from-the-future')");
    await expect(migrate(pool)).rejects.toThrow(/newer than this code/u);
  });
});

describe('ingest', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDataDir({
      'world/port-strike.txt': articleText('Port strike enters second week', 'Dock workers stayed off the job on Monday.', 'Talks resume today.'),
      'world/floods.txt': articleText('Floods close the river road', 'Heavy rain closed the river road overnight.', 'Crews expect to reopen it on Friday.'),
      'business/rates.txt': articleText('Bank holds rates', 'The central bank held its rate at 4 per cent.', 'Markets had expected the pause.'),
      'business/empty.txt': '',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores each article with its columns and weighted search vectors, and a second run changes nothing', async () => {
    const pool = await freshPool('idem');
    const first = await ingestDirectory(pool, dir, { dataset: 'd' });
    expect(first).toMatchObject({ inserted: 3, updated: 0, unchanged: 0, deleted: 0 });
    expect(first.load.problems.map((p) => [p.path, p.kind])).toEqual([['business/empty.txt', 'empty']]);
    const row = (
      await pool.query<{ category: string; dataset: string; search_tsv: string; title_hit: boolean; lead_as_title: boolean }>(
        `SELECT a.category, a.dataset, s.search_tsv::text,
                s.search_tsv @@ 'strike:A'::tsquery AS title_hit, s.search_tsv @@ 'dock:A'::tsquery AS lead_as_title
           FROM articles a JOIN article_search s USING (id) WHERE id = 'world-port-strike'`,
      )
    ).rows[0]!;
    expect(row.category).toBe('world');
    expect(row.search_tsv).toMatch(/'strike':\d+A/u); // headline words weigh A
    expect(row.search_tsv).toMatch(/'dock':\d+B/u); // the lead B
    expect(row.search_tsv).toMatch(/'talk':\d+C/u); // the body C
    // title: scoping is a weight-A query on the same column.
    expect(row).toMatchObject({ title_hit: true, lead_as_title: false });
    const before = await pool.query('SELECT id, change_seq, content_hash FROM articles ORDER BY id');

    const again = await ingestDirectory(pool, dir, { dataset: 'd' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, deleted: 0, lastSeq: null, batches: 0 });
    expect((await pool.query('SELECT id, change_seq, content_hash FROM articles ORDER BY id')).rows).toEqual(before.rows);
  });

  it('reports an update, a new file and a removed file as changes after the last sequence number, deletes included', async () => {
    const pool = await freshPool('changes');
    const d = tempDataDir({
      'a.txt': articleText('Alpha story', 'First alpha paragraph here.', 'More.'),
      'b.txt': articleText('Beta story', 'First beta paragraph here.', 'More.'),
      'c.txt': articleText('Gamma story', 'First gamma paragraph here.', 'More.'),
    });
    try {
      const first = await ingestDirectory(pool, d, { dataset: 'x' });
      const source = new PostgresChangeSource(pool);
      const snap = await source.snapshot();
      expect(snap.seq).toBe(first.lastSeq);
      expect(snap.articles.map((a) => a.id)).toEqual(['a', 'b', 'c']);

      writeFileSync(path.join(d, 'b.txt'), articleText('Beta story, updated', 'First beta paragraph here, with news.', 'More.'));
      unlinkSync(path.join(d, 'c.txt'));
      writeFileSync(path.join(d, 'd.txt'), articleText('Delta story', 'First delta paragraph here.', 'More.'));
      const second = await ingestDirectory(pool, d, { dataset: 'x' });
      expect(second).toMatchObject({ inserted: 1, updated: 1, unchanged: 1, deleted: 1 });
      const batch = await source.changesSince(snap.seq);
      expect(batch.seq).toBe(second.lastSeq);
      expect(batch.changes.map((c) => [c.id, c.article?.title ?? null])).toEqual(
        expect.arrayContaining([
          ['b', 'Beta story, updated'],
          ['d', 'Delta story'],
          ['c', null],
        ]),
      );
      expect(batch.changes).toHaveLength(3);
      expect(batch.changes.map((c) => c.seq)).toEqual([...batch.changes.map((c) => c.seq)].sort((x, y) => x - y));
      expect((await source.changesSince(batch.seq)).changes).toEqual([]);
      // The narrow search table (migration 0007) in step: the new article in, the removed one out,
      // the updated one's words those of its new text.
      const searched = await pool.query<{ id: string; updated: boolean; news: boolean }>(
        `SELECT id, search_tsv @@ 'updat:A'::tsquery AS updated, search_tsv @@ 'news:B'::tsquery AS news FROM article_search ORDER BY id`,
      );
      expect(searched.rows).toEqual([
        { id: 'a', updated: false, news: false },
        { id: 'b', updated: true, news: true },
        { id: 'd', updated: false, news: false },
      ]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('deletes only within its own dataset, and leaves an id another dataset owns alone', async () => {
    const pool = await freshPool('scoped');
    const one = tempDataDir({ 'one.txt': articleText('Story one', 'Paragraph of story one.', 'More.'), 'same.txt': articleText('Shared name', 'Owned by the first folder.', 'More.') });
    const two = tempDataDir({ 'two.txt': articleText('Story two', 'Paragraph of story two.', 'More.'), 'same.txt': articleText('Shared name again', 'The second folder says this.', 'More.') });
    try {
      await ingestDirectory(pool, one);
      const second = await ingestDirectory(pool, two);
      expect(second.conflicts).toEqual([{ id: 'same', path: 'same.txt', owner: path.resolve(one) }]);
      // The article the second folder could not take keeps the first folder's words for search too.
      const same = await pool.query<{ second: boolean; first: boolean }>(
        "SELECT search_tsv @@ 'second'::tsquery AS second, search_tsv @@ 'first'::tsquery AS first FROM article_search WHERE id = 'same'",
      );
      expect(same.rows).toEqual([{ second: false, first: true }]);
      unlinkSync(path.join(one, 'one.txt'));
      unlinkSync(path.join(one, 'same.txt'));
      expect((await ingestDirectory(pool, one)).deleted).toBe(2);
      const { rows } = await pool.query('SELECT id, dataset FROM articles ORDER BY id');
      expect(rows).toEqual([{ id: 'two', dataset: path.resolve(two) }]);
      expect((await pool.query('SELECT id FROM article_search ORDER BY id')).rows).toEqual([{ id: 'two' }]);
    } finally {
      rmSync(one, { recursive: true, force: true });
      rmSync(two, { recursive: true, force: true });
    }
  });

  it('batches whose rows were made while earlier ones were written store each article once, as the loader gave it', async () => {
    const pool = await freshPool('pipelined');
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`p${String(i).padStart(2, '0')}.txt`] = articleText(`Pipelined story ${i}`, `Paragraph ${i} of the story.`, `Closing line ${i}.`);
    const d = tempDataDir(files);
    try {
      const { loadArticles } = await import('../../src/loader/index.js');
      const loaded = (await loadArticles(d)).articles;
      for (const parallel of [1, 2, 3]) {
        const dataset = `pipelined-${parallel}`;
        await pool.query('DELETE FROM articles');
        const callStarted = performance.now();
        const out = await ingestDirectory(pool, d, { dataset, batchSize: 4, parallel });
        const callMs = performance.now() - callStarted;
        expect(out).toMatchObject({ inserted: 50, batches: 13 });
        // The reported duration is this ingest's own, not time since some other origin (a batch
        // counter once shadowed the start time and made it the process's age).
        expect(out.durationMs).toBeGreaterThanOrEqual(0);
        expect(out.durationMs).toBeLessThanOrEqual(Math.ceil(callMs));
        const { rows } = await pool.query<{ id: string; content_hash: string; record: unknown; tsv: string }>('SELECT id, a.content_hash, a.record, s.search_tsv::text AS tsv FROM articles a JOIN article_search s USING (id) ORDER BY id');
        expect(rows.map((r) => r.id)).toEqual(loaded.map((a) => a.id));
        rows.forEach((r, i) => {
          expect(r.record).toEqual(JSON.parse(JSON.stringify(toJson(loaded[i]!))));
          expect(r.content_hash).toBe(contentHash(loaded[i]!));
          expect(r.tsv).toMatch(/'pipelin':\d+A/u);
        });
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a large ingest writes with a large search pending list and merges it at its end, a small one with the server\'s own; connections stay as they were, the index answers every article', async () => {
    const pool = await freshPool('pending');
    // One file of 1,200 articles (more than MERGE_PENDING_FROM), every third naming a zebra.
    const lines = Array.from({ length: 1200 }, (_, i) =>
      JSON.stringify({ title: `Harbour report ${i}`, text: `Ships number ${i} came in${i % 3 === 0 ? ' with a zebra on deck' : ''}.\n\nThe port stayed open.`, date: '2024-03-01' }),
    );
    const d = tempDataDir({ 'ports/reports.ndjson': `${lines.join('\n')}\n` });
    // Each row written notes the pending-list limit of the transaction that wrote it.
    await pool.query('CREATE TABLE seen_limits (id text, pending_limit text)');
    await pool.query(`CREATE FUNCTION note_limit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO seen_limits VALUES (NEW.id, current_setting('gin_pending_list_limit')); RETURN NEW; END $$`);
    await pool.query('CREATE TRIGGER note_limit BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION note_limit()');
    const limits = async () => (await pool.query<{ pending_limit: string; n: string }>('SELECT pending_limit, count(*)::text AS n FROM seen_limits GROUP BY 1 ORDER BY 1')).rows;
    try {
      const out = await ingestDirectory(pool, d, { dataset: 'pending', batchSize: 500 });
      expect(out).toMatchObject({ inserted: 1200, batches: 3 });
      expect(await limits()).toEqual([{ pending_limit: '64MB', n: '1200' }]);
      // The batches wrote with a 64 MB pending list (1,200 articles stay far below it): the ingest merged it
      // at its end, so there is nothing left to merge now (without that merge this returns the list's pages).
      const left = await pool.query<{ n: string }>("SELECT gin_clean_pending_list('article_search_words')::text AS n");
      expect(left.rows[0]!.n).toBe('0');
      // SET LOCAL: every pooled connection is back at the server's settings.
      const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      try {
        for (const c of clients) expect((await c.query<{ gin_pending_list_limit: string }>('SHOW gin_pending_list_limit')).rows[0]!.gin_pending_list_limit).toBe('4MB');
        // Answered by the index (no sequential scan allowed): every zebra, and only them.
        await clients[0]!.query('SET enable_seqscan = off');
        const zebras = await clients[0]!.query<{ n: string }>("SELECT count(*)::text AS n FROM article_search WHERE search_tsv @@ to_tsquery('english', 'zebra')");
        expect(zebras.rows[0]!.n).toBe('400');
        await clients[0]!.query('RESET enable_seqscan');
      } finally {
        for (const c of clients) c.release();
      }
      // A small ingest (a file added) writes with the server's own limit: its entries never wait in a long list.
      writeFileSync(path.join(d, 'ports/late.txt'), articleText('Late harbour report', 'One more ship came in.', 'The port closed at dusk.'));
      expect(await ingestDirectory(pool, d, { dataset: 'pending', batchSize: 500 })).toMatchObject({ inserted: 1, unchanged: 1200 });
      expect(await limits()).toEqual([
        { pending_limit: '4MB', n: '1' },
        { pending_limit: '64MB', n: '1200' },
      ]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('two ingests of the same folder at once write each article once', async () => {
    const pool = await freshPool('twice');
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`n${i}.txt`] = articleText(`Story number ${i}`, `Paragraph number ${i} of the story.`, 'More.');
    const d = tempDataDir(files);
    try {
      const [a, b] = await Promise.all([ingestDirectory(pool, d, { batchSize: 7 }), ingestDirectory(pool, d, { batchSize: 7 })]);
      expect(a.inserted + b.inserted).toBe(60);
      expect(a.unchanged + b.unchanged).toBe(60);
      const { rows } = await pool.query<{ n: string; seqs: string }>('SELECT count(*) AS n, count(DISTINCT change_seq) AS seqs FROM articles');
      expect(rows[0]).toEqual({ n: '60', seqs: '60' });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a batch that fails is rolled back whole; the batches before it stay, and a re-run finishes the job', async () => {
    const pool = await freshPool('rollback');
    const files: Record<string, string> = {};
    for (let i = 0; i < 9; i++) files[`s${i}.txt`] = articleText(`Story ${i}`, `Paragraph ${i} of the story.`, 'More.');
    const d = tempDataDir(files);
    try {
      // A real failure inside PostgreSQL, on the fifth article (the second batch of three).
      await pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused %', NEW.id; END $$`);
      await pool.query(`CREATE TRIGGER refuse BEFORE INSERT ON articles FOR EACH ROW WHEN (NEW.id = 's4') EXECUTE FUNCTION refuse()`);
      await expect(ingestDirectory(pool, d, { batchSize: 3 })).rejects.toThrow(/refused s4/u);
      const ids = (await pool.query<{ id: string }>('SELECT id FROM articles ORDER BY id')).rows.map((r) => r.id);
      // Two batches are written at once, so the third may or may not have committed before the
      // second failed; each batch is whole either way, and the failing one left nothing.
      expect([['s0', 's1', 's2'], ['s0', 's1', 's2', 's6', 's7', 's8']]).toContainEqual(ids);
      const logged = (await pool.query<{ id: string }>('SELECT id FROM article_changes ORDER BY id')).rows.map((r) => r.id);
      expect(logged).toEqual(ids);
      await pool.query('DROP TRIGGER refuse ON articles');
      const rerun = await ingestDirectory(pool, d, { batchSize: 3 });
      expect(rerun).toMatchObject({ inserted: 9 - ids.length, unchanged: ids.length });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('npm run ingest', () => {
  it('reports problems exactly as check-data does, then what it changed; exit 1 with problems', async () => {
    const url = await testDatabase('cli');
    const dir = tempDataDir({ 'ok.txt': articleText('A fine story', 'With a paragraph.', 'And another.'), 'bad.txt': Buffer.from([0x66, 0x00, 0x67]) });
    try {
      const out = sink();
      const err = sink();
      expect(await ingestCli(['--data', dir], { DATABASE_URL: url }, { stdout: out as never, stderr: err as never })).toBe(1);
      const checked = sink();
      expect(await checkData([dir], { stdout: checked as never, stderr: sink() as never })).toBe(1);
      const withoutTimes = (s: string) => s.replace(/ in \d+ ms/gu, ' in N ms');
      expect(withoutTimes(out.text).startsWith(withoutTimes(checked.text))).toBe(true);
      expect(out.text).toContain('inserted 1, updated 0, unchanged 0, deleted 0');
      const json = sink();
      expect(await ingestCli(['--data', dir, '--json'], { DATABASE_URL: url }, { stdout: json as never, stderr: err as never })).toBe(1);
      expect(JSON.parse(json.text)).toMatchObject({ articles: 1, problems: [{ path: 'bad.txt', kind: 'binary' }], ingest: { inserted: 0, unchanged: 1 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 2 on a usage error, 3 when the database cannot be reached, and the password never printed', async () => {
    const dir = tempDataDir({ 'ok.txt': articleText('A fine story', 'With a paragraph.', 'And another.') });
    try {
      const err = sink();
      expect(await ingestCli(['--data', dir], {}, { stdout: sink() as never, stderr: err as never })).toBe(2);
      expect(err.text).toContain('DATABASE_URL is not set');
      const err2 = sink();
      const url = 'postgres://writer:sekret-pass@127.0.0.1:1/news?pool_max=2';
      expect(await ingestCli(['--data', dir], { DATABASE_URL: url }, { stdout: sink() as never, stderr: err2 as never })).toBe(3);
      expect(err2.text).toContain('writer:***@127.0.0.1:1');
      expect(err2.text).not.toContain('sekret');
      expect(redactUrl(url)).not.toContain('sekret');
      const err3 = sink();
      expect(await ingestCli(['--data', dir], { DATABASE_URL: 'postgres://h/db?pool_max=zero' }, { stdout: sink() as never, stderr: err3 as never })).toBe(2);
      expect(err3.text).toContain('pool_max="zero"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes pool size, statement timeout and TLS from the URL', () => {
    const s = databaseSettings('postgres://u:p@db.example:6543/news?pool_max=4&statement_timeout=2500&sslmode=verify-full');
    expect(s.pool).toMatchObject({ host: 'db.example', port: 6543, database: 'news', user: 'u', max: 4, statement_timeout: 2500 });
    expect(s.pool.ssl).toBeTruthy();
    expect(databaseSettings('postgres://u@h/db').pool).toMatchObject({ max: 10, statement_timeout: 15000 });
    expect(databaseSettings('postgres://u@h/db').pool.ssl).toBeFalsy();
  });
});
