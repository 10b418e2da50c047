/**
 * SEARCH_PREWARM: what SQL search reads, brought into the database server's memory when a
 * SEARCH_BACKEND=postgres server starts, so the first searches after PostgreSQL (or its host)
 * restarted do not wait for the disk.
 *
 * Why: a relevance search ranks its newest few hundred matches (the ranking window), reading each
 * one's article_search row for its vector. Those rows lie about one to a page (a month's matches of
 * two words are a few hundred rows among thousands), and the matches of a rare word are spread over
 * the whole archive, so a search whose pages are not in memory reads hundreds of pages from disk:
 * at 1M articles, 50-100 ms more than the same search warm (bench/RESULTS.md, session 8). A
 * sequential read of the whole search table and its index (about 3.3 GB at 1M) takes seconds.
 *
 * How: pg_prewarm's 'read' mode (an extension shipped with PostgreSQL; an operator creates it once,
 * `CREATE EXTENSION pg_prewarm`, as it needs a superuser) reads the blocks into the operating
 * system's page cache of the database host, not into shared_buffers (which stays free for what
 * queries use most; the page cache is where a host's spare memory is). The table is read in chunks
 * (64 MB a statement, well inside a short statement timeout), oldest blocks first, and the indexes last,
 * so that on a host short of memory what stays is what every search reads: the word index, the
 * primary key a page's records are found by, then the newest months (article_search is in order of
 * publication: migration 0007, and an archive grows at its end).
 *
 * Bounded: an archive larger than the database host's memory is what SEARCH_BACKEND=postgres is
 * for, and reading all of it at every start would take minutes and evict itself. So the reads stop
 * at a budget, `effective_cache_size` (the memory the operator told PostgreSQL it may count on for
 * caching; 4 GB unless set): the indexes always, and of the search table only its newest blocks
 * that fit beside them.
 */
import type pg from 'pg';
import type { SEARCH_PREWARM_MODES } from '../../config.js';

/** What to warm: nothing, the indexes only (the word index and articles' primary key), or those and the whole search table. */
export type PrewarmMode = (typeof SEARCH_PREWARM_MODES)[number];

/**
 * Blocks read per statement: 64 MB of 8 kB pages, a quarter of a second from a disk that reads
 * 250 MB/s (this machine's), under a second at 70 MB/s: inside a short statement_timeout.
 */
const CHUNK_BLOCKS = 8192;

export interface PrewarmOutcome {
  /** Each relation warmed, in the order read: the blocks read, of how many it has, and the time it took. */
  relations: Array<{ name: string; blocks: number; of: number; ms: number }>;
  /** The budget in blocks (effective_cache_size unless given): the search table's newest blocks that fit beside the indexes. */
  budgetBlocks: number;
  /** Why nothing was warmed (the mode is off, or pg_prewarm is not installed in the database). */
  skipped?: string;
}

/** The relations a mode warms, in the order read (see the module comment). */
function relationsOf(mode: PrewarmMode): string[] {
  if (mode === 'off') return [];
  return [...(mode === 'all' ? ['article_search'] : []), 'articles_pkey', 'article_search_words'];
}

/** Reads what `mode` names into the database host's page cache with pg_prewarm; skips (saying why) when the extension is absent. */
export async function prewarmSearch(pool: Pick<pg.Pool, 'query'>, mode: PrewarmMode, o: { chunkBlocks?: number; budgetBlocks?: number } = {}): Promise<PrewarmOutcome> {
  if (mode === 'off') return { relations: [], budgetBlocks: 0, skipped: 'SEARCH_PREWARM=off' };
  const installed = await pool.query<{ ok: boolean }>("SELECT to_regprocedure('pg_prewarm(regclass,text,text,bigint,bigint)') IS NOT NULL AS ok");
  if (!installed.rows[0]!.ok) return { relations: [], budgetBlocks: 0, skipped: 'pg_prewarm is not installed in this database (a superuser runs CREATE EXTENSION pg_prewarm once)' };
  const chunk = o.chunkBlocks ?? CHUNK_BLOCKS;
  const names = relationsOf(mode);
  // every relation's size, and effective_cache_size in blocks (pg_size_bytes reads its unit)
  const sizes = await pool.query<{ name: string; blocks: string; budget: string }>(
    `SELECT name, (pg_relation_size(name::regclass) / current_setting('block_size')::int)::text AS blocks,
            (pg_size_bytes(current_setting('effective_cache_size')) / current_setting('block_size')::int)::text AS budget
       FROM unnest($1::text[]) AS name`,
    [names],
  );
  const totalOf = new Map(sizes.rows.map((r) => [r.name, Number(r.blocks)]));
  const budgetBlocks = o.budgetBlocks ?? Number(sizes.rows[0]?.budget ?? 0);
  let indexBlocks = 0;
  for (const name of names) if (name !== 'article_search') indexBlocks += totalOf.get(name)!;
  const relations: PrewarmOutcome['relations'] = [];
  for (const name of names) {
    const started = performance.now();
    const total = totalOf.get(name)!;
    // the search table: only its newest blocks (its end) that fit in the budget beside the indexes
    const from = name === 'article_search' ? Math.max(0, total - Math.max(0, budgetBlocks - indexBlocks)) : 0;
    let blocks = 0;
    for (let first = from; first < total; first += chunk) {
      const last = Math.min(total, first + chunk) - 1;
      const r = await pool.query<{ n: string }>("SELECT pg_prewarm($1::regclass, 'read', 'main', $2, $3)::text AS n", [name, first, last]);
      blocks += Number(r.rows[0]!.n);
    }
    relations.push({ name, blocks, of: total, ms: Math.round(performance.now() - started) });
  }
  return { relations, budgetBlocks };
}
