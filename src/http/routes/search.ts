import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ArticleSummary, toSummary } from '../../articles/schema.js';
import { toArticleFilter, type SearchResult } from '../../corpus/index.js';
import { QuerySyntaxError } from '../../search/index.js';
import { sendJson } from '../caching.js';
import { nextPage } from '../paging.js';
import { articleNotFound, PROBLEM_TYPE, sendProblem } from '../problems.js';
import { ArticleParams, FacetValue, Filters, MAX_QUERY_LENGTH, problemResponses } from '../schemas.js';
import type { RouteOptions } from './articles.js';

export const QUERY_LANGUAGE = `
**Query language**

| you write | it finds |
| --- | --- |
| \`oil prices\` | articles with both words (terms are ANDed) |
| \`oil OR gas\` | either word (AND binds tighter than OR) |
| \`oil -gas\`, \`oil NOT gas\` | oil, but not gas |
| \`"state of the union"\` | the words in this order |
| \`(oil OR gas) prices\` | grouping |
| \`title:taliban\`, \`title:"peace process"\` | only in the headline (fields: \`title\`, \`lead\`, and \`body\` for every paragraph, the lead included) |
| \`infla*\` | words starting with infla (the most frequent expansions, bounded) |

Words are matched after case and accent folding and English stemming (\`rates\` finds \`rate\`,
and the form you typed ranks first); common words (\`the\`, \`of\`) are ignored outside phrases;
\`U.S.\`, \`$1m\` and \`£522,000\` are words of their own. A malformed query (unbalanced quotes or
brackets, a lone operator, only negative terms) is a 400 problem whose \`errors[0].position\`
says where.

**Highlights**: \`snippet\` and \`titleHighlight\` are HTML-escaped text in which each match is
wrapped in \`<mark>\`…\`</mark>\`; no other markup ever appears, so a frontend may render them as
HTML. \`titleHighlight\` is null when the headline did not match.
`;

const FacetName = z.enum(['source', 'category', 'month']);

export const SearchQuery = Filters.extend({
  q: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single string') })
    .trim().min(1, 'must not be empty').max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`).meta({
    description: 'The query (see the query language above)',
    example: 'taliban "security forces"',
  }),
  sort: z.enum(['relevance', 'newest', 'oldest']).default('relevance'),
  fuzzy: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1')
    .meta({ description: 'Also match words one typo away (words of 5+ letters); such hits rank below exact ones' }),
  facets: z
    .string()
    .max(64)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return [];
      const names = s.split(',').map((x) => x.trim());
      for (const n of names) {
        if (!FacetName.safeParse(n).success) {
          ctx.addIssue({ code: 'custom', message: `unknown facet '${n}'; use source, category, month` });
          return z.NEVER;
        }
      }
      return [...new Set(names)] as Array<z.infer<typeof FacetName>>;
    })
    .meta({ description: 'Comma-separated: source, category, month. Counts cover the whole result set, not just the page.', example: 'source,category' }),
});

export const SearchHit = ArticleSummary.extend({
  score: z.number().meta({ description: 'Relevance (BM25F); higher is better' }),
  snippet: z.string().meta({ description: 'Best-matching passage, HTML-escaped, matches in <mark>' }),
  titleHighlight: z.string().nullable().meta({ description: 'The headline with matches in <mark>, or null when it did not match' }),
}).meta({ id: 'SearchHit' });

export const SearchResponse = z
  .object({
    query: z.string(),
    items: z.array(SearchHit),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    next: z.string().nullable(),
    facets: z
      .object({ source: z.array(FacetValue).optional(), category: z.array(FacetValue).optional(), month: z.array(FacetValue).optional() })
      .optional()
      .meta({ description: 'Present when facets were asked for; month values are YYYY-MM' }),
  })
  .meta({ id: 'SearchResponse' });

export const RelatedQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });
export const RelatedResponse = z
  .object({ id: z.string(), items: z.array(ArticleSummary.extend({ score: z.number() })) })
  .meta({ id: 'RelatedArticles' });

export const searchRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers: cache, listMaxAge }) => {
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search articles',
        description: `Full-text search over headlines (weighted higher) and paragraphs, ranked by BM25F, with the listing's filters, facets and highlights.\n${QUERY_LANGUAGE}`,
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const corpus = request.corpus;
      const cached = cache.get(corpus.version, request.url);
      if (cached) return sendJson(request, reply, cached, listMaxAge);
      const q = request.query;
      let result: SearchResult;
      try {
        result = corpus.search(q.q, {
          ...toArticleFilter(q),
          sort: q.sort,
          limit: q.limit,
          offset: q.offset,
          fuzzy: q.fuzzy,
          facets: q.facets,
        });
      } catch (e) {
        if (!(e instanceof QuerySyntaxError)) throw e;
        return sendProblem(reply, {
          type: PROBLEM_TYPE.invalidQuery,
          title: 'Invalid query',
          status: 400,
          detail: `q: ${e.message} (at character ${e.position})`,
          instance: request.url,
          errors: [{ in: 'query', parameter: 'q', reason: e.message, position: e.position }],
        });
      }
      const body = {
        query: q.q,
        items: result.hits.map((h) => ({
          ...toSummary(h.article),
          score: Math.round(h.score * 1e4) / 1e4,
          snippet: h.snippet,
          titleHighlight: h.titleMatched ? h.title : null,
        })),
        total: result.total,
        limit: q.limit,
        offset: q.offset,
        next: nextPage(request.url, result.total, q.limit, q.offset),
        ...(q.facets.length ? { facets: result.facets } : {}),
      };
      return sendJson(request, reply, cache.keep(corpus.version, request.url, JSON.stringify(body)), listMaxAge);
    },
  );

  app.get(
    '/articles/:id/related',
    {
      schema: {
        tags: ['articles'],
        summary: 'Articles like this one',
        description: 'The articles most similar to one article, by its distinctive terms (more like this).',
        params: ArticleParams,
        querystring: RelatedQuery,
        response: { 200: RelatedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const corpus = request.corpus;
      const cached = cache.get(corpus.version, request.url);
      if (cached) return sendJson(request, reply, cached, listMaxAge);
      const article = corpus.get(request.params.id);
      if (!article) return articleNotFound(reply, request.params.id);
      const items = corpus.related(article, request.query.limit).map((r) => ({
        ...toSummary(r.article),
        score: Math.round(r.score * 1e4) / 1e4,
      }));
      return sendJson(request, reply, cache.keep(corpus.version, request.url, JSON.stringify({ id: article.id, items })), listMaxAge);
    },
  );
};
