/**
 * Migration 0007 on a database an ingest wrote before it: the search vectors (and what searches
 * filter on) move to the narrow article_search table, in order of publication, the wide articles
 * rows keep no vector; searches find the same articles, the next ingest of the folder writes
 * nothing, and a later change or delete keeps the two tables in step.
 */
import { toJson } from '../../src/articles/record.js';
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadArticles } from '../../src/loader/index.js';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { contentHash, searchVectorSql } from '../../src/store/postgres.js';
import { PostgresReader } from '../../src/store/search/postgres-reader.js';
import { articleText, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

it('moves every vector to article_search in date order, drops it from articles, and searches, ingests and deletes as before', async () => {
  const dir = tempDataDir({
    'harbour.txt': 'Harbour council meets\n\nPublished: 10 March 2023\n\nThe board paid the council for the harbour wall.\n',
    'ferry.txt': 'Ferry strike ends\n\nPublished: 2 January 2021\n\nDock workers and the ferry company agreed.\n',
    'lighthouse.txt': articleText('Lighthouse keeper retires', 'He watched the harbour for forty years.', 'Undated.'),
  });
  const db = openPool(databaseSettings(await testDatabase('before0007')));
  try {
    expect(MIGRATIONS[6]!.name).toBe('0007-article-search');
    await migrate(db, MIGRATIONS.slice(0, 6));
    // Rows as the ingest before 0007 wrote them: the vector in the articles row.
    const { articles } = await loadArticles(dir);
    for (const a of articles) {
      await db.query(
        `INSERT INTO articles (id, dataset, content_hash, record, slug, published_at, source_id, source_name, category, language, authors, tags, search_tsv, change_seq)
         VALUES ($1, $2, $3, $4::json, $5, $6, NULL, NULL, $7, $8, '{}', '{}', ${searchVectorSql('$9::text', '$10::text', '$11::text')}, nextval('article_change_seq'))`,
        [a.id, 'harbour', contentHash(a), JSON.stringify(toJson(a)), a.slug, a.publishedAt, a.category, a.language, a.title, a.lead, a.body],
      );
      await db.query(`INSERT INTO article_changes (change_seq, id, dataset, deleted) SELECT change_seq, id, dataset, false FROM articles WHERE id = $1`, [a.id]);
    }
    expect((await migrate(db)).applied).toEqual(['0007-article-search']);

    // Undated first, then oldest to newest: the physical order a stream of news keeps.
    const searchRows = (await db.query<{ id: string; month: number[] }>('SELECT id, published_month AS month FROM article_search ORDER BY ctid')).rows;
    expect(searchRows).toEqual([
      { id: 'lighthouse', month: [-1] },
      { id: 'ferry', month: [2021 * 12] },
      { id: 'harbour', month: [2023 * 12 + 2] },
    ]);
    const columns = (await db.query<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'articles'")).rows.map((r) => r.name);
    expect(columns).not.toContain('search_tsv');
    expect(columns).not.toContain('published_month');

    const reader = new PostgresReader(db, 1, articles.length, new Date(), 0);
    const found = await reader.search('harbour', { sort: 'relevance', limit: 20, offset: 0, facets: ['month'] });
    expect(found.hits.map((h) => h.article.id).sort()).toEqual(['harbour', 'lighthouse']);
    expect(found.facets.month).toEqual([{ value: '2023-03', count: 1 }]);
    const titled = await reader.search('title:harbour', { sort: 'newest', limit: 20, offset: 0 });
    expect(titled.hits.map((h) => h.article.id)).toEqual(['harbour']);

    // The same folder again: nothing to write. A change and a removal: both tables follow.
    expect(await ingestDirectory(db, dir, { dataset: 'harbour' })).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    writeFileSync(path.join(dir, 'ferry.txt'), 'Ferry strike ends\n\nPublished: 2 January 2021\n\nDock workers and the ferry company agreed on a harbour levy.\n');
    unlinkSync(path.join(dir, 'lighthouse.txt'));
    expect(await ingestDirectory(db, dir, { dataset: 'harbour' })).toMatchObject({ updated: 1, deleted: 1 });
    expect((await db.query('SELECT id FROM article_search ORDER BY id')).rows).toEqual([{ id: 'ferry' }, { id: 'harbour' }]);
    const after = new PostgresReader(db, 2, 2, new Date(), 0);
    expect((await after.search('harbour levy', { sort: 'relevance', limit: 20, offset: 0 })).hits.map((h) => h.article.id)).toEqual(['ferry']);
  } finally {
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
});
