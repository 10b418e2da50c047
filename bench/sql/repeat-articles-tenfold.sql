-- How bench/RESULTS.md's 1,000,000-article database for npm run bench:pgsearch was made from an
-- ingested 100k one (CREATE DATABASE bench1m TEMPLATE bench100k; then psql $URL -f this file):
-- every article repeated nine times with new ids, slugs and dates moved back N years; the tsvector
-- copied, not recomputed; the secondary indexes dropped for the copy and rebuilt from their own definitions (pg_indexes).
\timing on
SET maintenance_work_mem = '1GB';
SET synchronous_commit = off;
-- The secondary indexes as they are defined now, dropped for the copy, rebuilt after it.
CREATE TEMP TABLE saved_indexes AS SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles' AND indexname <> 'articles_pkey';
DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexname FROM saved_indexes LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP; END $$;
INSERT INTO articles (id, dataset, content_hash, record, slug, published_at, source_id, source_name, category, authors, tags, search_tsv, change_seq)
SELECT a.id || '-r' || n, a.dataset, a.content_hash,
       jsonb_set(jsonb_set(CASE WHEN a.published_at IS NULL THEN a.record ELSE jsonb_set(a.record, '{publishedAt}', to_jsonb(to_char((a.published_at - make_interval(years => n)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END,
                           '{id}', to_jsonb(a.id || '-r' || n)), '{slug}', to_jsonb(a.slug || '-r' || n)),
       a.slug || '-r' || n, a.published_at - make_interval(years => n), a.source_id, a.source_name, a.category, a.authors, a.tags, a.search_tsv, nextval('article_change_seq')
  FROM articles a CROSS JOIN generate_series(1, 9) n
 WHERE a.id !~ '-r[0-9]$';
DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexdef FROM saved_indexes LOOP EXECUTE r.indexdef; END LOOP; END $$;
VACUUM ANALYZE articles;
SELECT count(*) FROM articles;
