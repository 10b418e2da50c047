/**
 * Connection settings come from the database URL: host, user, password, database, TLS
 * (`sslmode=require|verify-full|…`, `sslrootcert=…`, as libpq reads them) and two settings of ours
 * in its query string: `pool_max` (connections per pool, default 10) and `statement_timeout`
 * (milliseconds, default 15000; every statement longer than that is cancelled by the server).
 * The password never reaches a log line: only `redactUrl()` output does.
 */
import pg from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

export interface DatabaseSettings {
  pool: pg.PoolConfig;
  /** The URL with the password replaced, for logs and errors. */
  display: string;
}

const OURS = ['pool_max', 'statement_timeout'] as const;

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of ['password', 'sslpassword', 'sslkey']) if (u.searchParams.has(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    return '(an unparsable database URL)';
  }
}

function positiveInt(u: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = u.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new DatabaseUrlError(`${name}=${JSON.stringify(raw)} in the database URL: expected a whole number ${min}-${max}`);
  return n;
}

/** Parses a postgres:// URL into pool settings; throws DatabaseUrlError naming the part that is wrong. */
export function databaseSettings(url: string, applicationName = 'news-api'): DatabaseSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseUrlError(`${redactUrl(url)} is not a URL: expected postgres://user:password@host:port/database`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new DatabaseUrlError(`${redactUrl(url)}: expected a postgres:// or postgresql:// URL`);
  const max = positiveInt(u, 'pool_max', 10, 1, 1000);
  const statementTimeout = positiveInt(u, 'statement_timeout', 15_000, 0, 86_400_000);
  for (const k of OURS) u.searchParams.delete(k);
  const client = toClientConfig(parse(u.toString()));
  return {
    display: redactUrl(url),
    pool: {
      ...client,
      max,
      statement_timeout: statementTimeout,
      application_name: client.application_name ?? applicationName,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    },
  };
}

/** A pool whose idle-client errors (the server went away) are reported, not thrown. */
export function openPool(settings: DatabaseSettings, onError: (e: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool(settings.pool);
  pool.on('error', onError);
  return pool;
}

/** Runs `work` in one transaction on one pooled connection (`begin` may set the isolation level): committed, or rolled back whole. */
export async function inTransaction<T>(pool: pg.Pool, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const out = await work(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
