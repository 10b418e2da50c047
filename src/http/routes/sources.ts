import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendJson } from '../caching.js';
import { problemResponses } from '../schemas/common.js';
import { SourceList } from '../schemas/sources.js';
import type { RouteOptions } from './options.js';

export const sourceRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge }) => {
  app.get(
    '/sources',
    { schema: { tags: ['meta'], summary: 'Sources with their article counts', response: { 200: SourceList, ...problemResponses(503) } } },
    async (request, reply) => {
      const corpus = request.reader;
      const answer = answers.get(corpus.version, '/sources') ?? answers.keep(corpus.version, '/sources', JSON.stringify({ items: await corpus.sources() }));
      return sendJson(request, reply, answer, listMaxAge);
    },
  );
};
