/** Shared set-up of the PostgreSQL store tests: migrated databases whose pools end with the file, and a text sink for CLI output. */
import type pg from 'pg';
import { afterAll } from 'vitest';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { migrate } from '../../src/store/migrate.js';
import { testDatabase } from './postgres.js';

/**
 * Call at the top of a test file: `fresh(prefix)` is a new migrated database's pool, `track(pool)`
 * adopts a pool made otherwise; all are ended after the file.
 */
export function migratedPools(): { fresh: (prefix: string) => Promise<pg.Pool>; track: (...p: pg.Pool[]) => void } {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });
  return {
    track: (...p) => void pools.push(...p),
    fresh: async (prefix) => {
      const pool = openPool(databaseSettings(await testDatabase(prefix)));
      pools.push(pool);
      await migrate(pool);
      return pool;
    },
  };
}

/** Collects what a CLI writes to stdout or stderr. */
export function sink() {
  let text = '';
  return {
    write: (s: string) => ((text += s), true),
    get text() {
      return text;
    },
  };
}
