/**
 * SQL pieces of SEARCH_BACKEND=postgres: bound parameters collected as a statement is written
 * (user values only ever travel as parameters), the listing filters as WHERE conditions over the
 * `articles` table (alias `a`), and the date orders with their keyset conditions.
 */
import type { PageKey } from '../../corpus/corpus.js';
import type { ArticleFilter, Sort } from '../../corpus/filters.js';

/** A statement's parameters: `p(value)` appends one and returns its placeholder. */
export class Params {
  readonly values: unknown[] = [];
  p(value: unknown): string {
    this.values.push(typeof value === 'string' ? clean(value) : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? clean(v) : v)) : value);
    return `$${this.values.length}`;
  }
}

/** PostgreSQL text holds no NUL character: a value with one could match nothing anyway. */
export function clean(s: string): string {
  return s.includes('\0') ? s.replace(/\0/gu, '') : s;
}

/**
 * The filter as AND-ed conditions. Values compare case-insensitively (lower() on both sides);
 * unlike the memory backend, accents must match. `author:`/`tag:` scopes need a name or tag
 * holding every word (its words split at anything not a letter or digit).
 */
export function filterConditions(f: ArticleFilter, params: Params): string[] {
  const where: string[] = [];
  if (f.source !== undefined) where.push(`lower(a.source_id) = lower(${params.p(f.source)})`);
  if (f.category !== undefined) where.push(`lower(a.category) = lower(${params.p(f.category)})`);
  const anyOf = (column: 'authors' | 'tags', values: readonly string[]) =>
    `EXISTS (SELECT 1 FROM unnest(a.${column}) v WHERE lower(v) = ANY(${params.p(values.map((x) => x.toLowerCase().trim()))}::text[]))`;
  const allWords = (column: 'authors' | 'tags', words: readonly string[]) =>
    `EXISTS (SELECT 1 FROM unnest(a.${column}) v WHERE regexp_split_to_array(lower(v), '[^[:alnum:]]+') @> ${params.p(words)}::text[])`;
  if (f.authors?.length) where.push(anyOf('authors', f.authors));
  if (f.tags?.length) where.push(anyOf('tags', f.tags));
  for (const words of f.authorWords ?? []) where.push(allWords('authors', words));
  for (const words of f.tagWords ?? []) where.push(allWords('tags', words));
  if (f.language !== undefined) where.push(`a.language = ${params.p(f.language)}`);
  if (f.fromMs !== undefined) where.push(`a.published_at >= to_timestamp(${params.p(f.fromMs / 1000)}::float8)`);
  if (f.toMs !== undefined) where.push(`a.published_at <= to_timestamp(${params.p(f.toMs / 1000)}::float8)`);
  return where;
}

/** ORDER BY of a date sort: undated articles last either way, ties by id (as the memory corpus orders them). */
export function dateOrder(sort: Sort, alias = 'a'): string {
  return sort === 'newest' ? `${alias}.published_at DESC NULLS LAST, ${alias}.id` : `${alias}.published_at ASC NULLS LAST, ${alias}.id`;
}

/** Rows strictly after `after` in a date sort (the keyset condition). */
export function afterDateKey(sort: Sort, after: PageKey, params: Params, alias = 'a'): string {
  const id = params.p(after.id);
  if (after.key === null) return `(${alias}.published_at IS NULL AND ${alias}.id > ${id})`;
  const at = `to_timestamp(${params.p(after.key / 1000)}::float8)`;
  const [beyond, bound] = sort === 'newest' ? ['<', '<='] : ['>', '>='];
  // The redundant bound lets the index scan start at the key instead of filtering from the top.
  return `((${alias}.published_at ${bound} ${at} AND (${alias}.published_at ${beyond} ${at} OR ${alias}.id > ${id})) OR ${alias}.published_at IS NULL)`;
}
