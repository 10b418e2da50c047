import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendProblem } from '../problems.js';
import { problemResponses } from '../schemas/common.js';
import { Ready } from '../schemas/health.js';
import { ALWAYS_ANSWER } from '../security.js';
import type { DatabaseProbe, RouteOptions } from './options.js';

/**
 * Readiness, apart from /health (liveness and corpus details): 200 once a corpus is loaded and
 * the server is not shutting down, else 503, so a load balancer sends traffic only here.
 */
export const readyRoutes: FastifyPluginAsyncZod<Pick<RouteOptions, 'readers'> & { database?: DatabaseProbe }> = async (app, { readers, database }) => {
  app.get(
    '/ready',
    {
      config: ALWAYS_ANSWER,
      schema: {
        tags: ['meta'],
        summary: 'Whether this instance should receive traffic',
        description:
          '200 when the corpus is loaded and the server is not shutting down; 503 (a problem) otherwise. With READY_REQUIRES_DATABASE=true, also 503 while a replica cannot reach PostgreSQL.',
        response: { 200: Ready, ...problemResponses(503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const corpus = readers.current;
      if (app.isClosing()) {
        reply.header('retry-after', '5');
        return sendProblem(reply, { type: 'about:blank', title: 'Not Ready', status: 503, detail: 'The server is shutting down.', instance: request.url });
      }
      const db = database?.requiredForReady ? database.status() : null;
      if (db && db.state !== 'connected') {
        reply.header('retry-after', '5');
        return sendProblem(reply, { type: 'about:blank', title: 'Not Ready', status: 503, detail: `The database is unreachable (last change applied: ${db.lastChange}).`, instance: request.url });
      }
      return { status: 'ready' as const, articles: corpus.size, version: corpus.version };
    },
  );
};
