import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toSummary } from '../../articles/schema.js';
import { sendJson } from '../caching.js';
import { articleNotFound } from '../problems.js';
import { ArticleParams } from '../schemas/articles.js';
import { problemResponses } from '../schemas/common.js';
import { RelatedQuery, RelatedResponse } from '../schemas/related.js';
import type { RouteOptions } from './options.js';

export const relatedRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge }) => {
  app.get(
    '/articles/:id/related',
    {
      schema: {
        tags: ['articles'],
        summary: 'Articles like this one',
        description: 'The articles most similar to one article, by its distinctive terms (more like this).',
        params: ArticleParams,
        querystring: RelatedQuery,
        response: { 200: RelatedResponse, ...problemResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const corpus = request.reader;
      const cached = answers.get(corpus.version, request.url);
      if (cached) return sendJson(request, reply, cached, listMaxAge);
      const article = await corpus.get(request.params.id);
      if (!article) return articleNotFound(reply, request.params.id);
      const items = (await corpus.related(article, request.query.limit)).map((r) => ({ ...toSummary(r.article, corpus.storyOf(r.article)), score: Math.round(r.score * 1e4) / 1e4 }));
      return sendJson(request, reply, answers.keep(corpus.version, request.url, JSON.stringify({ id: article.id, items })), listMaxAge);
    },
  );
};
