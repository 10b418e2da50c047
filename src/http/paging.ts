/**
 * Paging: `next` links and cursors. A cursor is an opaque token for keyset paging: the sort, the
 * sort key and id of the last article shown, and the corpus version that answered. The next
 * page starts just after that key, so articles added or removed meanwhile never shift it (no
 * article shown twice, none that existed throughout skipped), unlike an offset.
 */
import type { PageKey } from '../corpus/index.js';
import { HttpProblem, PROBLEM_TYPE } from './problems.js';

/** What a cursor holds. */
export interface Cursor {
  /**
   * The listing it continues: the sort (`newest`, `oldest` or `relevance`), with `/story` for
   * one article per story (`collapse=story`), whose keys are those of the stories' leads.
   */
  readonly sort: string;
  readonly after: PageKey;
  /** Corpus version of the page that made it (relevance pages continue on it while it is kept). */
  readonly version: string;
  /**
   * Results shown before the next page (its `offset`), as counted when the cursor was made: a
   * backend that cannot count what lies before a key cheaply (PostgreSQL) answers with it.
   */
  readonly shown?: number | undefined;
}

function encodeCursor(cursor: Cursor): string {
  const fields = [cursor.sort, cursor.after.key, cursor.after.id, cursor.version];
  return Buffer.from(JSON.stringify(cursor.shown === undefined ? fields : [...fields, cursor.shown])).toString('base64url');
}

/** The cursor in a token, or null when the token is not one this API made. */
function decodeCursor(token: string): Cursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || (value.length !== 4 && value.length !== 5)) return null;
    const [sort, key, id, version, shown] = value as unknown[];
    if (typeof sort !== 'string' || typeof id !== 'string' || typeof version !== 'string') return null;
    if (!(key === null || (typeof key === 'number' && Number.isFinite(key)))) return null;
    if (!(shown === undefined || (typeof shown === 'number' && Number.isSafeInteger(shown) && shown >= 0))) return null;
    return { sort, after: shown === undefined ? { key, id } : { key, id, shown }, version, shown: shown as number | undefined };
  } catch {
    return null;
  }
}

/**
 * The next page's path and query: the same request with `cursor` set to continue after the
 * last item and `offset` dropped; null on the last page.
 */
export function cursorNextPage(url: string, more: boolean, cursor: Cursor | null): string | null {
  if (!more || cursor === null) return null;
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  params.delete('offset');
  params.set('cursor', encodeCursor(cursor));
  return `${q >= 0 ? url.slice(0, q) : url}?${params.toString()}`;
}

/** The listing a cursor continues: the sort, and `/story` when one article per story is listed. */
export function cursorMode(sort: string, collapse: 'story' | undefined): string {
  return collapse === undefined ? sort : `${sort}/${collapse}`;
}

/** A cursor's listing as its query parameters say it. */
function describeMode(mode: string): string {
  const [sort, collapse] = mode.split('/');
  return collapse === undefined ? `sort=${sort}` : `sort=${sort} with collapse=${collapse}`;
}

/**
 * The key a page starts after, from the `cursor` and `offset` parameters: undefined without a
 * cursor. Throws an {@link HttpProblem} (400, naming the parameter) for a cursor this API did not
 * make, one made for another sort or collapse mode, or a cursor combined with an offset.
 */
export function cursorOf(query: { cursor?: string | undefined; offset: number; sort: string; collapse?: 'story' | undefined }): Cursor | undefined {
  if (query.cursor === undefined) return undefined;
  const cursor = decodeCursor(query.cursor);
  const mode = cursorMode(query.sort, query.collapse);
  const reason =
    cursor === null
      ? 'is not a cursor from a `next` link of this API'
      : cursor.sort !== mode
        ? `was made for ${describeMode(cursor.sort)}, not ${describeMode(mode)}`
        : query.offset > 0
          ? 'cannot be combined with offset (the cursor already says where the page starts)'
          : null;
  if (reason !== null) {
    throw new HttpProblem({
      type: PROBLEM_TYPE.invalidParameter,
      title: 'Invalid parameter',
      status: 400,
      detail: `cursor: ${reason}`,
      errors: [{ in: 'query', parameter: 'cursor', reason }],
    });
  }
  return cursor!;
}

/** Offset `next` links (pages with no cursor, such as one article per story): the offset moved on, or null on the last page. */
export function nextPage(url: string, total: number, limit: number, offset: number): string | null {
  if (offset + limit >= total) return null;
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  params.set('limit', String(limit));
  params.set('offset', String(offset + limit));
  return `${q >= 0 ? url.slice(0, q) : url}?${params.toString()}`;
}
