/**
 * buildApp: the Fastify instance with its plugins and routes, and nothing about the process.
 * Tests build it and use inject; server.ts makes it listen.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadConfig, type Config } from './config.js';
import type { Corpus, CorpusStore } from './corpus/index.js';
import './http/snapshot.js';
import { docsUiPlugin, openapiText, swaggerPlugin } from './http/docs.js';
import { drainResponsesOnClose } from './http/drain.js';
import { clientErrorHandler, registerProblemHandlers, sendProblem, titleFor } from './http/problems.js';
import { registerRequestLog } from './http/request-log.js';
import { ResponseCache } from './http/response-cache.js';
import { articleRoutes } from './http/routes/articles.js';
import { metaRoutes } from './http/routes/meta.js';
import { readyRoutes } from './http/routes/ready.js';
import { searchRoutes } from './http/routes/search.js';
import { securityPlugin } from './http/security.js';
import { loggerOptions } from './logger.js';

export const API_VERSION = '0.1.0';

export type AppConfig = Pick<
  Config,
  | 'cacheMaxAge'
  | 'logLevel'
  | 'logPretty'
  | 'corsOrigins'
  | 'trustProxy'
  | 'rateLimitMax'
  | 'responseCacheEntries'
  | 'rateLimitWindowSeconds'
  | 'maxUrlLength'
  | 'requestTimeoutMs'
  | 'connectionTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'shedMaxEventLoopDelayMs'
  | 'shedMaxHeapBytes'
>;

export interface BuildAppOptions {
  store: CorpusStore;
  config?: Partial<AppConfig>;
  /** pino options, or false for no logs (tests). */
  logger?: FastifyServerOptions['logger'];
  /** A ready pino logger, shared with the process (server.ts). */
  loggerInstance?: FastifyBaseLogger;
}

export async function buildApp({ store, config = {}, logger, loggerInstance }: BuildAppOptions): Promise<FastifyInstance> {
  // The same defaults as the process (config.ts), so tests see what production serves.
  const cfg: AppConfig = { ...loadConfig([], {}), logPretty: false, ...config };
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: logger ?? loggerOptions(cfg) }),
    // One log line per request, written in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // Behind a proxy, client IPs (rate limiting, logs) come from X-Forwarded-For only when configured.
    // (A hop count is valid at run time; Fastify's types leave it out.)
    trustProxy: cfg.trustProxy as boolean | string[],
    // Slow clients: a whole request (headers included) within requestTimeout, no socket idle
    // longer than connectionTimeout, idle keep-alive connections closed after keepAliveTimeout.
    requestTimeout: cfg.requestTimeoutMs,
    connectionTimeout: cfg.connectionTimeoutMs,
    keepAliveTimeout: cfg.keepAliveTimeoutMs,
    http: { headersTimeout: cfg.requestTimeoutMs, connectionsCheckingInterval: Math.min(cfg.requestTimeoutMs, 30_000) },
    // While draining on shutdown, requests still reach routes (so /ready can say 503 as a problem).
    return503OnClosing: false,
    clientErrorHandler,
    // Errors Fastify raises before routing (bad URL encoding, over-long params) are problems too.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode ?? 400;
      void sendProblem(reply, { type: 'about:blank', title: titleFor(status), status, detail: error.message, instance: request.url });
    },
  }).withTypeProvider<ZodTypeProvider>() as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  // Handlers send prepared JSON strings; anything else is plain JSON. Response schemas describe
  // the API (OpenAPI, types) and the tests check every answer against them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  registerRequestLog(app);

  const routePatterns: Array<{ re: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return;
    const re = new RegExp(`^${route.url.replace(/:[^/]+/gu, '[^/]+')}/?$`, 'u');
    let entry = routePatterns.find((p) => p.re.source === re.source);
    if (!entry) routePatterns.push((entry = { re, methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m);
  });
  // CORS answers OPTIONS on every route, so Allow names it too.
  const allowedMethods = (url: string): string[] | null => {
    const path = url.split('?')[0]!;
    const hit = routePatterns.find((p) => p.re.test(path));
    return hit ? [...new Set([...hit.methods, 'OPTIONS'])].sort() : null;
  };

  // OPTIONS on a path that is no route is a 404 (CORS would otherwise answer every path).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS') {
      const allowed = allowedMethods(request.url);
      if (!allowed) {
        reply.callNotFound();
        return;
      }
      reply.header('allow', allowed.join(', '));
    }
    done();
  });

  await app.register(securityPlugin, cfg);
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.length <= cfg.maxUrlLength) return done();
    sendProblem(reply, {
      type: 'about:blank',
      title: titleFor(414),
      status: 414,
      detail: `The request URL is ${request.url.length} bytes; the limit is ${cfg.maxUrlLength}.`,
      instance: request.url.slice(0, 200),
    });
  });
  registerProblemHandlers(app, allowedMethods, cfg.rateLimitMax > 0 ? { preHandler: app.rateLimit() } : {});

  drainResponsesOnClose(app);
  // Shutting down: /ready says 503 so load balancers stop sending traffic while requests drain.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    app.log.info('draining: /ready answers 503 until in-flight requests finish');
  });

  // One snapshot per request: pinned right before the handler (no await between the two) and
  // named in a header, so a reload swapping the corpus never mixes two versions in one answer.
  app.decorateRequest('corpus', null as unknown as Corpus);
  app.addHook('preHandler', (request, reply, done) => {
    request.corpus = store.current;
    reply.header('x-corpus-version', request.corpus.version);
    done();
  });

  await app.register(swaggerPlugin, { version: API_VERSION });
  // Listing, search, related, sources and categories answers depend only on (corpus version, URL).
  const answers = new ResponseCache(cfg.responseCacheEntries);
  const routeOptions = { store, answers, cacheMaxAge: cfg.cacheMaxAge, listMaxAge: Math.min(cfg.cacheMaxAge, 60) };
  await app.register(articleRoutes, routeOptions);
  await app.register(searchRoutes, routeOptions);
  await app.register(metaRoutes, routeOptions);
  await app.register(readyRoutes, { store, isClosing: () => closing });
  await app.register(docsUiPlugin);

  // The document cannot change once the app is ready: made on the first request, then kept.
  let openapi: string | undefined;
  app.get('/openapi.json', { schema: { hide: true, response: { 200: z.unknown() } } }, async (_request, reply) => {
    openapi ??= openapiText(app);
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(openapi);
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));

  return app;
}
