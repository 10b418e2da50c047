/**
 * SEARCH_PREWARM on a real PostgreSQL: pg_prewarm reads the search table and the indexes every
 * search reads (every block of each, in chunks, the word index last), only what the mode names;
 * nothing, saying why, when the extension is not installed; and a SEARCH_BACKEND=postgres server's
 * readers open whether the warming worked, was skipped or failed, logging which.
 */
import { rmSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresReaders } from '../../src/store/search/postgres-readers.js';
import { prewarmSearch } from '../../src/store/search/prewarm.js';
import { tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

// Enough articles that the search table spans several blocks (its rows hold whole vectors).
const files = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [
    `port-${i}.txt`,
    `Harbour report ${i}\n\nPublished: ${1 + (i % 28)} March 2024\n\n${'Ships came in and the port stayed open for the night. '.repeat(40)}Number ${i}.\n`,
  ]),
);
const dir = tempDataDir(files);
let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = await testDatabase('prewarm');
  pool = openPool(databaseSettings(url));
  await migrate(pool);
  await ingestDirectory(pool, dir, { dataset: 'ports' });
});
afterAll(async () => {
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

const blocksOf = async (name: string) => Number((await pool.query<{ n: string }>("SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::text AS n", [name])).rows[0]!.n);

/** A logger that keeps what it is told. */
function keeper() {
  const lines: Array<{ level: string; obj: unknown; msg: string }> = [];
  const log = (level: string) => (obj: unknown, msg: string) => void lines.push({ level, obj, msg });
  return { lines, logger: { info: log('info'), warn: log('warn') } as never };
}

describe('prewarmSearch', () => {
  it('warms nothing, saying why, when SEARCH_PREWARM is off or pg_prewarm is not installed', async () => {
    expect(await prewarmSearch(pool, 'off')).toEqual({ relations: [], budgetBlocks: 0, skipped: 'SEARCH_PREWARM=off' });
    const out = await prewarmSearch(pool, 'all');
    expect(out.relations).toEqual([]);
    expect(out.skipped).toMatch(/CREATE EXTENSION pg_prewarm/u);
  });

  it('reads every block of the search table, the primary key and the word index (last); index mode leaves the table out', async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
    const table = await blocksOf('article_search');
    expect(table).toBeGreaterThan(3);
    const expected = [
      { name: 'article_search', blocks: table },
      { name: 'articles_pkey', blocks: await blocksOf('articles_pkey') },
      { name: 'article_search_words', blocks: await blocksOf('article_search_words') },
    ];
    const all = await prewarmSearch(pool, 'all');
    expect(all.skipped).toBeUndefined();
    expect(all.relations.map(({ name, blocks }) => ({ name, blocks }))).toEqual(expected);
    // In chunks of 3 blocks (the last one short): every block once, none past the end.
    const chunked = await prewarmSearch(pool, 'all', { chunkBlocks: 3 });
    expect(chunked.relations.map(({ name, blocks }) => ({ name, blocks }))).toEqual(expected);
    const index = await prewarmSearch(pool, 'index');
    expect(index.relations.map(({ name, blocks }) => ({ name, blocks }))).toEqual(expected.slice(1));
  });

  it('stops at the budget (effective_cache_size unless given): the indexes, then only the newest blocks of the search table that fit beside them', async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
    const table = await blocksOf('article_search');
    const indexes = (await blocksOf('articles_pkey')) + (await blocksOf('article_search_words'));
    // room for the indexes and two blocks of the table: its last two are read, in chunks of one
    const tight = await prewarmSearch(pool, 'all', { budgetBlocks: indexes + 2, chunkBlocks: 1 });
    expect(tight.budgetBlocks).toBe(indexes + 2);
    expect(tight.relations.map(({ name, blocks, of }) => ({ name, blocks, of }))).toEqual([
      { name: 'article_search', blocks: 2, of: table },
      { name: 'articles_pkey', blocks: await blocksOf('articles_pkey'), of: await blocksOf('articles_pkey') },
      { name: 'article_search_words', blocks: await blocksOf('article_search_words'), of: await blocksOf('article_search_words') },
    ]);
    // a budget smaller than the indexes still reads them (every search needs them), none of the table
    const none = await prewarmSearch(pool, 'all', { budgetBlocks: 1 });
    expect(none.relations.map(({ name, blocks }) => ({ name, blocks }))).toEqual([
      { name: 'article_search', blocks: 0 },
      { name: 'articles_pkey', blocks: await blocksOf('articles_pkey') },
      { name: 'article_search_words', blocks: await blocksOf('article_search_words') },
    ]);
    // the server's own budget: effective_cache_size as PostgreSQL reports it
    const setting = Number((await pool.query<{ n: string }>("SELECT (pg_size_bytes(current_setting('effective_cache_size')) / current_setting('block_size')::int)::text AS n")).rows[0]!.n);
    expect((await prewarmSearch(pool, 'all')).budgetBlocks).toBe(setting);
  });
});

describe('PostgresReaders.open with prewarm', () => {
  const open = (logger: never, prewarm: 'all' | 'index' | 'off') => PostgresReaders.open({ pool, listen: databaseSettings(url).pool, logger, pollMs: 60_000, prewarm });

  it('warms before it opens and logs what it read', async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
    const { lines, logger } = keeper();
    const readers = await open(logger, 'index');
    try {
      const line = lines.find((l) => l.msg.startsWith('search prewarm:'));
      expect(line?.level).toBe('info');
      expect((line?.obj as { relations: Array<{ name: string }> }).relations.map((r) => r.name)).toEqual(['articles_pkey', 'article_search_words']);
      expect(readers.current.size).toBe(40);
    } finally {
      await readers.close();
    }
  });

  it('opens all the same when warming fails (logged as a warning) or is skipped (logged)', async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm');
    // The word index under another name for a moment: pg_prewarm cannot find it.
    await pool.query('ALTER INDEX article_search_words RENAME TO article_search_words_away');
    try {
      const { lines, logger } = keeper();
      const readers = await open(logger, 'all');
      await readers.close();
      expect(lines.find((l) => l.level === 'warn')?.msg).toMatch(/search prewarm failed/u);
    } finally {
      await pool.query('ALTER INDEX article_search_words_away RENAME TO article_search_words');
    }
    await pool.query('DROP EXTENSION pg_prewarm');
    const { lines, logger } = keeper();
    const readers = await open(logger, 'all');
    await readers.close();
    expect(lines.find((l) => l.msg.startsWith('search prewarm skipped'))?.msg).toMatch(/not installed/u);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
