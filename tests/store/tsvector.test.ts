/**
 * The search vector an ingest makes with our analyzer (src/store/search/tsvector.ts): the text
 * PostgreSQL takes as a tsvector, with PostgreSQL's limits, and matched by the tsquery the SQL
 * search backend compiles from the same analyzer's lexemes, so both backends find the same
 * articles for the cases where PostgreSQL's own English analysis differed from ours.
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/index.js';
import { analyzerFor } from '../../src/search/tokenize.js';
import { createHash } from 'node:crypto';
import { loadArticles } from '../../src/loader/index.js';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { toTsquery } from '../../src/store/search/tsquery.js';
import { searchVector } from '../../src/store/search/tsvector.js';
import { memoryBackend, postgresBackend, type Backend } from '../helpers/backends.js';
import { articleText, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

const pool = new pg.Pool({ connectionString: await testDatabase('tsvector'), max: 2 });
afterAll(() => pool.end());
/** The vector as PostgreSQL stores it (its own sorted text form). */
const stored = async (text: string) => (await pool.query<{ v: string }>('SELECT $1::tsvector::text AS v', [text])).rows[0]!.v;

describe('searchVector', () => {
  it('weighs headline A, lead B, the rest C, and leaves a position free between fields and paragraphs', async () => {
    const v = searchVector({ title: 'Oil prices', paragraphs: ['Dock workers', 'Talks resume', 'The end'], language: 'en' });
    expect(await stored(v)).toBe("'dock':4B 'end':11C 'oil':1A 'price':2A 'resum':8C 'talk':7C 'worker':5B");
  });

  it('keeps PostgreSQL’s limits as to_tsvector does: positions up to 16,383, 256 a lexeme, no word over 2,047 bytes', async () => {
    const v = searchVector({ title: 'Long', paragraphs: ['word '.repeat(20_000), `${'x'.repeat(3000)} tail`], language: 'en' });
    const { rows } = await pool.query<{ lexeme: string; n: number; last: number }>(
      'SELECT lexeme, cardinality(positions) AS n, positions[cardinality(positions)] AS last FROM unnest($1::tsvector) ORDER BY lexeme',
      [v],
    );
    expect(rows).toEqual([
      { lexeme: 'long', n: 1, last: 1 },
      { lexeme: 'tail', n: 1, last: 16_383 },
      { lexeme: 'word', n: 256, last: 258 },
    ]);
  });

  it('analyses each article in its own language, as the memory index does', async () => {
    const v = searchVector({ title: 'Les maisons du port', paragraphs: ['Les prix montent.'], language: 'fr' });
    const french = toTsquery(parseQuery('maison', { analyzer: analyzerFor('fr') }), analyzerFor('fr'))!;
    const english = toTsquery(parseQuery('maison'))!;
    const m = async (q: string) => (await pool.query<{ m: boolean }>('SELECT $1::tsvector @@ $2::tsquery AS m', [v, q])).rows[0]!.m;
    expect(await m(french)).toBe(true);
    expect(await m(english)).toBe(false);
  });
});

describe('the SQL search backend against the memory backend, where PostgreSQL’s English analysis differed', () => {
  let dir: string;
  let memory: Backend;
  let sql: Backend;
  beforeAll(async () => {
    dir = tempDataDir({
      'world/harbour.txt': articleText('Harbour council meets generously', 'The U.S. harbour board paid £522,000 to the well-known council.', 'Strike talks ended.'),
      'world/strike.txt': articleText('Dock workers strike', 'Workers at the harbour', 'Strike leaders met the mayor.'),
      'business/fees.txt': articleText('Fees rise generally', 'A fairly large rise in port fees.', 'Harbour strike fears grow.'),
      'fr/maisons.md': '---\nlanguage: fr\n---\n# Les maisons du port\n\nLes prix des maisons montent.\n',
    });
    [memory, sql] = await Promise.all([memoryBackend(dir), postgresBackend(dir)]);
  });
  afterAll(async () => {
    await Promise.all([memory?.close(), sql?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = async (b: Backend, url: string) => ((JSON.parse((await b.app.inject({ method: 'GET', url })).body) as { items: Array<{ id: string }> }).items ?? []).map((i) => i.id).sort();

  it('finds the same articles for the same queries', async () => {
    const cases: Array<[string, string[]]> = [
      // Porter stems both to "gener" (PostgreSQL's English Snowball: "generous", "general")
      ['generously', ['business-fees', 'world-harbour']],
      ['generally', ['business-fees', 'world-harbour']],
      // numbers and abbreviations as our tokenizer folds them
      ['522000', ['world-harbour']],
      ['usa harbour', ['world-harbour']],
      // a hyphenated word, as a phrase of its parts
      ['well-known', ['world-harbour']],
      // a phrase never spans two paragraphs ("harbour" ends one, "Strike" starts the next)
      ['"harbour strike"', ['business-fees']],
      ['title:strike', ['world-strike']],
      ['lead:harbour -title:harbour', ['world-strike']],
      ['strik*', ['business-fees', 'world-harbour', 'world-strike']],
    ];
    for (const [q, expected] of cases) {
      const url = `/search?q=${encodeURIComponent(q)}&limit=50`;
      expect(await ids(memory, url), q).toEqual(expected);
      expect(await ids(sql, url), q).toEqual(expected);
    }
    const french = `/search?q=maisons&language=fr`;
    expect(await ids(sql, french)).toEqual(await ids(memory, french));
    expect(await ids(sql, french)).toHaveLength(1);
  });
});

describe('migration 0005 on a database written before it', () => {
  it('keeps the records (now json) and languages, and the next ingest rewrites every row with our vector', async () => {
    const dir = tempDataDir({ 'world/harbour.txt': articleText('Harbour council meets generously', 'The board paid the council.', 'Talks ended.') });
    const db = openPool(databaseSettings(await testDatabase('before0005')));
    try {
      await migrate(db, MIGRATIONS.slice(0, 4));
      // A row as the ingest before 0005 wrote it: jsonb record, PostgreSQL's English vector, the record's plain hash.
      const [article] = (await loadArticles(dir)).articles;
      const json = JSON.stringify(article);
      await db.query(
        `INSERT INTO articles (id, dataset, content_hash, record, slug, search_tsv, change_seq)
         VALUES ($1, $2, $3, $4::jsonb, $5, to_tsvector('english', $6), nextval('article_change_seq'))`,
        [article!.id, dir, createHash('sha256').update(json).digest('hex'), json, article!.slug, article!.title],
      );
      await db.query(`INSERT INTO ingested_folders (dataset, fingerprint, articles, last_write, loaded, problems, stats) VALUES ($1, 'old', 1, 1, 1, '[]', '{}')`, [dir]);
      expect((await migrate(db)).applied).toEqual(['0005-ingest-without-text-analysis']);
      const row = (await db.query<{ t: string; language: string; record: unknown }>("SELECT pg_typeof(record)::text AS t, language, record FROM articles")).rows[0]!;
      expect(row).toEqual({ t: 'json', language: 'en', record: JSON.parse(json) });
      expect((await db.query('SELECT * FROM ingested_folders')).rows).toEqual([]);
      const again = await ingestDirectory(db, dir);
      expect(again).toMatchObject({ folderUnchanged: false, updated: 1, unchanged: 0 });
      const { rows } = await db.query<{ same: boolean }>('SELECT search_tsv = $1::tsvector AS same FROM articles', [searchVector(article!)]);
      expect(rows).toEqual([{ same: true }]);
    } finally {
      await db.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
