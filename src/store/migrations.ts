/**
 * The schema, as an ordered list of migrations. A migration, once released, is never edited:
 * a change is a new entry. They live in code (not .sql files) so the compiled server and the
 * container image carry them with nothing to copy.
 */
export interface Migration {
  /** Sorts in order; recorded in schema_migrations. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001-articles',
    sql: `
-- One number line for every change (upsert or delete): replicas ask "what changed after N".
CREATE SEQUENCE article_change_seq;

CREATE TABLE articles (
  id            text PRIMARY KEY,
  -- Which ingested folder owns the article, so an ingest deletes only its own leftovers.
  dataset       text NOT NULL,
  -- sha256 of the validated record: an unchanged article is skipped by ingest.
  content_hash  text NOT NULL,
  record        jsonb NOT NULL,
  slug          text NOT NULL,
  published_at  timestamptz,
  source_id     text,
  source_name   text,
  category      text,
  authors       text[] NOT NULL DEFAULT '{}',
  tags          text[] NOT NULL DEFAULT '{}',
  -- Headline (A) above lead (B) above body (C). title: scoping needs no column of its own:
  -- a tsquery lexeme limited to weight A ('shell':A) matches headline words only.
  search_tsv    tsvector NOT NULL,
  change_seq    bigint NOT NULL
);
CREATE UNIQUE INDEX articles_change_seq ON articles (change_seq);
CREATE INDEX articles_dataset ON articles (dataset);
CREATE INDEX articles_slug ON articles (slug);
CREATE INDEX articles_published ON articles (published_at DESC NULLS LAST, id);
CREATE INDEX articles_source ON articles (source_id, published_at DESC NULLS LAST, id);
CREATE INDEX articles_category ON articles (category, published_at DESC NULLS LAST, id);
CREATE INDEX articles_authors ON articles USING gin (authors);
CREATE INDEX articles_tags ON articles USING gin (tags);
CREATE INDEX articles_search ON articles USING gin (search_tsv);

-- Deletes keep their place on the change line.
CREATE TABLE article_deletions (
  change_seq  bigint PRIMARY KEY,
  id          text NOT NULL,
  dataset     text NOT NULL,
  deleted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_deletions_id ON article_deletions (id);
`,
  },
  {
    name: '0002-search-backend',
    sql: `
-- SEARCH_BACKEND=postgres answers listings, filters and facets by SQL.
-- The language filter and facet read a column, not every matching record.
ALTER TABLE articles ADD COLUMN language text GENERATED ALWAYS AS (record->>'language') STORED;
-- sort=oldest pages walk this index (dated articles first, undated last, ties by id), as newest walks articles_published.
CREATE INDEX articles_oldest ON articles (published_at ASC NULLS LAST, id);
-- source= and category= match whatever their case.
CREATE INDEX articles_source_key ON articles (lower(source_id), published_at DESC NULLS LAST, id);
CREATE INDEX articles_category_key ON articles (lower(category), published_at DESC NULLS LAST, id);
`,
  },
  {
    name: '0003-change-log-folder-fingerprints-store-identity',
    sql: `
-- The change line replicas follow, appended at the end of each write transaction under the
-- change-order lock, so its numbers follow commit order even when ingest batches are written in
-- parallel (articles.change_seq stays unique but is drawn when the row is written, before that
-- lock, so it no longer follows commit order). One row per id is enough: a replica asks for the
-- current state of every id changed after its number, so older rows of the same id are pruned.
CREATE TABLE article_changes (
  change_seq  bigint PRIMARY KEY,
  id          text NOT NULL,
  dataset     text NOT NULL,
  deleted     boolean NOT NULL
);
CREATE INDEX article_changes_id ON article_changes (id);
INSERT INTO article_changes (change_seq, id, dataset, deleted)
  SELECT DISTINCT ON (id) change_seq, id, dataset, deleted
    FROM (SELECT change_seq, id, dataset, false AS deleted FROM articles
          UNION ALL SELECT change_seq, id, dataset, true FROM article_deletions) AS c
   ORDER BY id, change_seq DESC;

-- Which store this is: a replica's snapshot names it, so a snapshot of another database (whose
-- change numbers mean something else) is refused.
CREATE TABLE store_identity (id text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO store_identity (id) VALUES (gen_random_uuid()::text);

-- What an ingest of a folder saw: a digest of its files (path, size, sha256 of the bytes) and of
-- the load options, its load report, and the state it left the dataset in. An ingest whose
-- folder digest and dataset state still match writes nothing and parses nothing.
CREATE TABLE ingested_folders (
  dataset      text PRIMARY KEY,
  fingerprint  text NOT NULL,
  articles     integer NOT NULL,
  last_write   bigint NOT NULL,
  loaded       integer NOT NULL,
  problems     jsonb NOT NULL,
  stats        jsonb NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    name: '0004-search-by-month',
    sql: `
-- SEARCH_BACKEND=postgres ranks the newest matches of a search (its ranking window) and pages
-- date-sorted searches, finding matches month by month from the newest (or a cursor's) month: the
-- month of publication (UTC, as year * 12 + month - 1; -1 for an undated article) is a second
-- column of the search index, so "these words, published in these months" is one GIN scan that
-- skips through the words' long posting lists by the months' short ones, and only the rows it finds
-- are read. An array because GIN indexes arrays, not plain integers, without an extension.
ALTER TABLE articles ADD COLUMN published_month int[] GENERATED ALWAYS AS (
  CASE WHEN published_at IS NULL THEN '{-1}'::int[]
       ELSE ARRAY[(date_part('year', published_at AT TIME ZONE 'UTC') * 12 + date_part('month', published_at AT TIME ZONE 'UTC') - 1)::int] END) STORED;
-- Serves every search_tsv match as articles_search did (a condition on the first column alone).
CREATE INDEX articles_search_month ON articles USING gin (search_tsv, published_month);
DROP INDEX articles_search;
`,
  },
  {
    name: '0005-ingest-sends-columns',
    sql: `
-- The ingest sends every column but the search vector made (src/store/postgres.ts writeBatch), so
-- PostgreSQL builds no jsonb per article. The record is kept as the JSON text sent (json, not
-- jsonb: nothing looks inside it on a hot path; readers parse it whole) and the language is a
-- column written with it instead of one generated from the jsonb.
ALTER TABLE articles DROP COLUMN language;
ALTER TABLE articles ALTER COLUMN record TYPE json USING record::json;
ALTER TABLE articles ADD COLUMN language text;
UPDATE articles SET language = record->>'language';
-- No query reads these: author and tag filters compare lower() of each element (sql-filters.ts),
-- which a GIN index on the raw arrays cannot answer, and each was upkeep on every article written.
DROP INDEX articles_authors;
DROP INDEX articles_tags;
-- A row (record about 3 kB, search vector 2-3 kB at news lengths) is stored as it is up to a page:
-- by default every row over 2 kB had its record compressed (pglz), CPU on each write and on each
-- read, to save about a third of its bytes. Rows written from now on; a longer one still is.
ALTER TABLE articles SET (toast_tuple_target = 8160);
`,
  },
  {
    name: '0006-published-snapshots',
    sql: `
-- A replica's snapshot file published for other replicas (SNAPSHOT_IN_DATABASE): a new replica
-- with no snapshot file of its own copies the newest one of its snapshot format, starts from it,
-- and catches up by change number from change_seq (the last change its articles include).
CREATE TABLE published_snapshots (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  format        integer NOT NULL,
  change_seq    bigint NOT NULL,
  bytes         bigint NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX published_snapshots_newest ON published_snapshots (format, change_seq DESC, id DESC);
-- The file's bytes in parts (written in the transaction that adds its row: all or none is seen).
CREATE TABLE published_snapshot_parts (
  snapshot  bigint NOT NULL REFERENCES published_snapshots (id) ON DELETE CASCADE,
  part      integer NOT NULL,
  data      bytea NOT NULL,
  PRIMARY KEY (snapshot, part)
);
-- Typed arrays and JSON that compress poorly for the CPU it costs: stored as they are.
ALTER TABLE published_snapshot_parts ALTER COLUMN data SET STORAGE EXTERNAL;
`,
  },
  {
    name: '0007-article-search',
    sql: `
-- At a million articles and more (SEARCH_BACKEND=postgres), a relevance search scores the newest
-- few hundred matches of its words, reading each one's search vector from its row. Stored in the
-- articles rows (about 5 kB: the record beside the vector) those matches sat one per page, spread
-- over the whole table in the order they were written, so a search whose rows were not in memory
-- read hundreds of pages from disk. The vector and what searches filter on move to a narrow table
-- of their own (about 2.6 kB a row: three to a page), filled here in order of publication. An
-- archive is mostly written in that order too (news arrives as it is published), so the newest
-- months, where every ranking window starts, are a short stretch of pages that stays cached, and
-- the search index's entries of those months are next to each other (a scan by words and months
-- skips the rest of a word's long posting list). The record is read from articles only for the
-- page shown. The ingest writes both tables in one statement (src/store/postgres.ts writeBatch);
-- a deleted article's row goes with it (the foreign key cascades).
-- Filling a large archive takes minutes: no statement timeout here, and room to sort the index.
SET LOCAL statement_timeout = 0;
SET LOCAL maintenance_work_mem = '256MB';
CREATE TABLE article_search (
  id               text PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  published_at     timestamptz,
  -- As articles.published_month was (migration 0004): the month number beside the words in the index.
  published_month  int[] GENERATED ALWAYS AS (
    CASE WHEN published_at IS NULL THEN '{-1}'::int[]
         ELSE ARRAY[(date_part('year', published_at AT TIME ZONE 'UTC') * 12 + date_part('month', published_at AT TIME ZONE 'UTC') - 1)::int] END) STORED,
  -- The columns filters compare (src/store/search/sql-filters.ts), so a filtered search reads no record.
  source_id        text,
  category         text,
  language         text,
  authors          text[] NOT NULL DEFAULT '{}',
  tags             text[] NOT NULL DEFAULT '{}',
  search_tsv       tsvector NOT NULL
);
-- A vector does not compress (pglz gives up on it): kept in the row, never moved out to TOAST.
ALTER TABLE article_search SET (toast_tuple_target = 8160);
INSERT INTO article_search (id, published_at, source_id, category, language, authors, tags, search_tsv)
  SELECT id, published_at, source_id, category, language, authors, tags, search_tsv FROM articles ORDER BY published_at ASC NULLS FIRST, id;
CREATE INDEX article_search_words ON article_search USING gin (search_tsv, published_month);
DROP INDEX articles_search_month;
ALTER TABLE articles DROP COLUMN published_month, DROP COLUMN search_tsv;
ANALYZE article_search;
`,
  },
];
