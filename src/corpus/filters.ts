/** Listing and search filters, applied over per-article columns prepared once per snapshot. */

/**
 * Filter values match case-insensitively. `authors` / `tags`: an article passes when one of its
 * author names (the byline split at commas, semicolons, `&` and `and`) / one of its tags equals
 * one of the values. The `*Words` scopes (from `author:` / `tag:` in a query) pass when one
 * name / tag holds every word of the scope (folded words).
 */
export interface ArticleFilter {
  source?: string | undefined;
  category?: string | undefined;
  authors?: readonly string[] | undefined;
  tags?: readonly string[] | undefined;
  authorWords?: ReadonlyArray<readonly string[]> | undefined;
  tagWords?: ReadonlyArray<readonly string[]> | undefined;
  /** ISO 639-1 code of the article's language. */
  language?: string | undefined;
  /** Inclusive bounds in epoch milliseconds. */
  fromMs?: number | undefined;
  toMs?: number | undefined;
}

export type Sort = 'newest' | 'oldest';

/** Parses a `from`/`to` value (date or date-time) to epoch ms; `to` dates mean the end of that day. */
export function boundToMs(value: string, end: boolean): number {
  if (/^\d{4}-\d{2}-\d{2}$/u.test(value)) return Date.parse(`${value}T00:00:00.000Z`) + (end ? 86_400_000 - 1 : 0);
  return Date.parse(value);
}

/** The listing's filter parameters, as the HTTP layer receives them, to an ArticleFilter. */
export function toArticleFilter(q: {
  source?: string | undefined;
  category?: string | undefined;
  language?: string | undefined;
  author?: readonly string[] | undefined;
  tag?: readonly string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): ArticleFilter {
  return {
    source: q.source,
    category: q.category,
    language: q.language,
    authors: q.author,
    tags: q.tag,
    fromMs: q.from ? boundToMs(q.from, false) : undefined,
    toMs: q.to ? boundToMs(q.to, true) : undefined,
  };
}

/** Author names of a byline: `Jane Doe and John Smith`, `Jane Doe, John Smith` → two names. */
export function authorsOf(byline: string | null): string[] {
  if (!byline) return [];
  return byline
    .split(/\s*(?:[,;&]|\band\b)\s*/iu)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Case- and accent-insensitive key of a filter or facet value. */
export function valueKey(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/gu, ' ');
}

/** Folded words of a name or tag, for `author:` / `tag:` scopes. */
export function wordsOf(value: string): string[] {
  return valueKey(value).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/**
 * `author:` and `tag:` scopes taken out of a query string (outside quotes): `author:smith`,
 * `author:"jane doe"`, `tag:election`. They filter the whole query (ANDed with it, wherever they
 * stand); the rest is the text query, which may be empty.
 */
export function takeScopes(q: string): { text: string; authorWords: string[][]; tagWords: string[][] } {
  const authorWords: string[][] = [];
  const tagWords: string[][] = [];
  const scope = /(author|tag):(?:"([^"]*)"|([^\s()"]+))/iuy;
  let text = '';
  let inQuote = false;
  for (let i = 0; i < q.length; ) {
    const c = q[i]!;
    if (!inQuote && (i === 0 || /[\s(]/u.test(q[i - 1]!))) {
      scope.lastIndex = i;
      const m = scope.exec(q);
      if (m) {
        const words = wordsOf(m[2] ?? m[3] ?? '');
        if (words.length > 0) (m[1]!.toLowerCase() === 'author' ? authorWords : tagWords).push(words);
        text += ' '.repeat(scope.lastIndex - i); // same length: syntax error positions stay true
        i = scope.lastIndex;
        continue;
      }
    }
    if (c === '"') inQuote = !inQuote;
    text += c;
    i++;
  }
  return { text, authorWords, tagWords };
}
