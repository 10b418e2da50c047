import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toSummary } from '../../articles/schema.js';
import { toArticleFilter, type SearchResult } from '../../corpus/index.js';
import { QuerySyntaxError } from '../../search/index.js';
import { sendJson } from '../caching.js';
import { nextPage } from '../paging.js';
import { PROBLEM_TYPE, sendProblem } from '../problems.js';
import { problemResponses } from '../schemas/common.js';
import { QUERY_LANGUAGE, SearchQuery, SearchResponse } from '../schemas/search.js';
import type { RouteOptions } from './options.js';

export const searchRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge }) => {
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
      const cached = answers.get(corpus.version, request.url);
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
      return sendJson(request, reply, answers.keep(corpus.version, request.url, JSON.stringify(body)), listMaxAge);
    },
  );
};
