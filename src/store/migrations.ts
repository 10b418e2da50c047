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
];
