-- How bench/RESULTS.md's 1,000,000-article database for npm run bench:pgsearch was made from an
-- ingested 100k one (CREATE DATABASE bench1m TEMPLATE bench100k; then psql $URL -f this file):
-- every article repeated nine times with new ids, slugs and dates moved back N years; the tsvector
-- copied, not recomputed; indexes dropped for the copy and rebuilt as migrations 0001-0002 make them.
\timing on
SET maintenance_work_mem = '1GB';
SET synchronous_commit = off;
DROP INDEX articles_change_seq, articles_dataset, articles_slug, articles_published, articles_source, articles_category, articles_authors, articles_tags, articles_search, articles_oldest, articles_source_key, articles_category_key;
INSERT INTO articles (id, dataset, content_hash, record, slug, published_at, source_id, source_name, category, authors, tags, search_tsv, change_seq)
SELECT a.id || '-r' || n, a.dataset, a.content_hash,
       jsonb_set(jsonb_set(CASE WHEN a.published_at IS NULL THEN a.record ELSE jsonb_set(a.record, '{publishedAt}', to_jsonb(to_char((a.published_at - make_interval(years => n)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END,
                           '{id}', to_jsonb(a.id || '-r' || n)), '{slug}', to_jsonb(a.slug || '-r' || n)),
       a.slug || '-r' || n, a.published_at - make_interval(years => n), a.source_id, a.source_name, a.category, a.authors, a.tags, a.search_tsv, nextval('article_change_seq')
  FROM articles a CROSS JOIN generate_series(1, 9) n
 WHERE a.id !~ '-r[0-9]$';
CREATE UNIQUE INDEX articles_change_seq ON articles (change_seq);
CREATE INDEX articles_dataset ON articles (dataset);
CREATE INDEX articles_slug ON articles (slug);
CREATE INDEX articles_published ON articles (published_at DESC NULLS LAST, id);
CREATE INDEX articles_source ON articles (source_id, published_at DESC NULLS LAST, id);
CREATE INDEX articles_category ON articles (category, published_at DESC NULLS LAST, id);
CREATE INDEX articles_authors ON articles USING gin (authors);
CREATE INDEX articles_tags ON articles USING gin (tags);
CREATE INDEX articles_search ON articles USING gin (search_tsv);
CREATE INDEX articles_oldest ON articles (published_at ASC NULLS LAST, id);
CREATE INDEX articles_source_key ON articles (lower(source_id), published_at DESC NULLS LAST, id);
CREATE INDEX articles_category_key ON articles (lower(category), published_at DESC NULLS LAST, id);
VACUUM ANALYZE articles;
SELECT count(*) FROM articles;
