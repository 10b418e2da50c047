/**
 * A small migration runner: applies the migrations in MIGRATIONS that schema_migrations does not
 * list, all in one transaction with their rows there (PostgreSQL's DDL is transactional: a
 * failed migration leaves the schema as it was), under an advisory lock so two processes starting
 * at once apply each migration exactly once.
 */
import type pg from 'pg';
import { inTransaction } from './connection.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/** pg_advisory_xact_lock key for migrations ("news" "migr" as two int4s). */
const MIGRATION_LOCK: [number, number] = [0x6e657773, 0x6d696772];

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const names = migrations.map((m) => m.name);
  if (names.some((n, i) => i > 0 && names[i - 1]! >= n)) throw new Error(`migrations out of order: ${names.join(', ')}`);
  const applied: string[] = [];
  return inTransaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', MIGRATION_LOCK);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const unknown = [...done].filter((n) => !names.includes(n));
    if (unknown.length) throw new Error(`the database has migrations this code does not know (${unknown.join(', ')}): it is newer than this code`);
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await client.query(m.sql).catch((e: Error) => {
        throw new Error(`migration ${m.name} failed: ${e.message}`);
      });
      await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
      applied.push(m.name);
    }
    return { applied, alreadyApplied: done.size };
  });
}
