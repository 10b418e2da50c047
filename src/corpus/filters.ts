/** Listing and search filters, applied over per-article columns prepared once per snapshot. */

export interface ArticleFilter {
  source?: string | undefined;
  category?: string | undefined;
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
export function toArticleFilter(q: { source?: string | undefined; category?: string | undefined; language?: string | undefined; from?: string | undefined; to?: string | undefined }): ArticleFilter {
  return {
    source: q.source,
    category: q.category,
    language: q.language,
    fromMs: q.from ? boundToMs(q.from, false) : undefined,
    toMs: q.to ? boundToMs(q.to, true) : undefined,
  };
}
