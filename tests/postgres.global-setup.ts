/**
 * One throwaway PostgreSQL server for the whole test run (see tests/helpers/postgres.ts). Test
 * files ask for their own database with `testDatabase()`; the server stops when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  project.provide('postgresUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.destroy();
}
