/**
 * Our search engine vs MiniSearch vs FlexSearch, sequentially in one process.
 *
 *   tsx bench/search-bench.ts --corpus ../shared/corpora/bbc-news [--queries 300] [--seed 1]
 *       [--rounds 3] [--warmup 200] [--engines ours,minisearch,flexsearch] [--json]
 *
 * Re-executes itself with `node --expose-gc --max-old-space-size=16384` when gc() is not
 * exposed. Per engine: build time, retained heap after build (heapUsed + arrayBuffers delta,
 * after full GCs; the docs array itself belongs to the harness and is not counted), query
 * latency percentiles for two-term queries and for known-item queries, and MRR@10 on the
 * known-item queries, and the process CPU time of the timed searches (comparable across runs on
 * a loaded machine where percentiles are not). `--max-docs N` indexes only the first N articles.
 * Query construction rules: see bench/lib/queries.ts.
 * Progress goes to stderr; the markdown report (or JSON with --json) to stdout.
 *
 * Then (unless --no-quality) ranking quality on held-out known-item query sets of every kind in
 * bench/lib/quality.ts, --quality-queries per set, for each of --seeds: MRR@10 and recall@10 of
 * ours, MiniSearch, FlexSearch, a plain BM25 written here, and PostgreSQL ts_rank_cd
 * (bench/lib/postgres-rank.ts: DATABASE_URL / PGHOST's server, else a throwaway embedded one;
 * `--engines` without `postgres` leaves it out), with a paired bootstrap interval of ours minus
 * the best peer.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intArg, parseCli } from './lib/args.js';
import { readCorpus, type BenchDoc } from './lib/corpus.js';
import { flexSearchAdapter, miniSearchAdapter, type EngineAdapter } from './lib/engines.js';
import { loadOursAdapter } from './lib/ours.js';
import { mixSeed, mulberry32 } from './lib/prng.js';
import { QueryFactory, type KnownItemQuery } from './lib/queries.js';
import { postgresRanker } from './lib/postgres-rank.js';
import { fmtUs, fullGc, heapBytes, percentile, timeUs } from './lib/stats.js';
import { isTypoKind, pairedBootstrap, plainBm25Adapter, QUERY_KINDS, querySet, type QueryKind, type TargetedQuery } from './lib/quality.js';

if (typeof (globalThis as { gc?: unknown }).gc !== 'function' && !process.env.SEARCH_BENCH_CHILD) {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=16384', ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, SEARCH_BENCH_CHILD: '1' } },
  );
  process.exit(child.status ?? 1);
}

const USAGE =
  'tsx bench/search-bench.ts --corpus <dir> [--queries 300] [--seed 1] [--rounds 3] [--warmup 200] [--engines ours,minisearch,flexsearch,bm25,postgres] [--json]\n' +
  '    [--kinds random-3,...] [--quality-queries 500] [--seeds 1,2] [--no-latency] [--no-quality] [--max-docs N]';
const args = parseCli(
  {
    corpus: { type: 'string' },
    queries: { type: 'string' },
    seed: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    engines: { type: 'string', default: 'ours,minisearch,flexsearch,bm25,postgres' },
    kinds: { type: 'string' },
    json: { type: 'boolean', default: false },
    'quality-queries': { type: 'string' },
    seeds: { type: 'string' },
    'no-latency': { type: 'boolean', default: false },
    'no-quality': { type: 'boolean', default: false },
    'max-docs': { type: 'string' },
  },
  USAGE,
);
if (!args.corpus) {
  console.error(`--corpus is required.\nUsage: ${USAGE}`);
  process.exit(2);
}
const nQueries = intArg(args.queries, 'queries', 300);
const seed = intArg(args.seed, 'seed', 1);
const rounds = Math.max(1, intArg(args.rounds, 'rounds', 3));
const nWarmup = intArg(args.warmup, 'warmup', 200);
const qualityQueries = intArg(args['quality-queries'], 'quality-queries', 500);
const seeds = (args.seeds ?? '1,2').split(',').filter(Boolean).map((x) => intArg(x, 'seeds', 1));
const wanted = new Set((args.engines ?? '').split(',').map((s) => s.trim().toLowerCase()));
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

interface EngineResult {
  engine: string;
  buildMs: number;
  heapMB: number;
  heapPerRaw: number;
  twoTerm: { p50: number; p95: number; p99: number };
  knownItem: { p50: number; p95: number; p99: number };
  /** Process CPU time of all timed searches (rounds × (two-term + known-item)). */
  queryCpuMs: number;
  mrr10: number;
  /** Share of known-item queries whose doc was ranked first. */
  top1: number;
  /** Mean size of the whole match set per query (untimed sanity check of AND semantics). */
  meanMatches: { twoTerm: number; knownItem: number };
}

/** Commit + whether src/search had uncommitted changes: "ours" is being worked on. */
function oursRevision(): string {
  const git = (...a: string[]) => spawnSync('git', a, { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) }).stdout?.trim() ?? '';
  const head = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'src/search') ? `${head} + uncommitted src/search changes` : head;
}

const docText = (d: BenchDoc): string => `${d.title}\n${d.paragraphs.join('\n')}`;

/** Reciprocal rank of the target (or an exact textual duplicate of it) in the top 10. */
function reciprocalRank(docs: readonly BenchDoc[], top: readonly number[], target: number): number {
  const text = docText(docs[target]!);
  const rank = top.slice(0, 10).findIndex((d) => d === target || docText(docs[d]!) === text);
  return rank < 0 ? 0 : 1 / (rank + 1);
}

function runEngine(
  engine: EngineAdapter,
  docs: readonly BenchDoc[],
  rawBytes: number,
  q: { twoTerm: string[]; known: KnownItemQuery[]; warmup: string[] },
): EngineResult {
  fullGc();
  const before = heapBytes();
  const t0 = performance.now();
  engine.build(docs);
  const buildMs = performance.now() - t0;
  fullGc();
  const heap = heapBytes() - before;
  log(`  ${engine.name}: built in ${buildMs.toFixed(0)} ms, +${(heap / 2 ** 20).toFixed(1)} MB`);

  for (let i = 0; i < 2; i++) for (const s of q.warmup) engine.search(s);
  // process CPU time of the timed searches: on a shared machine wall-clock percentiles swing with
  // other processes' load, CPU time much less
  const cpuBefore = process.cpuUsage();
  const two: number[] = [];
  const known: number[] = [];
  const tops: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    for (const s of q.twoTerm) two.push(timeUs(() => engine.search(s)));
    for (const k of q.known) {
      let top: number[] = [];
      known.push(timeUs(() => (top = engine.search(k.q))));
      if (r === 0) tops.push(top);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  const queryCpuMs = (cpu.user + cpu.system) / 1000;
  const rr = q.known.map((k, i) => reciprocalRank(docs, tops[i]!, k.doc));
  const mean = (qs: string[]) => qs.reduce((a, s) => a + engine.matchCount(s), 0) / Math.max(1, qs.length);
  const meanMatches = { twoTerm: mean(q.twoTerm), knownItem: mean(q.known.map((k) => k.q)) };
  const pct = (s: number[]) => ({ p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) });
  return {
    engine: engine.name,
    buildMs,
    heapMB: heap / 2 ** 20,
    heapPerRaw: heap / rawBytes,
    queryCpuMs,
    twoTerm: pct(two),
    knownItem: pct(known),
    mrr10: rr.reduce((a, b) => a + b, 0) / Math.max(1, rr.length),
    top1: rr.filter((x) => x === 1).length / Math.max(1, rr.length),
    meanMatches,
  };
}

function markdown(results: EngineResult[], header: string[]): string {
  const lines = [...header, ''];
  lines.push('| engine | build ms | heap MB | heap/raw | p50 | p95 | p99 (two-term) | p95 known-item | MRR@10 | CPU of the timed searches |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    lines.push(
      `| ${r.engine} | ${r.buildMs.toFixed(0)} | ${r.heapMB.toFixed(1)} | ${r.heapPerRaw.toFixed(2)} | ` +
        `${fmtUs(r.twoTerm.p50)} | ${fmtUs(r.twoTerm.p95)} | ${fmtUs(r.twoTerm.p99)} | ${fmtUs(r.knownItem.p95)} | ${r.mrr10.toFixed(3)} | ${r.queryCpuMs.toFixed(0)} ms |`,
    );
  }
  lines.push('', '| engine | mean matches two-term | mean matches known-item | known-item ranked 1st |', '|---|---:|---:|---:|');
  for (const r of results) {
    lines.push(`| ${r.engine} | ${r.meanMatches.twoTerm.toFixed(1)} | ${r.meanMatches.knownItem.toFixed(1)} | ${(100 * r.top1).toFixed(1)}% |`);
  }
  const by = (name: string) => results.find((r) => r.engine === name);
  const ours = by('ours');
  const ms = by('MiniSearch');
  const fx = by('FlexSearch');
  lines.push('');
  if (ours && ms) lines.push(`- ours/MiniSearch build time: ${(ours.buildMs / ms.buildMs).toFixed(2)}×`);
  if (ours && fx) lines.push(`- ours/FlexSearch two-term p95: ${(ours.twoTerm.p95 / fx.twoTerm.p95).toFixed(2)}×`);
  if (ours && ms) lines.push(`- MRR@10 ours vs MiniSearch: ${ours.mrr10.toFixed(3)} vs ${ms.mrr10.toFixed(3)} (${(ours.mrr10 - ms.mrr10 >= 0 ? '+' : '')}${(ours.mrr10 - ms.mrr10).toFixed(3)})`);
  if (!ours) lines.push('- ours: not measured (see stderr for the reason)');
  return lines.join('\n');
}


interface QualityRow {
  kind: QueryKind;
  queries: number;
  /** Per engine: per-query reciprocal ranks (cut at 10) and hits in the top 10. */
  rr: Map<string, number[]>;
  hit: Map<string, number[]>;
}

async function quality(docs: readonly BenchDoc[]): Promise<string> {
  const engines: EngineAdapter[] = [];
  const ours = wanted.has('ours') ? await loadOursAdapter() : 'not asked for';
  if (typeof ours === 'string') log(`  quality: skipping ours: ${ours}`);
  else engines.push(ours);
  if (wanted.has('minisearch')) engines.push(miniSearchAdapter());
  if (wanted.has('flexsearch')) engines.push(flexSearchAdapter());
  if (wanted.has('bm25')) engines.push(plainBm25Adapter());
  const postgres = wanted.has('postgres') ? await postgresRanker(docs) : 'not asked for (--engines without postgres)';
  if (typeof postgres === 'string') log(`  quality: skipping PostgreSQL: ${postgres}`);
  else log(`  quality: loaded ${docs.length} articles into ${postgres.origin}`);
  const kinds = args.kinds ? QUERY_KINDS.filter((k) => args.kinds!.split(',').includes(k)) : QUERY_KINDS;
  for (const e of engines) {
    const t0 = performance.now();
    e.build(docs);
    log(`  quality: built ${e.name} in ${(performance.now() - t0).toFixed(0)} ms`);
  }
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const out: string[] = ['## Ranking quality on held-out query sets', ''];
  out.push(
    typeof postgres === 'string'
      ? `PostgreSQL ts_rank_cd: skipped, ${postgres}.`
      : `PostgreSQL ts_rank_cd: ${postgres.origin}; headline weight A, paragraphs B, \`plainto_tsquery('english', q)\` (a quoted phrase through \`websearch_to_tsquery\`, \`word*\` as the prefix lexeme \`word:*\`), no typo tolerance (— on the typo sets).`,
    '',
  );
  const notes: string[] = [];
  for (const s of seeds) {
    const rows: QualityRow[] = [];
    for (const [k, kind] of QUERY_KINDS.entries()) {
      if (!kinds.includes(kind)) continue;
      const set: TargetedQuery[] = querySet(mulberry32(mixSeed(s, 100 + k)), kind, docs, qualityQueries);
      const row: QualityRow = { kind, queries: set.length, rr: new Map(), hit: new Map() };
      const record = (name: string, rr: number[]) => {
        row.rr.set(name, rr);
        row.hit.set(name, rr.map((x) => (x > 0 ? 1 : 0)));
      };
      for (const e of engines) {
        // a query an engine refuses (ours: `CD:UK` reads as an unknown field) finds nothing: a miss, counted
        const refused: string[] = [];
        const answer = (q: string): number[] => {
          try {
            return e.search(q, { fuzzy: isTypoKind(kind) });
          } catch (err) {
            refused.push(`"${q}" (${(err as Error).message})`);
            return [];
          }
        };
        record(e.name, set.map((x) => reciprocalRank(docs, answer(x.q), x.doc)));
        if (refused.length > 0) {
          log(`  quality seed ${s}: ${e.name} refused ${refused.length} ${kind} queries, counted as misses: ${refused.slice(0, 3).join(', ')}`);
          notes.push(`Seed ${s}, ${kind}: ${e.name} refused ${refused.length} queries (counted as misses), e.g. ${refused[0]}.`);
        }
      }
      if (typeof postgres !== 'string' && !isTypoKind(kind)) {
        const rr: number[] = [];
        for (const x of set) rr.push(reciprocalRank(docs, await postgres.search(x.q), x.doc));
        record(postgres.name, rr);
      }
      rows.push(row);
      log(`  quality seed ${s}: ${kind} (${set.length} queries, e.g. "${set[0]?.q ?? ''}")`);
    }
    const names = [...engines.map((e) => e.name), ...(typeof postgres === 'string' ? [] : [postgres.name])];
    out.push(`### Seed ${s} (${qualityQueries} queries a set; MRR@10, recall@10 in brackets)`, '');
    out.push(`| query kind | ${names.join(' | ')} | ours − best peer (95% paired bootstrap) |`);
    out.push(`|---|${names.map(() => '---:').join('|')}|---|`);
    for (const row of rows) {
      const mrr = new Map(names.filter((n) => row.rr.has(n)).map((n) => [n, mean(row.rr.get(n)!)]));
      const peers = names.filter((n) => n !== 'ours' && row.rr.has(n));
      const best = peers.length === 0 ? null : peers.reduce((a, b) => (mrr.get(b)! > mrr.get(a)! ? b : a));
      let versus = 'n/a';
      if (row.rr.has('ours') && best !== null) {
        const bs = pairedBootstrap(mulberry32(mixSeed(s, 999)), row.rr.get('ours')!, row.rr.get(best)!);
        const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
        versus = `vs ${best}: ${sign(bs.mean)} [${sign(bs.low)}, ${sign(bs.high)}]${bs.high > 0 || bs.mean >= 0 ? '' : ' **below**'}`;
      }
      const cells = names.map((n) => (row.rr.has(n) ? `${mrr.get(n)!.toFixed(3)} (${mean(row.hit.get(n)!).toFixed(3)})` : '—'));
      out.push(`| ${row.kind} (${row.queries}) | ${cells.join(' | ')} | ${versus} |`);
    }
    out.push('');
  }
  if (notes.length > 0) out.push(...notes, '');
  out.push('Typo sets: ours with fuzzy matching, MiniSearch with `fuzzy: 0.2`, plain BM25 with a Damerau spelling correction of unknown words; FlexSearch and PostgreSQL have none.');
  if (typeof postgres !== 'string') await postgres.close();
  return out.join('\n');
}

async function main(): Promise<void> {
  const loadStart = os.loadavg()[0] ?? 0;
  const dir = resolve(args.corpus!);
  let t0 = performance.now();
  const read = await readCorpus(dir);
  // --max-docs: the first N articles (in the reader's sorted path order), a smaller index of the same corpus
  const maxDocs = intArg(args['max-docs'], 'max-docs', read.docs.length);
  const docs = read.docs.slice(0, maxDocs);
  const rawBytes = maxDocs >= read.docs.length ? read.rawBytes : docs.reduce((a, d) => a + Buffer.byteLength(d.title) + d.paragraphs.reduce((x, p) => x + Buffer.byteLength(p), 0), 0);
  if (docs.length === 0) throw new Error(`no .txt articles under ${dir}`);
  log(`read ${docs.length} docs (${(rawBytes / 2 ** 20).toFixed(1)} MB raw text) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  if (args['no-latency']) {
    if (!args['no-quality']) console.log(await quality(docs));
    return;
  }
  t0 = performance.now();
  const qf = new QueryFactory(docs);
  const queries = {
    twoTerm: qf.twoTerm(mulberry32(mixSeed(seed, 1)), nQueries),
    known: qf.knownItem(mulberry32(mixSeed(seed, 2)), nQueries),
    warmup: qf.twoTerm(mulberry32(mixSeed(seed, 3)), nWarmup),
  };
  log(`made ${queries.twoTerm.length} two-term, ${queries.known.length} known-item, ${queries.warmup.length} warm-up queries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  log(`  e.g. two-term "${queries.twoTerm[0] ?? ''}", known-item "${queries.known[0]?.q ?? ''}"`);

  const factories: Array<[string, () => Promise<EngineAdapter | string>]> = [
    ['ours', loadOursAdapter],
    ['minisearch', async () => miniSearchAdapter()],
    ['flexsearch', async () => flexSearchAdapter()],
  ];
  const results: EngineResult[] = [];
  const skipped: string[] = [];
  for (const [key, make] of factories) {
    if (!wanted.has(key)) continue;
    const engine = await make();
    if (typeof engine === 'string') {
      log(`  skipping ${key}: ${engine}`);
      skipped.push(`${key}: ${engine}`);
      continue;
    }
    try {
      results.push(runEngine(engine, docs, rawBytes, queries));
    } catch (err) {
      log(`  skipping ${key}: it threw ${(err as Error).stack ?? String(err)}`);
      skipped.push(`${key}: threw ${(err as Error).message}`);
    }
  }

  const env = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    /** 1-minute load average at start and end: the machine is shared, so this flags noise. */
    loadavg: [loadStart, os.loadavg()[0] ?? 0],
    revision: oursRevision(),
    corpus: args.corpus,
    docs: docs.length,
    rawMB: rawBytes / 2 ** 20,
    queries: { twoTerm: queries.twoTerm.length, knownItem: queries.known.length, warmup: queries.warmup.length, rounds, seed },
  };
  if (args.json) {
    console.log(JSON.stringify({ env, results, skipped }, null, 2));
    return;
  }
  console.log(
    markdown(results, [
      `Corpus ${env.corpus}: ${env.docs} docs, ${env.rawMB.toFixed(1)} MB raw text. ${env.date}, node ${env.node}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadavg.map((l) => l.toFixed(1)).join(' -> ')}.`,
      `Code: ${env.revision}.`,
      `Queries: ${env.queries.twoTerm} two-term + ${env.queries.knownItem} known-item, ${rounds} timed rounds each, seed ${seed}; ${env.queries.warmup} warm-up queries ×2 per engine.`,
      ...skipped.map((s) => `Skipped ${s}`),
    ]),
  );
  if (!args['no-quality']) console.log(`\n${await quality(docs)}`);
}

await main();
