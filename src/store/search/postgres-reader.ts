/**
 * SEARCH_BACKEND=postgres: the routes' ArticleReader answered by SQL, with no corpus in memory.
 * Listing pages walk the date indexes (keyset after a cursor), search matches the weighted
 * `search_tsv` of the narrow article_search table (migration 0007; records are read from articles
 * for the page only) with a tsquery compiled from our parsed query (tsquery.ts) and ranks by
 * ts_rank_cd, facets are GROUP BYs over the same match, and snippets are made by our own
 * highlighter over the page's records. What differs from the memory backend (ranking, fuzzy
 * matching, stories, suggestions) is listed in the README ("Search in PostgreSQL").
 *
 * Every statement is bounded by the pool's statement_timeout (DATABASE_URL); one cancelled by it
 * throws ReadTimeout, a lost server ReadUnavailable (the routes answer both as 503 problems).
 */
import type pg from 'pg';
import type { Article } from '../../articles/schema.js';
import { DEFAULT_SEARCH_RANK_WINDOW } from '../../config.js';
import { ReadTimeout, ReadUnavailable, type ArticleReader, type ListOptions } from '../../corpus/article-reader.js';
import { unrankedHit, type FacetName, type FacetValue, type PageKey, type SearchHit, type SearchOptions, type SearchResult, type SourceCount, type StoryRef, type StoryView } from '../../corpus/corpus.js';
import { takeScopes, type ArticleFilter, type Sort } from '../../corpus/filters.js';
import { RecordSharing } from '../../loader/finish.js';
import { highlightRecord } from '../../search/record-highlight.js';
import { analyzerFor, parseQuery } from '../../search/index.js';
import { toArticle } from '../postgres.js';
import { afterDateKey, clean, dateOrder, filterConditions, Params } from './sql-filters.js';
import { toTsquery } from './tsquery.js';

/**
 * ts_rank_cd weights, in its order {D, C, B, A}: headline (A) above lead (B) above the other
 * paragraphs (C), the ratios of the memory backend's field boosts.
 */
export const RANK_WEIGHTS = [0.1, 0.2, 0.5, 1.0];
/** At most this many candidates are scored for related articles (the statement stays short at any archive size). */
const RELATED_CANDIDATES = 1000;
/** Distinctive lexemes of an article that find its related articles. */
const RELATED_LEXEMES = 12;

type Db = Pick<pg.Pool, 'query' | 'connect'>;

/** SQLSTATE query_canceled: the statement timeout fired. */
const QUERY_CANCELED = '57014';

/** A failed read, named for the routes. */
function readFailure(e: unknown): Error {
  const err = e as Error & { code?: string };
  if (err.code === QUERY_CANCELED) return new ReadTimeout(`statement cancelled by the statement timeout: ${err.message}`, { cause: e });
  // The server cannot be reached or is going away: a socket error (ECONNREFUSED, ECONNRESET…), no
  // code at all (connection terminated, pool timeout), or SQLSTATE class 08 (connection), 57P
  // (shutting down, cannot connect now) or 53 (out of connections or resources).
  if (err.code === undefined || !/^[0-9A-Z]{5}$/u.test(err.code) || /^(08|57P|53)/u.test(err.code)) return new ReadUnavailable(err.message, { cause: e });
  return err;
}

/** A read, its failures named for the routes. */
async function read<R extends pg.QueryResultRow>(db: Pick<pg.Pool, 'query'>, text: string, values: unknown[]): Promise<R[]> {
  try {
    return (await db.query<R>(text, values)).rows;
  } catch (e) {
    throw readFailure(e);
  }
}

/**
 * Reads in one read-only transaction whose statements may use bitmap scans only: a search's
 * match is then always found through the GIN index, never by walking the date index (or the
 * table) and reading each row's search vector to test it, which the planner cannot cost (it
 * does not know a vector must be fetched from TOAST and decompressed) and which takes seconds for
 * a match that is neither rare nor common. No JIT (compiling costs more than these statements), and
 * room for a large match's bitmap to stay exact (a lossy one rechecks every row of its pages).
 */
async function inSearchTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await db.connect();
  } catch (e) {
    throw readFailure(e);
  }
  try {
    // One snapshot (REPEATABLE READ): the records read last are those of the matches found first.
    await read(client, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off; SET LOCAL work_mem = '32MB'", []);
    const out = await work(client);
    await read(client, 'COMMIT', []);
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** The published_month of an undated article (migration 0004). */
const UNDATED_MONTH = -1;

/** `span` month numbers counted from `from` (year * 12 + month - 1), backwards for `newest`. */
function monthsFrom(from: number, span: number, sort: Sort): number[] {
  return Array.from({ length: span }, (_, i) => (sort === 'newest' ? from - i : from + i));
}

/** The first instant (ms, UTC) of a month number. */
function monthStartMs(month: number): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1);
}

/** The stored records of `ids` (those that exist, in no particular order), on `db`: the pool, or a search transaction's client to read in its snapshot. */
function recordRows(db: Pick<pg.Pool, 'query'>, ids: readonly string[]): Promise<Array<{ id: string; record: unknown }>> {
  const params = new Params();
  return read<{ id: string; record: unknown }>(db, `SELECT id, record FROM articles WHERE id = ANY(${params.p(ids)}::text[])`, params.values);
}

/** The month number of a time in ms (UTC), as the published_month column holds it. */
function monthOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function toFacetValues(rows: Array<{ value: string; count: string }>, byValue = false): FacetValue[] {
  const out = rows.map((r) => ({ value: r.value, count: Number(r.count) }));
  return out.sort(byValue ? (a, b) => (a.value < b.value ? -1 : 1) : (a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The SQL of one facet over the rows `from` (an aliased FROM clause with `a` the articles) and `where`. */
function facetSql(name: FacetName, from: string, where: string): string {
  const w = where ? `WHERE ${where}` : '';
  switch (name) {
    case 'source':
      return `SELECT a.source_id AS value, count(*)::text AS count FROM ${from} ${w}${w ? ' AND' : 'WHERE'} a.source_id IS NOT NULL GROUP BY 1`;
    case 'category':
      return `SELECT a.category AS value, count(*)::text AS count FROM ${from} ${w}${w ? ' AND' : 'WHERE'} a.category IS NOT NULL GROUP BY 1`;
    case 'month':
      return `SELECT to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM') AS value, count(*)::text AS count FROM ${from} ${w}${w ? ' AND' : 'WHERE'} a.published_at IS NOT NULL GROUP BY 1`;
    case 'language':
      return `SELECT a.language AS value, count(*)::text AS count FROM ${from} ${w} GROUP BY 1`;
    case 'author':
    case 'tag': {
      const column = name === 'author' ? 'authors' : 'tags';
      // grouped case-insensitively, shown in one of its spellings; an article counts once per value
      return `SELECT min(v) AS value, count(DISTINCT a.id)::text AS count FROM ${from} CROSS JOIN LATERAL unnest(a.${column}) v ${w} GROUP BY lower(v)`;
    }
  }
}

/** A story of one article: this backend groups no near-duplicates. */
function storyOfOne(a: Article): StoryView {
  const t = a.publishedAt ? Date.parse(a.publishedAt) : null;
  return { id: a.id, first: a, articles: [a], sources: a.source ? [{ id: a.source.id, name: a.source.name }] : [], fromMs: t, toMs: t };
}

/** A match found in a date order: its id and its score when ranked. */
interface WindowRow {
  id: string;
  score: number | null;
}

/** A page of search results as read: its rows, the total (exact or estimated) and the results before it. */
interface SearchPage {
  rows: Array<{ id: string; score: number | null; record: unknown }>;
  total: number;
  estimated: boolean;
  offset: number;
}

/** One version (the last change number seen) of the articles in PostgreSQL. */
export class PostgresReader implements ArticleReader {
  readonly version: string;
  readonly made: ArticleReader['made'];
  /** The months of the dated articles, read once per version (monthRange). */
  private months: Promise<{ newest: number; oldest: number } | null> | undefined;
  /** Totals of filtered listings, per filter, for this version (deep pages do not count again). */
  private readonly totals = new Map<string, Promise<number>>();

  constructor(
    private readonly db: Db,
    readonly seq: number,
    readonly size: number,
    readonly loadedAt: Date,
    refreshMs: number,
    /** Matches ranked by a relevance search (the newest); tests make it small. */
    private readonly rankWindow = DEFAULT_SEARCH_RANK_WINDOW,
  ) {
    this.version = `change-${seq}`;
    this.made = { loadMs: refreshMs, buildMs: 0, change: null, segments: { segments: 0, documents: size, deleted: 0 } };
  }

  private async records(rows: Array<{ id: string; record: unknown }>): Promise<Article[]> {
    const sharing = new RecordSharing();
    return rows.map((r) => toArticle(r.record, r.id, sharing));
  }

  async get(idOrSlug: string): Promise<Article | undefined> {
    const rows = await read<{ id: string; record: unknown }>(
      this.db,
      // by id, else the first article by id with that slug (as the memory corpus resolves a shared slug)
      `(SELECT id, record FROM articles WHERE id = $1) UNION ALL (SELECT id, record FROM articles WHERE slug = $1 ORDER BY id LIMIT 1) LIMIT 1`,
      [clean(idOrSlug)],
    );
    return (await this.records(rows))[0];
  }

  async getMany(ids: readonly string[]): Promise<Array<Article | undefined>> {
    const byId = new Map((await this.records(await recordRows(this.db, ids))).map((a) => [a.id, a]));
    return ids.map((id) => byId.get(id));
  }

  /**
   * Articles per source or per category of this version, all counted by one grouped scan when the
   * first listing by that column asks: counting each value apart read its share of the table per
   * value (at 1M articles and 30 categories, ~150 ms for each category's first page against ~210 ms
   * once for all of them).
   */
  private readonly perValue = new Map<'source_id' | 'category', Promise<Map<string, number>>>();

  private countsBy(column: 'source_id' | 'category'): Promise<Map<string, number>> {
    let counts = this.perValue.get(column);
    if (!counts) {
      counts = read<{ value: string; n: string }>(this.db, `SELECT lower(${column}) AS value, count(*)::text AS n FROM articles WHERE ${column} IS NOT NULL GROUP BY 1`, []).then(
        (rows) => new Map(rows.map((r) => [r.value, Number(r.n)])),
      );
      counts.catch(() => this.perValue.delete(column));
      this.perValue.set(column, counts);
    }
    return counts;
  }

  /** Matching articles of a filter (the whole table's count for none), counted once per version. */
  private async total(f: ArticleFilter): Promise<number> {
    const params = new Params();
    const where = filterConditions(f, params);
    if (where.length === 0) return this.size;
    const only = singleValueFilter(f, where.length);
    if (only) {
      // A value the grouped counts lack (none such, or one JavaScript lower-cases unlike PostgreSQL) is counted apart below.
      const n = (await this.countsBy(only.column)).get(clean(only.value).toLowerCase());
      if (n !== undefined) return n;
    }
    const key = JSON.stringify([where, params.values]);
    let total = this.totals.get(key);
    if (!total) {
      total = read<{ n: string }>(this.db, `SELECT count(*)::text AS n FROM articles a WHERE ${where.join(' AND ')}`, params.values).then((r) => Number(r[0]!.n));
      total.catch(() => this.totals.delete(key));
      if (this.totals.size >= 256) this.totals.delete(this.totals.keys().next().value!);
      this.totals.set(key, total);
    }
    return total;
  }

  /** A page of a date order: after a key (keyset: dated rows from the key on, then undated ones), or at an offset. */
  private async page(f: ArticleFilter, sort: Sort, limit: number, offset: number, after: PageKey | undefined): Promise<Article[]> {
    const order = dateOrder(sort);
    // one statement, with its own parameters: the filter's, then what `more` adds
    const select = (more: (params: Params) => { conditions: string[]; tail: string }) => {
      const params = new Params();
      const where = filterConditions(f, params);
      const { conditions, tail } = more(params);
      const all = [...where, ...conditions];
      return read<{ id: string; record: unknown }>(this.db, `SELECT a.id, a.record FROM articles a ${all.length ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${order} ${tail}`, params.values);
    };
    if (after === undefined) return this.records(await select((params) => ({ conditions: [], tail: `LIMIT ${params.p(limit)} OFFSET ${params.p(offset)}` })));
    const rows: Array<{ id: string; record: unknown }> = [];
    if (after.key !== null) {
      const key = after.key;
      const [beyond, bound] = sort === 'newest' ? ['<', '<='] : ['>', '>='];
      rows.push(
        ...(await select((params) => {
          const at = `to_timestamp(${params.p(key / 1000)}::float8)`;
          return { conditions: [`a.published_at ${bound} ${at}`, `(a.published_at ${beyond} ${at} OR a.id > ${params.p(after.id)})`], tail: `LIMIT ${params.p(limit)}` };
        })),
      );
    }
    if (rows.length < limit) {
      rows.push(
        ...(await select((params) => ({
          conditions: ['a.published_at IS NULL', ...(after.key === null ? [`a.id > ${params.p(after.id)}`] : [])],
          tail: `LIMIT ${params.p(limit - rows.length)}`,
        }))),
      );
    }
    return this.records(rows);
  }

  /**
   * `offset` of a cursor page is what the cursor says the pages before it showed (counting the
   * articles before a key would read them all); without one, the articles before the key are counted.
   */
  private async before(f: ArticleFilter, sort: Sort, after: PageKey): Promise<number> {
    if (after.shown !== undefined) return after.shown;
    const params = new Params();
    const where = filterConditions(f, params);
    const rows = await read<{ n: string }>(this.db, `SELECT count(*)::text AS n FROM articles a WHERE ${[...where, `NOT ${afterDateKey(sort, after, params)}`].join(' AND ')}`, params.values);
    return Number(rows[0]!.n);
  }

  async list(o: ListOptions): Promise<{ total: number; offset: number; items: Article[] }> {
    const [total, items, offset] = await Promise.all([
      this.total(o),
      this.page(o, o.sort, o.limit, o.offset, o.after),
      o.after === undefined ? o.offset : this.before(o, o.sort, o.after),
    ]);
    return { total, offset, items };
  }

  /** Every article is a story of its own here, so one per story is the listing itself (and its cursor the article cursor). */
  async listCollapsed(o: ListOptions) {
    const r = await this.list(o);
    return { total: r.total, offset: r.offset, items: r.items.map((article) => ({ article, reprints: 0 })) };
  }

  dateKey(article: Article): PageKey {
    return { key: article.publishedAt ? Date.parse(article.publishedAt) : null, id: article.id };
  }

  async search(q: string, o: SearchOptions): Promise<SearchResult> {
    const { text, authorWords, tagWords } = takeScopes(q);
    const scoped: SearchOptions = { ...o, authorWords: [...(o.authorWords ?? []), ...authorWords], tagWords: [...(o.tagWords ?? []), ...tagWords] };
    if (text.trim() === '' && (authorWords.length > 0 || tagWords.length > 0)) return this.browse(scoped);
    // The same parse (and the same 400s) as the memory backend; the analyzer only shapes the highlights here.
    const query = parseQuery(text, { analyzer: analyzerFor(o.language) });
    const tsquery = toTsquery(query);
    const facetNames = o.facets ?? [];
    if (tsquery === null) return { total: 0, offset: 0, hits: [], facets: Object.fromEntries(facetNames.map((n) => [n, []])), suggestion: null };

    // The match, written into each statement with that statement's parameters. The tsquery is a
    // bound value inside the condition itself (not a joined subquery), so the planner sees which
    // lexemes are asked for: their frequencies choose between the GIN index and a walk down the
    // date index, and give the estimated total.
    const match = (params: Params) => [`a.search_tsv @@ to_tsquery('english', ${params.p(tsquery)})`, ...filterConditions(scoped, params)].join(' AND ');
    const facetParams = new Params();
    const facetWhere = match(facetParams);
    const [page, facets] = await Promise.all([
      o.sort === 'relevance' ? this.ranked(tsquery, match, o) : this.dated(tsquery, match, o, o.sort),
      this.facets(facetNames, 'article_search a', facetWhere, facetParams.values),
    ]);
    const articles = await this.records(page.rows);
    const hits = articles.map((article, i) => {
      const h = highlightRecord(article, query);
      const hit: SearchHit = { article, story: this.storyOf(article), score: page.rows[i]!.score ?? 0, title: h.title, titleMatched: h.titleMatched, snippet: h.snippet };
      if (o.collapse) hit.reprints = 0;
      return hit;
    });
    return { total: page.total, ...(page.estimated ? { totalEstimated: true } : {}), offset: page.offset, hits, facets, suggestion: null };
  }

  /**
   * A relevance page: the ranking window (the `rankWindow` newest matches, by published date) is
   * ranked by ts_rank_cd and paged by (score, id). Ranking every match would read every matching
   * article's search vector, seconds for common words in a large archive; the window bounds that
   * work whatever the archive's size. Each window article is scored in the statement that finds it
   * (its narrow article_search row is read there anyway), and only the page's records are read from
   * articles, by id (in the same snapshot). When the window holds every
   * match, its size is the exact total; else the total is the planner's estimate.
   */
  private async ranked(tsquery: string, match: (params: Params) => string, o: SearchOptions): Promise<SearchPage> {
    // The estimate is planned on another connection while the transaction opens.
    const estimating = this.estimate(match);
    estimating.catch(() => undefined);
    return inSearchTransaction(this.db, async (client) => {
      const estimate = await estimating;
      const window = await this.inDateOrder(client, match, 'newest', this.rankWindow, undefined, estimate, { tsquery, recency: o.recency }, true);
      // Best first, ties by id (code unit order, as the cursor's id is compared below).
      const byScore = window.map((r) => ({ ...r, score: r.score ?? 0 })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const after = o.after;
      const key = after === undefined ? 0 : (after.key ?? Number.MAX_VALUE);
      const rest = after === undefined ? byScore : byScore.filter((r) => r.score < key || (r.score === key && r.id > after.id));
      const chosen = after === undefined ? rest.slice(o.offset, o.offset + o.limit) : rest.slice(0, o.limit);
      const offset = after !== undefined ? (after.shown ?? byScore.length - rest.length) : o.offset;
      const records = await this.pageRecords(client, chosen);
      const rows = chosen.map((r) => ({ id: r.id, score: r.score, record: records.get(r.id) })).filter((r) => r.record !== undefined);
      const complete = window.length < this.rankWindow;
      return { rows, total: complete ? window.length : Math.max(window.length, estimate), estimated: !complete, offset };
    });
  }

  /** The records of the page's matches, read in this transaction (one snapshot: the rows the search saw), by id. */
  private async pageRecords(client: pg.PoolClient, rows: ReadonlyArray<{ id: string }>): Promise<Map<string, unknown>> {
    if (rows.length === 0) return new Map();
    return new Map((await recordRows(client, rows.map((r) => r.id))).map((r) => [r.id, r.record]));
  }

  /** A page of a date-sorted search: found month by month from the cursor, only the page's rows read and ranked (for `score`). */
  private async dated(tsquery: string, match: (params: Params) => string, o: SearchOptions, sort: Sort): Promise<SearchPage> {
    const estimating = this.estimate(match);
    estimating.catch(() => undefined);
    return inSearchTransaction(this.db, async (client) => {
      const estimate = await estimating;
      const skip = o.after !== undefined ? 0 : o.offset;
      const found = (await this.inDateOrder(client, match, sort, skip + o.limit, o.after, estimate, { tsquery })).slice(skip);
      const records = await this.pageRecords(client, found);
      const rows = found.map((r) => ({ id: r.id, score: r.score ?? 0, record: records.get(r.id) })).filter((r) => r.record !== undefined);
      const offset = o.after === undefined ? o.offset : o.after.shown !== undefined ? o.after.shown : await this.matchesBefore(client, match, sort, o.after);
      // The total: counted when the estimate says the match is small (the count stops at the window), else estimated.
      if (estimate >= 4 * this.rankWindow) return { rows, total: estimate, estimated: true, offset };
      const countParams = new Params();
      const counted = Number(
        (await read<{ n: string }>(client, `SELECT count(*)::text AS n FROM (SELECT 1 FROM article_search a WHERE ${match(countParams)} LIMIT ${countParams.p(this.rankWindow)}) m`, countParams.values))[0]!.n,
      );
      return counted < this.rankWindow ? { rows, total: counted, estimated: false, offset } : { rows, total: Math.max(counted, estimate), estimated: true, offset };
    });
  }

  /**
   * The first `k` matches in a date order (after a cursor's key), in that order, each with its id
   * and, given a tsquery, its ts_rank_cd score (with the recency decay): month by month
   * from the newest (or oldest, or the key's) month, each step one scan of the search index by
   * words and a span of months that reads only the rows it finds, and asks only for the matches
   * still missing, so no row is read twice. A step's span is sized to hold what is missing, with a margin, from the
   * matches per month seen so far (at first the planner's estimate, which is often low for two
   * words: so a ranking window's first span covers at most a sixteenth of the archive's months;
   * a date-sorted page of 20 is not capped, its extra step would cost more than the rows it saves); a step that finds
   * nothing quadruples the next span. Undated articles come last in either order.
   */
  private async inDateOrder(
    client: pg.PoolClient,
    match: (params: Params) => string,
    sort: Sort,
    k: number,
    after: PageKey | undefined,
    estimate: number,
    rank: { tsquery: string; recency?: number } | null = null,
    /** Cap the first span (a ranking window: an estimate that runs low would read many times the window). */
    capFirstSpan = false,
  ): Promise<WindowRow[]> {
    // `months`: a span of months (a condition of the search index), or `rest` from a month on
    // (a date bound read from each row found: a long list of months costs the index scan more than
    // the rows it saves), undated articles included; null: every match.
    const select = async (months: number[] | { rest: number } | null, limit: number) => {
      const params = new Params();
      const where = [match(params), ...(after !== undefined ? [afterDateKey(sort, after, params)] : [])];
      if (Array.isArray(months)) where.push(`a.published_month && ${params.p(months)}::int[]`);
      else if (months !== null) {
        const bound = `to_timestamp(${params.p(monthStartMs(sort === 'newest' ? months.rest + 1 : months.rest) / 1000)}::float8)`;
        where.push(`(a.published_at ${sort === 'newest' ? '<' : '>='} ${bound} OR a.published_at IS NULL)`);
      }
      const found = `SELECT a.id, a.published_at${rank ? ', a.search_tsv' : ''} FROM article_search a WHERE ${where.join(' AND ')} ORDER BY ${dateOrder(sort)} LIMIT ${params.p(limit)}`;
      let score = 'NULL::float8';
      if (rank) {
        // Recency: halve the score per `recency` days older than the newest article; undated count as the oldest.
        const decay =
          rank.recency !== undefined
            ? ` * power(0.5, extract(epoch FROM ((SELECT max(published_at) FROM articles) - coalesce(w.published_at, (SELECT min(published_at) FROM articles)))) / 86400.0 / ${params.p(rank.recency)}::float8)`
            : '';
        score = `coalesce(ts_rank_cd(${params.p(RANK_WEIGHTS)}::float4[], w.search_tsv, to_tsquery('english', ${params.p(rank.tsquery)}))::float8${decay}, 0)`;
      }
      // Scored above the LIMIT: only the rows kept are ranked.
      const rows = await read<WindowRow>(client, `SELECT w.id, ${score} AS score FROM (${found}) w ORDER BY ${dateOrder(sort, 'w')}`, params.values);
      return rows;
    };
    const range = await this.monthRange();
    if (range === null) return select(null, k);
    if (after !== undefined && after.key === null) return select([UNDATED_MONTH], k);
    const out: WindowRow[] = [];
    let from = after?.key != null ? monthOf(after.key) : sort === 'newest' ? range.newest : range.oldest;
    let left = sort === 'newest' ? from - range.oldest + 1 : range.newest - from + 1;
    const months = range.newest - range.oldest + 1;
    let perMonth = Math.max(1, estimate) / months;
    let maxSpan = capFirstSpan ? Math.max(1, Math.ceil(months / 16)) : Number.POSITIVE_INFINITY;
    let covered = 0;
    while (out.length < k && left > 0) {
      const missing = k - out.length;
      // enough months for the matches missing, four standard deviations over (a count of matches in a span varies as a Poisson count)
      const span = Math.min(left, maxSpan, Math.max(1, Math.ceil((missing + 4 * Math.sqrt(missing) + 4) / perMonth)));
      // The rest of the order at once: every match when nothing was read before, else a date bound.
      if (span === left) return [...out, ...(await select(covered === 0 && after === undefined ? null : { rest: from }, missing))];
      const rows = await select(monthsFrom(from, span, sort), missing);
      out.push(...rows);
      from = sort === 'newest' ? from - span : from + span;
      left -= span;
      covered += span;
      maxSpan = Number.POSITIVE_INFINITY;
      // what the months read so far held, or a quarter of the last guess when they held nothing
      perMonth = out.length > 0 ? out.length / covered : perMonth / 4;
    }
    if (out.length < k) out.push(...(await select([UNDATED_MONTH], k - out.length)));
    return out;
  }

  /**
   * The first and last month of the archive's dated articles (null: none is dated), read once per
   * version: the published_month the search index holds (article_search's generated column, the one
   * definition of an article's month) of the newest and the oldest dated article, found by the date
   * indexes of articles (article_search has none: a max over it would read the whole table).
   */
  private monthRange(): Promise<{ newest: number; oldest: number } | null> {
    const monthOfEnd = (order: 'DESC' | 'ASC') =>
      `(SELECT s.published_month[1] FROM article_search s WHERE s.id = (SELECT id FROM articles WHERE published_at IS NOT NULL ORDER BY published_at ${order} NULLS LAST, id LIMIT 1))`;
    this.months ??= read<{ newest: number | null; oldest: number | null }>(this.db, `SELECT ${monthOfEnd('DESC')} AS newest, ${monthOfEnd('ASC')} AS oldest`, []).then(
      ([r]) => (r!.newest === null || r!.oldest === null ? null : { newest: r!.newest, oldest: r!.oldest }),
      (e: unknown) => {
        this.months = undefined;
        throw e;
      },
    );
    return this.months;
  }

  /** Matches before a date key (a cursor that does not say how many results the pages before it showed). */
  private async matchesBefore(client: pg.PoolClient, match: (params: Params) => string, sort: Sort, after: PageKey): Promise<number> {
    const params = new Params();
    const rows = await read<{ n: string }>(client, `SELECT count(*)::text AS n FROM article_search a WHERE ${match(params)} AND NOT ${afterDateKey(sort, after, params)}`, params.values);
    return Number(rows[0]!.n);
  }

  /**
   * The planner's estimate of the match (from the lexeme frequencies ANALYZE keeps): the total of a
   * match larger than the ranking window, and how wide a span of months to search first.
   */
  private async estimate(match: (params: Params) => string): Promise<number> {
    const params = new Params();
    const rows = await read<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(this.db, `EXPLAIN (FORMAT JSON) SELECT 1 FROM article_search a WHERE ${match(params)}`, params.values);
    return Math.round(rows[0]!['QUERY PLAN'][0]!.Plan['Plan Rows']);
  }

  private async facets(names: readonly FacetName[], from: string, where: string, values: unknown[]): Promise<SearchResult['facets']> {
    const out: SearchResult['facets'] = {};
    await Promise.all(
      names.map(async (name) => {
        out[name] = toFacetValues(await read<{ value: string; count: string }>(this.db, facetSql(name, from, where), values), name === 'month');
      }),
    );
    return Object.fromEntries(names.map((n) => [n, out[n]!]));
  }

  /** A query of `author:` / `tag:` scopes only: the articles they match, by date, as the memory backend answers it. */
  private async browse(o: SearchOptions): Promise<SearchResult> {
    const sort: Sort = o.sort === 'oldest' ? 'oldest' : 'newest';
    const params = new Params();
    const where = filterConditions(o, params).join(' AND ');
    const [r, facets] = await Promise.all([this.list({ ...o, sort }), this.facets(o.facets ?? [], 'articles a', where, params.values)]);
    const hits = r.items.map((article) => ({ ...unrankedHit(article, this.storyOf(article)), ...(o.collapse ? { reprints: 0 } : {}) }));
    return { total: r.total, offset: r.offset, hits, facets, suggestion: null };
  }

  /**
   * More like this, by SQL: the article's most frequent lexemes (its headline's first) ORed into
   * a tsquery, at most RELATED_CANDIDATES matching articles scored by ts_rank_cd.
   */
  async related(article: Article, limit: number): Promise<Array<{ article: Article; score: number }>> {
    const rows = await read<{ id: string; record: unknown; score: number }>(
      this.db,
      `WITH src AS (SELECT id, search_tsv FROM article_search WHERE id = $1),
            lex AS (SELECT u.lexeme FROM src, unnest(src.search_tsv) u
                     ORDER BY ('A' = ANY(u.weights)) DESC, cardinality(u.positions) DESC, u.lexeme LIMIT $2),
            q AS (SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery AS q FROM lex),
            candidates AS (SELECT a.id, a.search_tsv FROM article_search a, q, src WHERE a.search_tsv @@ q.q AND a.id <> src.id LIMIT $3),
            ranked AS (SELECT c.id, ts_rank_cd($4::float4[], c.search_tsv, q.q)::float8 AS score FROM candidates c, q ORDER BY 2 DESC, c.id LIMIT $5)
       SELECT r.id, r.score, a.record FROM ranked r JOIN articles a ON a.id = r.id ORDER BY r.score DESC, r.id`,
      [article.id, RELATED_LEXEMES, RELATED_CANDIDATES, RANK_WEIGHTS, limit],
    );
    const articles = await this.records(rows);
    return articles.map((a, i) => ({ article: a, score: rows[i]!.score }));
  }

  async sources(): Promise<SourceCount[]> {
    const rows = await read<{ id: string; name: string; count: string }>(
      this.db,
      'SELECT source_id AS id, min(source_name) AS name, count(*)::text AS count FROM articles WHERE source_id IS NOT NULL GROUP BY source_id',
      [],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, count: Number(r.count) })).sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  }

  async categories(): Promise<FacetValue[]> {
    return toFacetValues(await read<{ value: string; count: string }>(this.db, 'SELECT category AS value, count(*)::text AS count FROM articles WHERE category IS NOT NULL GROUP BY 1', []));
  }

  storyOf(article: Article): StoryRef {
    return { id: article.id, size: 1 };
  }

  async story(id: string): Promise<{ story: StoryView } | undefined> {
    const [a] = await this.getMany([id]);
    return a ? { story: storyOfOne(a) } : undefined;
  }

  async listStories(o: { limit: number; offset: number; minSize: number }): Promise<{ total: number; items: StoryView[] }> {
    if (o.minSize > 1) return { total: 0, items: [] };
    const r = await this.list({ sort: 'newest', limit: o.limit, offset: o.offset });
    return { total: r.total, items: r.items.map(storyOfOne) };
  }
}

/** A filter on the source alone or the category alone (its one condition is that value's): the column and the value. */
function singleValueFilter(f: ArticleFilter, conditions: number): { column: 'source_id' | 'category'; value: string } | undefined {
  if (conditions !== 1) return undefined;
  if (f.source !== undefined) return { column: 'source_id', value: f.source };
  if (f.category !== undefined) return { column: 'category', value: f.category };
  return undefined;
}
