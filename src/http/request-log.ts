/**
 * The one log line per request the product requires (`reqId`, `method`, `url`, `status`, `ms`).
 * A callback hook, not an async one: no promise per request. The bench's bare Fastify server
 * registers this same hook, so the throughput ratio measures everything else we do.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
      'request',
    );
    done();
  });
}

/** registerRequestLog as a named plugin, for app.ts. */
export const requestLogPlugin = fp(async (app: FastifyInstance) => registerRequestLog(app), { name: 'request-log' });
