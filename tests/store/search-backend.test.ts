/**
 * SEARCH_BACKEND=postgres below the routes: the tsquery compiler (escaped operands, weights,
 * operators; every parsable query is a valid tsquery for PostgreSQL) and the version that
 * follows the store's changes.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuery, QuerySyntaxError } from '../../src/search/index.js';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresReaders } from '../../src/store/search/postgres-readers.js';
import { quoteOperand, toTsquery } from '../../src/store/search/tsquery.js';
import { tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

const quiet = { info: () => undefined, warn: () => undefined } as never;
const url = await testDatabase('tsquery');
const pool = new pg.Pool({ connectionString: url, max: 2 });
afterAll(() => pool.end());

describe('toTsquery', () => {
  it('quotes every operand and maps fields to weights and the operators to tsquery operators', () => {
    expect(toTsquery(parseQuery('oil prices'))).toBe("('oil' & 'prices')");
    expect(toTsquery(parseQuery('title:oil OR "state of the union"'))).toBe("('oil':A | 'state of the union')");
    expect(toTsquery(parseQuery('infla* -lead:gas'))).toBe("('infla':* & !('gas':B))");
    expect(toTsquery(parseQuery('body:(rate OR rates) NOT (a OR cup)'))).toBe("(('rate':BC | 'rates':BC) & !('cup'))");
    expect(quoteOperand("it's a \\ test\0")).toBe("'it''s a \\\\ test'");
  });

  it('says a query whose required words are all stop words matches nothing; an excluded one excludes nothing', () => {
    expect(toTsquery(parseQuery('the'))).toBeNull();
    expect(toTsquery(parseQuery('oil -the'))).toBe("'oil'");
    expect(toTsquery(parseQuery('the OR oil'))).toBe("'oil'");
  });

  it('is a valid tsquery for PostgreSQL whatever the query, matching what the words mean', async () => {
    const match = async (vector: string, q: string) =>
      (await pool.query<{ m: boolean }>(`SELECT ${vector} @@ to_tsquery('english', $1) AS m`, [toTsquery(parseQuery(q))])).rows[0]!.m;
    const headline = "setweight(to_tsvector('english', 'Oil prices rose'), 'A')";
    const lead = "setweight(to_tsvector('english', 'Oil prices rose'), 'B')";
    expect(await match(headline, 'title:(oil OR gas) pric*')).toBe(true);
    expect(await match(lead, 'title:(oil OR gas) pric*')).toBe(false);
    expect(await match(lead, 'lead:oil "price rose"')).toBe(true);
    expect(await match(headline, 'oil -"prices rose"')).toBe(false);
    expect(await match(headline, "o'neil OR oil")).toBe(true);
    const piece = fc.oneof(
      fc.constantFrom('oil', 'OR', 'AND', 'NOT', '-', '"', '(', ')', '*', 'title:', 'lead:', 'body:', "'", '\\', ':', '&', '|', '!', '<->', ':*', 'A', "o'neil", 'u.s.', '£5', '\0'),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    );
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom('', ' '), { minLength: 12, maxLength: 12 }), async (pieces, gaps) => {
        const q = pieces.map((p, i) => p + gaps[i]).join('');
        let text: string | null;
        try {
          text = toTsquery(parseQuery(q));
        } catch (e) {
          if (e instanceof QuerySyntaxError) return;
          throw e;
        }
        if (text === null) return;
        checked++;
        await pool.query("SELECT to_tsvector('english', 'some text') @@ to_tsquery('english', $1)", [text]);
      }),
      { numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(50);
  });
});

describe('PostgresReaders', () => {
  it('names the store version by its last change, and moves on when an ingest changes the articles', async () => {
    const dir = tempDataDir({ 'a.txt': 'Harbour strike ends\n\nDock workers returned.\n' });
    const settings = databaseSettings(await testDatabase('versions'));
    const store = openPool(settings);
    await migrate(store);
    await ingestDirectory(store, dir);
    const readers = await PostgresReaders.open({ pool: store, listen: settings.pool, logger: quiet, pollMs: 60_000 });
    try {
      const first = readers.current;
      expect(first.version).toMatch(/^change-\d+$/u);
      expect(first.size).toBe(1);
      expect(readers.version(first.version)).toBe(first);
      writeFileSync(path.join(dir, 'b.txt'), 'Harbour reopens\n\nShips sailed again.\n');
      await ingestDirectory(store, dir);
      // the notification wakes it (the poll is a minute away)
      const deadline = Date.now() + 20_000;
      while (readers.current === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(readers.current.version).not.toBe(first.version);
      expect(readers.current.size).toBe(2);
      expect(readers.version(first.version)).toBeUndefined();
      expect((await readers.current.get('b'))?.title).toBe('Harbour reopens');
      expect(readers.status()).toMatchObject({ state: 'connected', lastError: null, lastChange: readers.current.seq });
    } finally {
      await readers.close();
      await store.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
