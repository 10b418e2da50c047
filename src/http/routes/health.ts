import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Health } from '../schemas/health.js';
import { ALWAYS_ANSWER } from '../security.js';
import type { DatabaseProbe, RouteOptions } from './options.js';

export const healthRoutes: FastifyPluginAsyncZod<Pick<RouteOptions, 'store'> & { database?: DatabaseProbe }> = async (app, { store, database }) => {
  app.get(
    '/health',
    { config: ALWAYS_ANSWER, schema: { tags: ['meta'], summary: 'Service and corpus status', response: { 200: Health } } },
    async (request, reply) => {
      const corpus = request.corpus;
      const problemsByKind: Record<string, number> = {};
      for (const p of corpus.problems) problemsByKind[p.kind] = (problemsByKind[p.kind] ?? 0) + 1;
      reply.header('cache-control', 'no-store');
      const db = database?.status();
      return {
        status: corpus.problems.length > 0 || store.lastReloadError || (db && db.state !== 'connected') ? ('degraded' as const) : ('ok' as const),
        articles: corpus.size,
        problems: corpus.problems.length,
        problemsByKind,
        corpus: { version: corpus.version, loadedAt: corpus.loadedAt.toISOString(), loadMs: corpus.stats.durationMs, buildMs: corpus.buildMs },
        reload: { lastAttemptAt: store.lastReloadAt?.toISOString() ?? null, lastError: store.lastReloadError },
        ...(db ? { database: { ...db, lastContactAt: db.lastContactAt?.toISOString() ?? null } } : {}),
        uptimeSeconds: Math.round(process.uptime()),
      };
    },
  );
};
