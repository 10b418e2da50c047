import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../problems.js';
import { problemResponses } from '../schemas/common.js';
import { Ready } from '../schemas/health.js';
import { ALWAYS_ANSWER } from '../security.js';
import type { RouteOptions } from './options.js';

/**
 * Readiness, apart from /health (liveness and corpus details): 200 once a corpus is loaded and
 * the server is not shutting down, else 503, so a load balancer sends traffic only here.
 */
export const readyRoutes: FastifyPluginAsyncZod<Pick<RouteOptions, 'store'>> = async (app, { store }) => {
  app.get(
    '/ready',
    {
      config: ALWAYS_ANSWER,
      schema: {
        tags: ['meta'],
        summary: 'Whether this instance should receive traffic',
        description: '200 when the corpus is loaded and the server is not shutting down; 503 (a problem) otherwise.',
        response: { 200: Ready, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const corpus = store.current;
      if (app.isClosing()) {
        reply.header('retry-after', '5');
        return sendProblem(reply, { type: 'about:blank', title: 'Not Ready', status: 503, detail: 'The server is shutting down.', instance: request.url });
      }
      return { status: 'ready' as const, articles: corpus.size, version: corpus.version };
    },
  );
};
