/**
 * Migration 0005 on a database an ingest wrote before it: records become json text (the same
 * values), the language a written column, and the next ingest of the folder finds every article
 * unchanged (the content hash is the record's, as before), writing nothing.
 */
import { toJson } from '../../src/articles/record.js';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadArticles } from '../../src/loader/index.js';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { articleText, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

it('keeps the records (now json) and their languages, drops the unread array indexes, stores rows uncompressed up to a page, and leaves the next ingest nothing to write', async () => {
  const dir = tempDataDir({ 'world/harbour.txt': articleText('Harbour council meets', 'The board paid the council.', 'Talks ended.') });
  const db = openPool(databaseSettings(await testDatabase('before0005')));
  try {
    expect(MIGRATIONS[4]!.name).toBe('0005-ingest-sends-columns');
    await migrate(db, MIGRATIONS.slice(0, 4));
    // A row as the ingest before 0005 wrote it: a jsonb record, the language generated from it.
    const [article] = (await loadArticles(dir)).articles;
    const json = JSON.stringify(toJson(article!));
    await db.query(
      `INSERT INTO articles (id, dataset, content_hash, record, slug, search_tsv, change_seq)
       VALUES ($1, $2, $3, $4::jsonb, $5, to_tsvector('english', $6), nextval('article_change_seq'))`,
      [article!.id, 'harbour', createHash('sha256').update(json).digest('hex'), json, article!.slug, article!.title],
    );
    expect((await migrate(db, MIGRATIONS.slice(0, 5))).applied).toEqual(['0005-ingest-sends-columns']);
    const row = (await db.query<{ t: string; language: string; record: unknown }>('SELECT pg_typeof(record)::text AS t, language, record FROM articles')).rows[0]!;
    expect(row).toEqual({ t: 'json', language: 'en', record: JSON.parse(json) });
    const indexes = (await db.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'articles'")).rows.map((r) => r.name);
    expect(indexes).not.toContain('articles_authors');
    expect(indexes).not.toContain('articles_tags');
    const options = (await db.query<{ o: string[] }>("SELECT reloptions AS o FROM pg_class WHERE relname = 'articles'")).rows[0]!.o;
    expect(options).toEqual(['toast_tuple_target=8160']);
    const again = await ingestDirectory(db, dir, { dataset: 'harbour' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, batches: 0 });
  } finally {
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
});
