/**
 * How a record holds its paragraphs, and the one way to read them.
 *
 * A record (type `Article`) keeps its first paragraph as `lead` and the paragraphs after it
 * joined by line breaks as `body` ('' for an article of one paragraph): two strings an article
 * instead of one string per paragraph and an array. Each V8 string costs a 16-byte header, up
 * to 7 bytes of padding and an 8-byte array slot; at 100,000 synthetic articles (8.8 paragraphs
 * each) that was about 24 MB of the heap the issue-9 target counts (bench/RESULTS.md, "Heap,
 * session 8"). A paragraph never holds a line break (the loader splits the text into lines and
 * every paragraph is one line), so the join is reversible; the record schema refuses a body
 * that would give an empty paragraph.
 *
 * Every reader (representations, highlighting, feeds, stories, more-like-this, the segment
 * writer) goes through {@link paragraphsOf}, {@link paragraphAt} or {@link paragraphCount}: they
 * also take a document that holds `paragraphs` as a list (search documents made by tests and
 * benchmarks).
 */
import type { Article, ArticleJson } from './schema.js';

/** Joins paragraphs (never holding a line break) in the body. */
export const PARAGRAPH_SEPARATOR = '\n';

/** What the accessors read: a record's lead and body, or a plain list of paragraphs. */
export type HasParagraphs = { readonly lead: string; readonly body: string } | { readonly paragraphs: readonly string[] };

/** Every paragraph in order, the lead first (a new array: split from the body on each call). */
export function paragraphsOf(a: HasParagraphs): readonly string[] {
  if ('paragraphs' in a) return a.paragraphs;
  if (a.body === '') return [a.lead];
  const out = a.body.split(PARAGRAPH_SEPARATOR);
  out.unshift(a.lead);
  return out;
}

/** Paragraph `p` (0 is the lead), or undefined past the last; reads only up to it. */
export function paragraphAt(a: HasParagraphs, p: number): string | undefined {
  if ('paragraphs' in a) return a.paragraphs[p];
  if (p === 0) return a.lead;
  if (p < 0 || a.body === '') return undefined;
  let start = 0;
  for (let k = 1; k < p; k++) {
    const end = a.body.indexOf(PARAGRAPH_SEPARATOR, start);
    if (end < 0) return undefined;
    start = end + 1;
  }
  const end = a.body.indexOf(PARAGRAPH_SEPARATOR, start);
  return a.body.slice(start, end < 0 ? a.body.length : end);
}

/** How many paragraphs. */
export function paragraphCount(a: HasParagraphs): number {
  if ('paragraphs' in a) return a.paragraphs.length;
  if (a.body === '') return 1;
  let n = 2;
  for (let at = a.body.indexOf(PARAGRAPH_SEPARATOR); at >= 0; at = a.body.indexOf(PARAGRAPH_SEPARATOR, at + 1)) n++;
  return n;
}

/** The body for these paragraphs (the lead is `paragraphs[0]`, kept apart). */
export function bodyOf(paragraphs: readonly string[]): string {
  for (const p of paragraphs) if (p.includes(PARAGRAPH_SEPARATOR)) throw new Error('a paragraph holds a line break');
  return paragraphs.slice(1).join(PARAGRAPH_SEPARATOR);
}

/** The text of every paragraph, one a line: what the duplicate check and the search columns hash and store. */
export function textOf(a: HasParagraphs): string {
  if ('paragraphs' in a) return a.paragraphs.join(PARAGRAPH_SEPARATOR);
  return a.body === '' ? a.lead : `${a.lead}${PARAGRAPH_SEPARATOR}${a.body}`;
}

/**
 * The article as served and stored as JSON (the `Article` schema): the record with its
 * paragraphs as a list, in the schema's key order, so a served body's bytes (and its ETag) do
 * not depend on how the record holds its text.
 */
export function toJson(a: Article): ArticleJson {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    source: a.source,
    category: a.category,
    byline: a.byline,
    dateline: a.dateline,
    publishedAt: a.publishedAt,
    modifiedAt: a.modifiedAt,
    dateSource: a.dateSource,
    lead: a.lead,
    paragraphs: paragraphsOf(a) as string[],
    images: a.images,
    cover: a.cover,
    related: a.related,
    attribution: a.attribution,
    credits: a.credits,
    tags: a.tags,
    url: a.url,
    language: a.language,
    wordCount: a.wordCount,
    readingTimeMinutes: a.readingTimeMinutes,
    origin: a.origin,
  };
}

/**
 * The record for an article in the schema's shape (JSON the store wrote, a test's literal), to
 * be validated (loader/finish.ts `validateArticle`): its paragraphs joined as a record holds
 * them. A list that is missing or not one of paragraphs (non-empty strings without line breaks,
 * the first the lead, as the loader makes every record) leaves no body, which validation refuses.
 */
export function fromJson(j: ArticleJson | unknown): Article {
  const { paragraphs, ...rest } = (j ?? {}) as Partial<ArticleJson>;
  return { ...rest, body: bodyOfParagraphs(paragraphs, rest.lead) } as unknown as Article;
}

/**
 * A record's `body` from its JSON's paragraph list and lead (see fromJson): the paragraphs after
 * the lead joined, or undefined when the list is not one of paragraphs.
 */
export function bodyOfParagraphs(paragraphs: unknown, lead: unknown): string | undefined {
  const whole =
    Array.isArray(paragraphs) &&
    paragraphs.length > 0 &&
    paragraphs.every((p) => typeof p === 'string' && p.length > 0 && !p.includes(PARAGRAPH_SEPARATOR)) &&
    lead === paragraphs[0];
  return whole ? (paragraphs as string[]).slice(1).join(PARAGRAPH_SEPARATOR) : undefined;
}
