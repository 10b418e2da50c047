/**
 * Ingests a data directory into the PostgreSQL store named by DATABASE_URL (see
 * src/store/ingest.ts). Problems are reported exactly as check-data reports them, then what the
 * ingest changed. Exit 0 when clean, 1 when any file has a problem (the good articles are still
 * ingested), 2 on a usage error, 3 when the database fails (every batch already committed stays;
 * running the ingest again finishes the job).
 *
 *   DATABASE_URL=postgres://… npm run ingest -- --data DIR [--dataset NAME] [--batch-size N] [--full] [--json]
 *
 * An ingest whose folder has not changed by a byte since the last complete ingest of its dataset
 * parses nothing and writes nothing, and prints the report that ingest stored; --full parses and
 * compares every file anyway (after upgrading the ingester, whose loader may read files
 * differently).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DataDirError } from '../loader/index.js';
import { DatabaseUrlError, databaseSettings, openPool } from '../store/connection.js';
import { ingestDirectory, ingestSummary, type IngestOutcome } from '../store/ingest.js';
import { isMainModule } from '../main-module.js';
import { migrate } from '../store/migrate.js';
import { formatText, report } from './check-data.js';

const USAGE = 'usage: DATABASE_URL=postgres://… ingest --data <data-dir> [--dataset NAME] [--batch-size N] [--full] [--json]';

function summaryText(o: IngestOutcome): string {
  const lines = [
    `ingested into dataset ${o.dataset} in ${o.durationMs} ms${o.folderUnchanged ? ' (no file changed since the last ingest: nothing parsed; the problems above are as that ingest found them)' : ''}`,
    `  inserted ${o.inserted}, updated ${o.updated}, unchanged ${o.unchanged}, deleted ${o.deleted} (${o.batches} batch(es)${o.lastSeq !== null ? `, last change ${o.lastSeq}` : ''})`,
  ];
  for (const c of o.conflicts) lines.push(`  ${c.path}: id ${c.id} belongs to dataset ${c.owner}; left alone`);
  return `${lines.join('\n')}\n`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { data: { type: 'string' }, dataset: { type: 'string' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' }, full: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    io.stderr.write(`ingest: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dir = args.values.data ?? env.DATA_DIR;
  if (!dir) {
    io.stderr.write(`ingest: no data directory (--data or DATA_DIR)\n${USAGE}\n`);
    return 2;
  }
  const batchSize = args.values['batch-size'] === undefined ? 1000 : Number(args.values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    io.stderr.write(`ingest: --batch-size ${JSON.stringify(args.values['batch-size'])}: expected a whole number 1-100000\n`);
    return 2;
  }
  if (!env.DATABASE_URL) {
    io.stderr.write(`ingest: DATABASE_URL is not set\n${USAGE}\n`);
    return 2;
  }
  let settings;
  try {
    settings = databaseSettings(env.DATABASE_URL, 'news-api-ingest');
  } catch (e) {
    if (e instanceof DatabaseUrlError) {
      io.stderr.write(`ingest: DATABASE_URL: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const pool = openPool(settings);
  try {
    await migrate(pool);
    // Blocking reads, and parsing on every core: this process serves nothing meanwhile.
    const outcome = await ingestDirectory(pool, dir, { dataset: args.values.dataset, batchSize, full: args.values.full, syncRead: true, parseWorkers: availableParallelism() });
    const rep = { ...report(dir, outcome.load), articles: outcome.articles };
    io.stdout.write(args.values.json ? `${JSON.stringify({ ...rep, ingest: ingestSummary(outcome) }, null, 2)}\n` : formatText(rep) + summaryText(outcome));
    return rep.problems.length ? 1 : 0;
  } catch (e) {
    if (e instanceof DataDirError) {
      io.stderr.write(`ingest: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`ingest: database ${settings.display}: ${(e as Error).message}\n`);
    return 3;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

if (isMainModule(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
