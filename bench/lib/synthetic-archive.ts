/**
 * A synthetic archive of any size written straight into PostgreSQL, for the SEARCH_BACKEND=postgres
 * benchmark at a million articles: ingesting a million files through the loader would take hours
 * here, so the articles are made by the synthetic corpus generator (bench/lib/article.ts, the texts
 * generate-corpus writes, every article its own words: no copies skewing the term statistics), as
 * the records the loader would make of them (dated uniformly over 2000-2024, 1% undated, no source),
 * and loaded by COPY from a file into a staging table, then into `articles` with the search vector
 * made by PostgreSQL as an ingest makes it (searchVectorSql), the secondary indexes dropped for the
 * load and rebuilt after it, in two sessions at once.
 *
 * COPY reads its file on the database server, so the server must run on this machine (as the
 * benchmark's own, or the developer's, does); the file is made readable by any user.
 */
import { paragraphsOf } from '../../src/articles/record.js';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { Article } from '../../src/articles/schema.js';
import { finishArticle } from '../../src/loader/finish.js';
import { emptyDraft } from '../../src/loader/types.js';
import { searchVectorSql } from '../../src/store/postgres.js';
import { newsArticles, slugify } from './article.js';
import { mixSeed, mulberry32 } from './prng.js';

const CHUNK = 50_000;
const FROM_MS = Date.UTC(2000, 0, 1);
const TO_MS = Date.UTC(2025, 0, 1);

/** `work` on a session of its own without the pool's statement timeout (a load takes minutes). */
async function unbounded<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('SET statement_timeout = 0');
    return await work(c);
  } finally {
    await c.query('RESET statement_timeout').catch(() => undefined);
    c.release();
  }
}

/** A field of COPY's text format. */
function copyField(v: string | null): string {
  return v === null ? '\\N' : v.replace(/[\\\t\n\r]/gu, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** The record the loader makes of a generated .txt article (its finishing step, from a draft), dated by the archive's own rule. */
function recordOf(n: number, category: string, headline: string, paragraphs: string[], seed: number): Article {
  const slug = slugify(headline);
  const path = `${category}/${slug}-${n}.txt`;
  const text = `${headline}\n\n${paragraphs.join('\n\n')}\n`;
  const dateRng = mulberry32(mixSeed(seed ^ 0x5eed, n + 1));
  const undated = dateRng() < 0.01;
  const draft = emptyDraft(headline);
  draft.paragraphs = paragraphs;
  if (!undated) {
    draft.publishedAt = new Date(FROM_MS + Math.floor(dateRng() * (TO_MS - FROM_MS))).toISOString();
    draft.dateSource = 'published-line';
  }
  return finishArticle(draft, { id: `${category}-${slug}-${n}`, path, sha256: createHash('sha256').update(text).digest('hex'), format: 'txt', line: null, folderCategory: category });
}

/**
 * Adds `count` synthetic articles (corpus seed `seed`, words from the real corpus `vocabulary`)
 * to the `articles` table of `pool`'s database, owned by `dataset`. Returns the time taken.
 */
export async function fillSyntheticArchive(
  pool: pg.Pool,
  o: { count: number; seed: number; vocabulary: readonly string[]; dataset: string; log: (line: string) => void },
): Promise<number> {
  const t0 = performance.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'news-api-archive-'));
  chmodSync(dir, 0o755);
  await pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS archive_staging (part int, id text, content_hash text, record json, language text, title text, lead text, body text, published_at timestamptz, category text, slug text)`);
  await pool.query('TRUNCATE archive_staging');
  try {
    // Generate chunk k+1 while the server copies chunk k.
    let copying: Promise<unknown> = Promise.resolve();
    let lines: string[] = [];
    let chunk = 0;
    const flush = async () => {
      const file = path.join(dir, `chunk-${chunk++}.tsv`);
      writeFileSync(file, lines.join(''));
      chmodSync(file, 0o644);
      lines = [];
      await copying;
      copying = unbounded(pool, (c) => c.query(`COPY archive_staging FROM '${file}'`)).then(() => rmSync(file));
    };
    for (const { n, category, article } of newsArticles(o.seed, o.count, o.vocabulary)) {
      const r = recordOf(n, category, article.headline, article.paragraphs, o.seed);
      const json = JSON.stringify(r);
      const hash = createHash('sha256').update(json).digest('hex');
      lines.push(
        [String(n % 2), r.id, hash, json, r.language, r.title, r.lead, paragraphsOf(r).slice(1).join('\n'), r.publishedAt, category, r.slug].map(copyField).join('\t') + '\n',
      );
      if (lines.length === CHUNK) {
        await flush();
        if ((n + 1) % 200_000 === 0) o.log(`  ${n + 1} articles generated (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
    if (lines.length) await flush();
    await copying;
    o.log(`  staged in ${((performance.now() - t0) / 1000).toFixed(0)} s; writing articles`);

    // Secondary indexes dropped for the load, rebuilt from their own definitions after it.
    const indexes = (await pool.query<{ name: string; def: string }>(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename IN ('articles', 'article_search') AND indexname NOT IN ('articles_pkey', 'article_search_pkey')`)).rows;
    for (const ix of indexes) await pool.query(`DROP INDEX ${ix.name}`);
    const vector = searchVectorSql('s.title', 's.lead', 's.body');
    await Promise.all(
      [0, 1].map((part) =>
        unbounded(pool, (c) =>
          c.query(
            `INSERT INTO articles (id, dataset, content_hash, record, slug, published_at, source_id, source_name, category, language, authors, tags, change_seq)
             SELECT s.id, $2, s.content_hash, s.record, s.slug, s.published_at, NULL, NULL, s.category, s.language, '{}', '{}', nextval('article_change_seq')
               FROM archive_staging s WHERE s.part = $1`,
            [part, o.dataset],
          ),
        ),
      ),
    );
    // The search rows (migration 0007) in order of publication, as a stream of news writes them: one
    // statement (two writers at once would interleave their pages).
    await unbounded(pool, (c) =>
      c.query(
        `INSERT INTO article_search (id, published_at, source_id, category, language, authors, tags, search_tsv)
         SELECT s.id, s.published_at, NULL, s.category, s.language, '{}', '{}', ${vector}
           FROM archive_staging s ORDER BY s.published_at ASC NULLS FIRST, s.id`,
      ),
    );
    await pool.query('DROP TABLE archive_staging');
    o.log(`  articles written in ${((performance.now() - t0) / 1000).toFixed(0)} s; rebuilding ${indexes.length} indexes`);
    // Two builds at once, the large GIN index first.
    const queue = [...indexes].sort((a, b) => Number(/gin/iu.test(b.def)) - Number(/gin/iu.test(a.def)));
    await Promise.all(
      [0, 1].map(() =>
        unbounded(pool, async (c) => {
          await c.query(`SET maintenance_work_mem = '512MB'`);
          for (let ix = queue.shift(); ix; ix = queue.shift()) await c.query(ix.def);
        }),
      ),
    );
    // The change line replicas and the SQL reader take their version from.
    await unbounded(pool, async (c) => {
      await c.query(`INSERT INTO article_changes (change_seq, id, dataset, deleted) SELECT change_seq, id, dataset, false FROM articles WHERE dataset = $1 ON CONFLICT DO NOTHING`, [o.dataset]);
      await c.query('VACUUM ANALYZE articles');
      await c.query('VACUUM ANALYZE article_search');
      await c.query('VACUUM ANALYZE article_changes');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return performance.now() - t0;
}
