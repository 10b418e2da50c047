import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Health } from '../schemas/health.js';
import { ALWAYS_ANSWER } from '../security.js';
import type { DatabaseProbe, RouteOptions } from './options.js';

export const healthRoutes: FastifyPluginAsyncZod<Pick<RouteOptions, 'store'> & { database?: DatabaseProbe }> = async (app, { store, database }) => {
  app.get(
    '/health',
    { config: ALWAYS_ANSWER, schema: { tags: ['meta'], summary: 'Service and corpus status', response: { 200: Health } } },
    async (request, reply) => {
      // Everything here is kept up to date by the reloader: no work proportional to the corpus or its problems.
      const corpus = request.reader;
      const { problems, watch } = store;
      reply.header('cache-control', 'no-store');
      const { segments: shape, loadMs, buildMs, change } = corpus.made;
      const db = database?.status();
      return {
        status:
          problems.total > 0 || store.lastReloadError || watch.state === 'partial' || watch.state === 'lost' || (db && db.state !== 'connected') ? ('degraded' as const) : ('ok' as const),
        articles: corpus.size,
        problems: problems.total,
        problemsByKind: problems.byKind,
        corpus: { version: corpus.version, loadedAt: corpus.loadedAt.toISOString(), loadMs, buildMs },
        reload: {
          lastAttemptAt: store.lastReloadAt?.toISOString() ?? null,
          lastError: store.lastReloadError,
          lastMs: store.lastReloadMs,
          lastChange: change,
          pendingChanges: store.pendingChanges,
        },
        index: { segments: shape.segments, documents: shape.documents, deletedShare: shape.documents > 0 ? shape.deleted / shape.documents : 0 },
        watch,
        ...(db ? { database: { ...db, lastContactAt: db.lastContactAt?.toISOString() ?? null } } : {}),
        uptimeSeconds: Math.round(process.uptime()),
      };
    },
  );
};
