/**
 * mergePendingSearchEntries after a bulk ingest: a role that does not own the search index may not
 * merge its pending list (PostgreSQL answers 42501) and the ingest goes on without it; any other
 * failure of the merge is not swallowed.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { migrate } from '../../src/store/migrate.js';
import { mergePendingSearchEntries } from '../../src/store/postgres.js';
import { testDatabase } from '../helpers/postgres.js';

let url: string;
let owner: pg.Pool;

beforeAll(async () => {
  url = await testDatabase('merge_pending');
  owner = openPool(databaseSettings(url));
  await migrate(owner);
});

afterAll(async () => {
  await owner.end();
});

it('merges every GIN index for its owner', async () => {
  expect(await mergePendingSearchEntries(owner)).toBe(0);
});

it('skips an index the role does not own (42501) and merges nothing', async () => {
  const role = `merge_reader_${process.pid}`;
  await owner.query(`DROP ROLE IF EXISTS ${role}`);
  await owner.query(`CREATE ROLE ${role} LOGIN`);
  const u = new URL(url);
  u.username = role;
  const reader = new pg.Pool({ connectionString: u.toString(), max: 1 });
  try {
    // The role may call the function, but gin_clean_pending_list refuses it: it does not own the index.
    await expect(reader.query("SELECT gin_clean_pending_list('article_search_words')")).rejects.toMatchObject({ code: '42501' });
    expect(await mergePendingSearchEntries(reader)).toBe(0);
  } finally {
    await reader.end();
    await owner.query(`DROP ROLE ${role}`);
  }
});

it('throws any other failure: here the index lock not granted within lock_timeout (55P03)', async () => {
  // Another transaction holds the search index exclusively (a DROP INDEX not yet committed).
  const holder = await owner.connect();
  const merging = new pg.Pool({ connectionString: url, max: 1, options: '-c lock_timeout=200' });
  try {
    await holder.query('BEGIN');
    await holder.query('DROP INDEX article_search_words');
    await expect(mergePendingSearchEntries(merging)).rejects.toMatchObject({ code: '55P03' });
  } finally {
    await holder.query('ROLLBACK');
    holder.release();
    await merging.end();
  }
  expect(await mergePendingSearchEntries(owner)).toBe(0);
});
