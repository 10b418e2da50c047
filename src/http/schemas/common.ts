/** What every route shares: limits, filters, paging, facet values and problem documents. */
import { z } from 'zod';

export const MAX_LIMIT = 100;
/** Deepest offset (as Elasticsearch's result window): beyond it, page with the cursor of `next`. */
export const MAX_OFFSET = 10_000;
export const MAX_QUERY_LENGTH = 500;

const DateBound = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/u, 'expected a date (2021-08-09) or date-time (2021-08-09T10:00:00Z)')
  .refine(isRealDate, 'not a real calendar date');

function isRealDate(s: string): boolean {
  const date = s.slice(0, 10);
  return z.iso.date().safeParse(date).success && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
}

/** A filter that may be given several times (`tag=a&tag=b`): any of the values matches. */
const Repeatable = (description: string, example: string) =>
  z
    .union([z.string().min(1).max(100), z.array(z.string().min(1).max(100)).max(20)])
    .optional()
    .transform((v) => (v === undefined ? undefined : typeof v === 'string' ? [v] : v))
    .meta({ description, example });

/**
 * A query integer written in decimal digits only: `Number()` (z.coerce) also takes `0x10`,
 * `1e1`, `0b11`, ` 5` and the empty string, which no client means as a page size.
 */
export const decimalInt = (min: number, max: number, fallback: number, tooBig?: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,9}$/u.test(v) ? Number(v) : v),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'expected a decimal integer' : undefined) })
      .int()
      .min(min)
      .max(max, tooBig)
      .default(fallback),
  );

export const Filters = z.object({
  source: z.string().min(1).max(100).optional().meta({ description: 'Source id, as listed by /sources (case-insensitive)', example: 'cgtn' }),
  category: z.string().min(1).max(100).optional().meta({ description: 'Category, as listed by /categories (case-insensitive)', example: 'business' }),
  author: Repeatable('An author name as in the byline (case-insensitive; a byline of several names matches each). Repeat for any of several.', 'Jane Doe'),
  tag: Repeatable('A tag (case-insensitive). Repeat for any of several.', 'elections'),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/u, 'expected an ISO 639-1 language code such as en or fr')
    .optional()
    .meta({ description: "The article's language (ISO 639-1); on /search the query is also analysed in it (stemming, stop words), else in English", example: 'en' }),
  from: DateBound.optional().meta({ description: 'Published on or after this date (inclusive)', example: '2021-08-01' }),
  to: DateBound.optional().meta({ description: 'Published on or before this date (inclusive: a date means the end of that day)', example: '2021-08-31' }),
  limit: decimalInt(1, MAX_LIMIT, 20).meta({ description: `Page size, 1-${MAX_LIMIT}` }),
  offset: decimalInt(0, MAX_OFFSET, 0, `must be at most ${MAX_OFFSET}; to page further, follow \`next\` (it carries a cursor)`).meta({ description: `How many results to skip (at most ${MAX_OFFSET}; page further with \`cursor\`, as \`next\` does)` }),
  cursor: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .meta({ description: 'Continue after the last result of a page: the opaque value in that page\'s `next` link. Pages stay in step while articles are added or removed.' }),
});

/** Most ids one /articles?ids= request may ask for. */
export const MAX_IDS = 100;

/** `collapse=story`: one result per story (which one: each route says). */
export const Collapse = z
  .enum(['story'])
  .optional()
  .meta({ description: 'story: one article per story (near-duplicate copies of one report), with the story\'s other matching articles counted in `reprints`; `total` and paging then count stories' });

/** The answer's format: JSON, or a feed of the same page (also by path suffix: /articles.rss, .atom, .jsonfeed). */
export const FeedFormat = z
  .enum(['json', 'rss', 'atom', 'jsonfeed'])
  .default('json')
  .meta({
    description:
      'json (the default), or the same page as a feed: rss (RSS 2.0, application/rss+xml), atom (Atom 1.0, application/atom+xml), jsonfeed (JSON Feed 1.1, application/feed+json). The path suffixes .rss, .atom and .jsonfeed (for example /search.rss?q=oil) mean the same.',
  });

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), as format=jsonfeed writes it. */
export const JsonFeed = z
  .object({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    description: z.string(),
    home_page_url: z.string().meta({ description: 'The same page as JSON' }),
    feed_url: z.string(),
    next_url: z.string().optional(),
    items: z.array(
      z.object({
        id: z.string().meta({ description: "The article's absolute API address" }),
        url: z.string().meta({ description: "The article's own web address when known, else its API address" }),
        title: z.string(),
        content_text: z.string().meta({ description: 'The lead' }),
        summary: z.string(),
        image: z.string().optional().meta({ description: 'The cover image address' }),
        date_published: z.string().optional(),
        authors: z.array(z.object({ name: z.string() })).optional(),
        tags: z.array(z.string()).optional(),
        _news_api: z.object({}).passthrough().meta({ description: 'Extension: source, story, reprints (collapsed pages) and cover (caption, credit, url)' }),
      }),
    ),
  })
  .meta({ id: 'JsonFeed' });

const XmlFeed = z.string().meta({ description: 'The page as an XML feed' });

/** A 200 of a page that is JSON by default and a feed with format= (each media type documented). */
export function pageResponse(json: z.ZodType) {
  return {
    description: 'The page: JSON, or with format= (or a path suffix) the same items as a feed',
    content: {
      'application/json': { schema: json },
      'application/rss+xml': { schema: XmlFeed.meta({ description: 'RSS 2.0 (format=rss, or the .rss suffix)' }) },
      'application/atom+xml': { schema: XmlFeed.meta({ description: 'Atom 1.0 (format=atom, or the .atom suffix)' }) },
      'application/feed+json': { schema: JsonFeed },
    },
  };
}

/** How many articles a story has among the results besides the one shown (collapse=story). */
export const Reprints = z.number().int().min(0).optional().meta({ description: "With collapse=story: the story's other articles in the same result set" });

export const Page = z.object({
  total: z.number().int().min(0).meta({ description: 'How many results match, over all pages' }),
  limit: z.number().int(),
  offset: z.number().int().meta({ description: 'Results ranked before this page' }),
  next: z
    .string()
    .nullable()
    .meta({ description: 'Path and query of the next page (with a `cursor`), or null on the last page', example: '/articles?limit=20&cursor=WyJuZXdlc3QiLDE2Mjg0NjQ0MDAwMDAsImNndG4tMjAyMSIsImFiYyJd' }),
});

export const FacetValue = z.object({ value: z.string(), count: z.number().int() }).meta({ id: 'FacetValue' });

export const ProblemDetails = z
  .object({
    type: z.string().meta({ description: 'A URI reference naming the problem type' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          in: z.enum(['query', 'path', 'header']),
          parameter: z.string(),
          reason: z.string(),
          position: z.number().int().optional().meta({ description: 'For query syntax errors: 0-based character offset in q' }),
        }),
      )
      .optional()
      .meta({ description: 'For 400s: which parameter failed and why' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });

export type ProblemDetails = z.infer<typeof ProblemDetails>;

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameter',
  404: 'Not found',
  422: 'Query too costly: narrow it (fewer or longer prefixes, fewer OR terms, no fuzzy)',
  429: 'Too many requests',
  500: 'Server error',
  503: 'Overloaded or not ready, or (SEARCH_BACKEND=postgres) the article store too slow or unreachable: retry after Retry-After',
};

/** The problem+json responses a route documents, by status code. */
export function problemResponses(...codes: number[]) {
  const out: Record<number, { description: string; content: { 'application/problem+json': { schema: typeof ProblemDetails } } }> = {};
  for (const c of codes) out[c] = { description: PROBLEM_DESCRIPTIONS[c] ?? 'Problem', content: { 'application/problem+json': { schema: ProblemDetails } } };
  return out;
}
