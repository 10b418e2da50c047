import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toSummary } from '../../articles/schema.js';
import { toArticleFilter, type SearchResult } from '../../corpus/index.js';
import { QuerySyntaxError } from '../../search/index.js';
import { sendJson } from '../caching.js';
import { cursorOf, nextPage } from '../paging.js';
import { PROBLEM_TYPE, sendProblem } from '../problems.js';
import { problemResponses } from '../schemas/common.js';
import { QUERY_LANGUAGE, SearchQuery, SearchResponse } from '../schemas/search.js';
import type { RouteOptions } from './options.js';

export const searchRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge, store }) => {
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
      const q = request.query;
      const cursor = cursorOf(q);
      // relevance scores depend on the whole corpus: a relevance cursor continues on the version
      // it was made on while that is kept (date keys hold across versions)
      const corpus = (cursor && q.sort === 'relevance' ? store.version(cursor.version) : undefined) ?? request.corpus;
      const cached = answers.get(corpus.version, request.url);
      if (cached) return sendJson(request, reply, cached, listMaxAge);
      let result: SearchResult;
      try {
        result = corpus.search(q.q, {
          ...toArticleFilter(q),
          sort: q.sort,
          limit: q.limit,
          offset: q.offset,
          after: cursor?.after,
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
      const shown = cursor ? result.offset : q.offset;
      const last = result.hits.at(-1);
      const nextCursor = last
        ? { sort: q.sort, after: q.sort === 'relevance' ? { key: last.score, id: last.article.id } : corpus.dateKey(last.article), version: corpus.version }
        : null;
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
        offset: shown,
        next: nextPage(request.url, shown + result.hits.length < result.total, nextCursor),
        ...(q.facets.length ? { facets: result.facets } : {}),
      };
      return sendJson(request, reply, answers.keep(corpus.version, request.url, JSON.stringify(body)), listMaxAge);
    },
  );
};
