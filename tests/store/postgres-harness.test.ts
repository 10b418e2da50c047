import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres, testDatabase } from '../helpers/postgres.js';

describe('the test PostgreSQL server', () => {
  it('gives each caller its own empty database on a real server', async () => {
    const a = await testDatabase('harness');
    const b = await testDatabase('harness');
    expect(a).not.toBe(b);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; version: string; tables: string }>(
        "select current_database() as db, version() as version, (select count(*) from information_schema.tables where table_schema = 'public') as tables",
      );
      expect(rows[0]!.db).toBe(new URL(a).pathname.slice(1));
      expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/u);
      expect(Number(rows[0]!.tables)).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('a private server stops and starts again with its data', async () => {
    const server = await startPostgres();
    try {
      const url = await server.createDatabase('restart');
      const q = async (sql: string) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          return (await c.query(sql)).rows;
        } finally {
          await c.end();
        }
      };
      await q('create table t (n int); insert into t values (42)');
      await server.stop();
      await expect(q('select 1')).rejects.toThrow();
      await server.start();
      expect(await q('select n from t')).toEqual([{ n: 42 }]);
    } finally {
      await server.destroy();
    }
  });
});
