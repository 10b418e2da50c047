import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendJson } from '../caching.js';
import { problemResponses } from '../schemas/common.js';
import { CategoryList } from '../schemas/sources.js';
import type { RouteOptions } from './options.js';

export const categoryRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge }) => {
  app.get(
    '/categories',
    { schema: { tags: ['meta'], summary: 'Categories with their article counts', response: { 200: CategoryList, ...problemResponses(503) } } },
    async (request, reply) => {
      const corpus = request.reader;
      const answer =
        answers.get(corpus.version, '/categories') ??
        answers.keep(corpus.version, '/categories', JSON.stringify({ items: (await corpus.categories()).map((c) => ({ name: c.value, count: c.count })) }));
      return sendJson(request, reply, answer, listMaxAge);
    },
  );
};
