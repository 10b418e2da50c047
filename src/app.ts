/**
 * buildApp: the Fastify instance with its plugins and routes, and nothing about the process.
 * Tests build it and use inject; server.ts makes it listen. Like fastify/demo's app.ts, this file
 * only registers: each concern is a named plugin under http/ (plugins/ for the app's own).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { loadConfig, type Config } from './config.js';
import { MemoryReaders, type ReaderStore } from './corpus/article-reader.js';
import type { CorpusStore } from './corpus/index.js';
import { docsUiPlugin, swaggerPlugin } from './http/docs.js';
import { allowedMethodsPlugin } from './http/plugins/allowed-methods.js';
import { corpusPinningPlugin } from './http/plugins/corpus-pinning.js';
import { knownParametersPlugin } from './http/plugins/known-parameters.js';
import { rewriteFeedSuffix } from './http/feeds.js';
import { shutdownPlugin } from './http/plugins/shutdown.js';
import { urlLengthPlugin } from './http/plugins/url-length.js';
import { clientErrorHandler, problemsPlugin, sendProblem, titleFor } from './http/problems.js';
import { requestLogPlugin } from './http/request-log.js';
import { ResponseCache } from './http/response-cache.js';
import { articleRoutes } from './http/routes/articles.js';
import type { DatabaseProbe } from './http/routes/options.js';
import { categoryRoutes } from './http/routes/categories.js';
import { healthRoutes } from './http/routes/health.js';
import { openapiRoutes } from './http/routes/openapi.js';
import { readyRoutes } from './http/routes/ready.js';
import { relatedRoutes } from './http/routes/related.js';
import { searchRoutes } from './http/routes/search.js';
import { sourceRoutes } from './http/routes/sources.js';
import { storyRoutes } from './http/routes/stories.js';
import { SearchFairness } from './http/search-fairness.js';
import { securityPlugin, trustProxyOption } from './http/security.js';
import { loggerOptions } from './logger.js';

const API_VERSION = '0.1.0';

export type AppConfig = Pick<
  Config,
  | 'cacheMaxAge'
  | 'searchMaxWords'
  | 'searchMaxPostings'
  | 'searchCostlyMsPerSecond'
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
  /** What the routes read articles from (default: the store's in-memory corpus; SEARCH_BACKEND=postgres: SQL). */
  readers?: ReaderStore;
  config?: Partial<AppConfig>;
  /** pino options, or false for no logs (tests). */
  logger?: FastifyServerOptions['logger'];
  /** A ready pino logger, shared with the process (server.ts). */
  loggerInstance?: FastifyBaseLogger;
  /** Database mode: the replica's connection state for /health and /ready. */
  database?: DatabaseProbe;
}

export async function buildApp({ store, readers = new MemoryReaders(store), config = {}, logger, loggerInstance, database }: BuildAppOptions): Promise<FastifyInstance> {
  // The same defaults as the process (config.ts), so tests see what production serves.
  const cfg: AppConfig = { ...loadConfig([], {}), logPretty: false, ...config };
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: logger ?? loggerOptions(cfg) }),
    // One log line per request, written in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // /articles.rss, /search.atom?q=…: feeds by path suffix, routed as the format parameter.
    rewriteUrl: (req) => rewriteFeedSuffix(req.url ?? '/'),
    // Behind a proxy, client IPs (rate limiting, logs) come from X-Forwarded-For only when configured.
    trustProxy: trustProxyOption(cfg.trustProxy),
    // Slow clients: a whole request (headers included) within requestTimeout, no socket idle
    // longer than connectionTimeout, idle keep-alive connections closed after keepAliveTimeout.
    requestTimeout: cfg.requestTimeoutMs,
    connectionTimeout: cfg.connectionTimeoutMs,
    keepAliveTimeout: cfg.keepAliveTimeoutMs,
    // requireHostHeader off: Node would answer a Host-less HTTP/1.1 request with a bare 400;
    // the url-length plugin answers it as a problem instead.
    http: { headersTimeout: cfg.requestTimeoutMs, connectionsCheckingInterval: Math.min(cfg.requestTimeoutMs, 30_000), requireHostHeader: false },
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

  await app.register(requestLogPlugin);
  await app.register(allowedMethodsPlugin);
  await app.register(securityPlugin, cfg);
  await app.register(urlLengthPlugin, { maxUrlLength: cfg.maxUrlLength });
  await app.register(problemsPlugin, { rateLimited: cfg.rateLimitMax > 0 });
  await app.register(shutdownPlugin);
  await app.register(corpusPinningPlugin, { readers });
  await app.register(knownParametersPlugin);
  await app.register(swaggerPlugin, { version: API_VERSION });

  // Listing, search, related, sources and categories answers depend only on (corpus version, URL).
  const answers = new ResponseCache(cfg.responseCacheEntries);
  const fairness = new SearchFairness(cfg);
  const routeOptions = { store, readers, answers, cacheMaxAge: cfg.cacheMaxAge, listMaxAge: Math.min(cfg.cacheMaxAge, 60), fairness };
  await app.register(articleRoutes, routeOptions);
  await app.register(relatedRoutes, routeOptions);
  await app.register(searchRoutes, routeOptions);
  await app.register(storyRoutes, routeOptions);
  await app.register(sourceRoutes, routeOptions);
  await app.register(categoryRoutes, routeOptions);
  await app.register(healthRoutes, { store, database });
  await app.register(readyRoutes, { readers, database });
  await app.register(openapiRoutes);
  await app.register(docsUiPlugin);

  return app;
}
