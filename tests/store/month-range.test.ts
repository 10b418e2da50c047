/**
 * The archive's month range SEARCH_BACKEND=postgres searches month by month (PostgresReader
 * monthRange) is read from article_search.published_month, the month the search index holds beside
 * the words, not computed again from articles.published_at.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresReader } from '../../src/store/search/postgres-reader.js';
import { tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

const dir = tempDataDir({
  'ferry.txt': 'Ferry strike ends\n\nPublished: 2 January 2021\n\nDock workers and the ferry company agreed.\n',
  'harbour.txt': 'Harbour council meets\n\nPublished: 10 March 2023\n\nThe board paid the council for the harbour wall.\n',
  'lighthouse.txt': 'Lighthouse keeper retires\n\nHe watched the harbour for forty years.\n',
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reader's month range (a private method: what inDateOrder starts from). */
const monthRange = (r: PostgresReader) => (r as unknown as { monthRange(): Promise<{ newest: number; oldest: number } | null> }).monthRange();

it('is the published_month of article_search of the newest and the oldest dated article', async () => {
  const db = openPool(databaseSettings(await testDatabase('month_range')));
  try {
    await migrate(db);
    const empty = new PostgresReader(db, 0, 0, new Date(), 0);
    expect(await monthRange(empty)).toBeNull();
    await ingestDirectory(db, dir, { dataset: 'harbour' });
    expect(await monthRange(new PostgresReader(db, 1, 3, new Date(), 0))).toEqual({ newest: 2023 * 12 + 2, oldest: 2021 * 12 });
    // The search index's month is what counts: where it says another month than articles does
    // (here its row moved two months on, its generated month with it), the range follows it.
    await db.query("UPDATE article_search SET published_at = published_at + interval '2 months' WHERE id = 'harbour'");
    expect(await monthRange(new PostgresReader(db, 2, 3, new Date(), 0))).toEqual({ newest: 2023 * 12 + 4, oldest: 2021 * 12 });
    // Undated articles only: no range.
    await db.query("DELETE FROM articles WHERE published_at IS NOT NULL");
    expect(await monthRange(new PostgresReader(db, 3, 1, new Date(), 0))).toBeNull();
  } finally {
    await db.end();
  }
});
