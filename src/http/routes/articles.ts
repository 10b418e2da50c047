import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Article } from '../../articles/schema.js';
import { toArticleFilter } from '../../corpus/index.js';
import { sendJson } from '../caching.js';
import { nextPage } from '../paging.js';
import { articleNotFound } from '../problems.js';
import { articleRepresentation, summaryJson } from '../representations.js';
import { ArticleList, ArticleParams, ListQuery } from '../schemas/articles.js';
import { problemResponses } from '../schemas/common.js';
import type { RouteOptions } from './options.js';

export const articleRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, cacheMaxAge, listMaxAge }) => {
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
      // Kept answers are sent as they are: a page built per request cost a 7 KB buffer and the GC time to drop it.
      const kept = answers.get(corpus.version, request.url);
      if (kept) return sendJson(request, reply, kept, listMaxAge);
      const q = request.query;
      const { total, items } = corpus.list({
        ...toArticleFilter(q),
        sort: q.sort,
        limit: q.limit,
        offset: q.offset,
      });
      const next = nextPage(request.url, total, q.limit, q.offset);
      const body = `{"items":[${items.map(summaryJson).join(',')}],"total":${total},"limit":${q.limit},"offset":${q.offset},"next":${JSON.stringify(next)}}`;
      return sendJson(request, reply, answers.keep(corpus.version, request.url, body), listMaxAge);
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
      if (!article) return articleNotFound(reply, request.params.id);
      return sendJson(request, reply, articleRepresentation(article), cacheMaxAge);
    },
  );
};
