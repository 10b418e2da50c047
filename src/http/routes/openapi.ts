import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { openapiText } from '../docs.js';

/** The OpenAPI document at /openapi.json (the same text as openapi/openapi.json), and / → /docs. */
export const openapiRoutes: FastifyPluginAsync = async (app) => {
  // The document cannot change once the app is ready: made on the first request, then kept.
  let openapi: string | undefined;
  app.get('/openapi.json', { schema: { hide: true, response: { 200: z.unknown() } } }, async (_request, reply) => {
    openapi ??= openapiText(app);
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(openapi);
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));
};
