/** What every route shares: limits, filters, paging, facet values and problem documents. */
import { z } from 'zod';

export const MAX_LIMIT = 100;
export const MAX_OFFSET = 100_000;
export const MAX_QUERY_LENGTH = 500;

const DateBound = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/u, 'expected a date (2021-08-09) or date-time (2021-08-09T10:00:00Z)')
  .refine(isRealDate, 'not a real calendar date');

function isRealDate(s: string): boolean {
  const date = s.slice(0, 10);
  return z.iso.date().safeParse(date).success && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
}

export const Filters = z.object({
  source: z.string().min(1).max(100).optional().meta({ description: 'Source id, as listed by /sources', example: 'cgtn' }),
  category: z.string().min(1).max(100).optional().meta({ description: 'Category, as listed by /categories', example: 'business' }),
  from: DateBound.optional().meta({ description: 'Published on or after this date (inclusive)', example: '2021-08-01' }),
  to: DateBound.optional().meta({ description: 'Published on or before this date (inclusive: a date means the end of that day)', example: '2021-08-31' }),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(20).meta({ description: `Page size, 1-${MAX_LIMIT}` }),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0).meta({ description: 'How many results to skip' }),
});

export const Page = z.object({
  total: z.number().int().min(0).meta({ description: 'How many results match, over all pages' }),
  limit: z.number().int(),
  offset: z.number().int(),
  next: z.string().nullable().meta({ description: 'Path and query of the next page, or null on the last page', example: '/articles?limit=20&offset=20' }),
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
  429: 'Too many requests',
  500: 'Server error',
  503: 'Overloaded or not ready',
};

/** The problem+json responses a route documents, by status code. */
export function problemResponses(...codes: number[]) {
  const out: Record<number, { description: string; content: { 'application/problem+json': { schema: typeof ProblemDetails } } }> = {};
  for (const c of codes) out[c] = { description: PROBLEM_DESCRIPTIONS[c] ?? 'Problem', content: { 'application/problem+json': { schema: ProblemDetails } } };
  return out;
}
