/**
 * The app over one data folder, for each search backend: `memory` (the corpus in this process)
 * and `postgres` (the folder ingested into a fresh database of the test run's PostgreSQL server,
 * every route answered by SQL). One route suite runs against both (tests/http/backends.test.ts).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { CorpusStore } from '../../src/corpus/index.js';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { corpusFromArticles } from '../../src/store/replica.js';
import { PostgresReaders } from '../../src/store/search/postgres-readers.js';
import { appFor, CORPUS_DIR } from './app.js';
import { createDatabase, testDatabase } from './postgres.js';

export const BACKENDS = ['memory', 'postgres'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface Backend {
  name: BackendName;
  app: FastifyInstance;
  close(): Promise<void>;
  /** Reads the store's version again now (postgres; memory has nothing to read). */
  refresh(): Promise<void>;
}

type AppConfig = Parameters<typeof buildApp>[0]['config'];

const quiet = { info: () => undefined, warn: () => undefined } as never;

/** The folder ingested into a new database, and the app answering from it by SQL. */
export async function postgresBackend(dir = CORPUS_DIR, config: AppConfig = {}, o: { statementTimeoutMs?: number; adminUrl?: string; rankWindow?: number } = {}): Promise<Backend & { url: string }> {
  // the run's shared server, or another (a test that stops its server)
  const url = new URL(o.adminUrl ? await createDatabase(o.adminUrl, 'search') : await testDatabase('search'));
  if (o.statementTimeoutMs !== undefined) url.searchParams.set('statement_timeout', String(o.statementTimeoutMs));
  const settings = databaseSettings(url.toString());
  const pool = openPool(settings);
  await migrate(pool);
  await ingestDirectory(pool, dir);
  const readers = await PostgresReaders.open({ pool, listen: settings.pool, logger: quiet, pollMs: 60_000, rankWindow: o.rankWindow });
  const app = await buildApp({ store: new CorpusStore(corpusFromArticles([])), readers, config, logger: false, database: { status: () => readers.status(), requiredForReady: false } });
  await app.ready();
  return {
    name: 'postgres',
    app,
    url: url.toString(),
    refresh: () => readers.refresh(),
    async close() {
      await app.close();
      await readers.close();
      await pool.end();
    },
  };
}

export async function memoryBackend(dir = CORPUS_DIR, config: AppConfig = {}): Promise<Backend> {
  const { app } = await appFor(dir, config);
  return { name: 'memory', app, close: () => app.close(), refresh: () => Promise.resolve() };
}

export function backendFor(name: BackendName, dir = CORPUS_DIR, config: AppConfig = {}): Promise<Backend> {
  return name === 'memory' ? memoryBackend(dir, config) : postgresBackend(dir, config);
}
