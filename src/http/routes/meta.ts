import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendJson } from '../caching.js';
import { CategoryList, Health, SourceList } from '../schemas.js';
import { ALWAYS_ANSWER } from '../security.js';
import type { RouteOptions } from './articles.js';

export const metaRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { store, answers, listMaxAge }) => {
  app.get(
    '/sources',
    { schema: { tags: ['meta'], summary: 'Sources with their article counts', response: { 200: SourceList } } },
    async (request, reply) => {
      const corpus = request.corpus;
      const answer = answers.get(corpus.version, '/sources') ?? answers.keep(corpus.version, '/sources', JSON.stringify({ items: corpus.sources() }));
      return sendJson(request, reply, answer, listMaxAge);
    },
  );

  app.get(
    '/categories',
    { schema: { tags: ['meta'], summary: 'Categories with their article counts', response: { 200: CategoryList } } },
    async (request, reply) => {
      const corpus = request.corpus;
      const answer =
        answers.get(corpus.version, '/categories') ??
        answers.keep(corpus.version, '/categories', JSON.stringify({ items: corpus.categories().map((c) => ({ name: c.value, count: c.count })) }));
      return sendJson(request, reply, answer, listMaxAge);
    },
  );

  app.get(
    '/health',
    { config: ALWAYS_ANSWER, schema: { tags: ['meta'], summary: 'Service and corpus status', response: { 200: Health } } },
    async (request, reply) => {
      // Everything here is kept up to date by the reloader: no work proportional to the corpus or its problems.
      const corpus = request.corpus;
      const { problems, watch } = store;
      reply.header('cache-control', 'no-store');
      return {
        status: problems.total > 0 || store.lastReloadError || watch.state === 'partial' || watch.state === 'lost' ? ('degraded' as const) : ('ok' as const),
        articles: corpus.size,
        problems: problems.total,
        problemsByKind: problems.byKind,
        corpus: { version: corpus.version, loadedAt: corpus.loadedAt.toISOString(), loadMs: corpus.stats.durationMs, buildMs: corpus.buildMs },
        reload: { lastAttemptAt: store.lastReloadAt?.toISOString() ?? null, lastError: store.lastReloadError },
        watch,
        uptimeSeconds: Math.round(process.uptime()),
      };
    },
  );
};
