/** The HTTP envelope: query strings, list and search responses, problems. Articles live in articles/. */
import { z } from 'zod';
import { ArticleId, ArticleSummary, IsoDateTime } from '../articles/schema.js';

export const MAX_LIMIT = 100;
export const MAX_OFFSET = 100_000;
export const MAX_QUERY_LENGTH = 500;

const DateBound = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/u, 'expected a date (2021-08-09) or date-time (2021-08-09T10:00:00Z)')
  .refine(isRealDate, 'not a real calendar date');

function isRealDate(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
}

export const Filters = z.object({
  source: z.string().min(1).max(100).optional().meta({ description: 'Source id, as listed by /sources', example: 'cgtn' }),
  category: z.string().min(1).max(100).optional().meta({ description: 'Category, as listed by /categories', example: 'business' }),
  from: DateBound.optional().meta({ description: 'Published on or after this date (inclusive)', example: '2021-08-01' }),
  to: DateBound.optional().meta({ description: 'Published on or before this date (inclusive: a date means the end of that day)', example: '2021-08-31' }),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(20).meta({ description: `Page size, 1-${MAX_LIMIT}` }),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0).meta({ description: 'How many results to skip' }),
});

export const ListQuery = Filters.extend({
  sort: z.enum(['newest', 'oldest']).default('newest').meta({ description: 'By published date; undated articles come last' }),
});

export const Page = z.object({
  total: z.number().int().min(0).meta({ description: 'How many results match, over all pages' }),
  limit: z.number().int(),
  offset: z.number().int(),
  next: z.string().nullable().meta({ description: 'Path and query of the next page, or null on the last page', example: '/articles?limit=20&offset=20' }),
});

export const ArticleList = Page.extend({ items: z.array(ArticleSummary) }).meta({ id: 'ArticleList' });

export const ArticleParams = z.object({
  id: z.string().min(1).max(200).meta({ description: 'Article id, or its slug' }),
});

export const CountedSource = z.object({ id: z.string(), name: z.string(), count: z.number().int() }).meta({ id: 'CountedSource' });
export const SourceList = z.object({ items: z.array(CountedSource) }).meta({ id: 'SourceList' });
export const FacetValue = z.object({ value: z.string(), count: z.number().int() }).meta({ id: 'FacetValue' });
export const CategoryList = z
  .object({ items: z.array(z.object({ name: z.string(), count: z.number().int() })) })
  .meta({ id: 'CategoryList' });

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({ description: '"degraded" when some files have problems, the last reload failed or was refused, or watching is partial or lost' }),
    articles: z.number().int(),
    problems: z.number().int().meta({ description: 'Files or entries skipped when the data directory was last read (even when that read was not swapped in)' }),
    problemsByKind: z.record(z.string(), z.number().int()),
    corpus: z.object({
      version: z.string().meta({ description: 'Hash of the loaded content' }),
      loadedAt: IsoDateTime,
      loadMs: z.number().int().meta({ description: 'Time spent reading and parsing files' }),
      buildMs: z.number().int().meta({ description: 'Time spent building indexes' }),
    }),
    reload: z.object({
      lastAttemptAt: IsoDateTime.nullable(),
      lastError: z.string().nullable().meta({ description: 'Why the last reload failed or was refused (the previous corpus is still served)' }),
    }),
    watch: z
      .object({
        state: z.enum(['off', 'watching', 'partial', 'lost']).meta({
          description: 'off: not watching (no --watch); watching: every folder is watched; partial: some folders could not be watched; lost: the data folder is gone or was replaced and is not watched yet (retried every second)',
        }),
        folders: z.number().int().meta({ description: 'Folders being watched' }),
        error: z.string().nullable(),
      })
      .meta({ description: 'Live reload watching (see --watch)' }),
    uptimeSeconds: z.number(),
  })
  .meta({ id: 'Health' });

export const Ready = z
  .object({
    status: z.literal('ready'),
    articles: z.number().int().meta({ description: 'Articles in the corpus being served' }),
    version: z.string().meta({ description: 'Hash of the loaded content' }),
  })
  .meta({ id: 'Ready' });

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

export function problemResponses(...codes: number[]) {
  const out: Record<number, { description: string; content: { 'application/problem+json': { schema: typeof ProblemDetails } } }> = {};
  const describe: Record<number, string> = {
    400: 'Invalid parameter',
    404: 'Not found',
    429: 'Too many requests',
    500: 'Server error',
    503: 'Overloaded or not ready',
  };
  for (const c of codes) out[c] = { description: describe[c] ?? 'Problem', content: { 'application/problem+json': { schema: ProblemDetails } } };
  return out;
}

export { ArticleId };
