import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Article } from '../../articles/schema.js';
import { toArticleFilter, type CorpusStore } from '../../corpus/index.js';
import { liveRepresentation, sendJson } from '../caching.js';
import { nextPage } from '../paging.js';
import { PROBLEM_TYPE, sendProblem } from '../problems.js';
import { articleRepresentation, strongEtag, summaryListBytes } from '../representations.js';
import { ArticleList, ArticleParams, ListQuery, problemResponses } from '../schemas.js';

export interface RouteOptions {
  store: CorpusStore;
  cacheMaxAge: number;
  listMaxAge: number;
}

export const articleRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { store, cacheMaxAge, listMaxAge }) => {
  app.get(
    '/articles',
    {
      schema: {
        tags: ['articles'],
        summary: 'List articles',
        description: 'Newest first by default; articles with no published date come last. Filters combine with AND.',
        querystring: ListQuery,
        response: { 200: ArticleList, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      const corpus = request.corpus;
      const q = request.query;
      const { total, items } = corpus.list({
        ...toArticleFilter(q),
        sort: q.sort,
        limit: q.limit,
        offset: q.offset,
      });
      const next = nextPage(request.url, total, q.limit, q.offset);
      const body = summaryListBytes(items, `,"total":${total},"limit":${q.limit},"offset":${q.offset},"next":${JSON.stringify(next)}}`);
      return sendJson(request, reply, liveRepresentation(body, strongEtag(`${corpus.version}\0${request.url}`)), listMaxAge);
    },
  );

  app.get(
    '/articles/:id',
    {
      schema: {
        tags: ['articles'],
        summary: 'Get one article',
        description: 'By id or by slug. Answers 304 when If-None-Match holds the current ETag.',
        params: ArticleParams,
        response: { 200: Article, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const article = request.corpus.get(request.params.id);
      if (!article) {
        return sendProblem(reply, {
          type: PROBLEM_TYPE.notFound,
          title: 'Not Found',
          status: 404,
          detail: `No article with id or slug '${request.params.id}'`,
          instance: request.url,
        });
      }
      return sendJson(request, reply, articleRepresentation(article), cacheMaxAge);
    },
  );
};
