/**
 * What a public API needs in front of its routes: CORS for reads from any (or listed) origins,
 * security headers with a CSP the docs page works under, per-IP rate limiting and load shedding.
 * Each answers with application/problem+json like every other error.
 */
import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { HttpProblem } from './problems.js';
import { sheddingPlugin } from './shedding.js';

export type SecurityConfig = Pick<
  Config,
  'corsOrigins' | 'rateLimitMax' | 'rateLimitWindowSeconds' | 'shedMaxEventLoopDelayMs' | 'shedMaxHeapBytes'
>;

/** Response headers a browser script on another origin may read. */
const EXPOSED_HEADERS = ['ETag', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'];

/**
 * The docs page (swagger-ui) loads its own scripts and stylesheets from /docs/static, sets
 * inline styles and uses data: images, and calls the API from the same origin; nothing else is
 * allowed, and nothing may frame the API or the docs page.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Served over plain HTTP in development and behind TLS-terminating proxies in production.
  upgradeInsecureRequests: null,
};

/**
 * Security headers for JSON answers, after OWASP's REST cheat sheet: nothing may be loaded or
 * framed on the strength of a response, no sniffing, no referrer, HTTPS remembered.
 */
const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-resource-policy': 'cross-origin',
};

/** helmet's headers, run once against a stand-in response. */
function securityHeaders(): Record<string, string> {
  const out: Record<string, string> = {};
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // A public API is meant to be read from other origins (CORS decides which).
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  const res = {
    setHeader: (name: string, value: string) => void (out[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete out[name.toLowerCase()],
  };
  middleware({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
  });
  return out;
}

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes a function trusting the socket's peer and
 * the next hops - 1 addresses of X-Forwarded-For (Express's meaning: the client is the address
 * that many hops in front of this server); Fastify itself treats a number as "trust nobody".
 */
export function trustProxyOption(setting: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  const hops = setting;
  return (_address, hop) => hop < hops;
}

/** Route config for routes that must answer even when the service sheds load or a client is limited (probes). */
export const ALWAYS_ANSWER = { rateLimit: false as const, shed: false as const };

export const securityPlugin = fp(async (app: FastifyInstance, cfg: SecurityConfig) => {
  // The headers never change, so they are computed once and set with one call per request
  // (@fastify/helmet rebuilt them on every request: 17% of a 304's cost in a profile).
  // The docs page (HTML) gets helmet's full set; JSON answers get the few headers that matter
  // for an API, which keeps a 304 small (header bytes were a third of its cost).
  const docs = securityHeaders();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/docs') ? docs : API_SECURITY_HEADERS);
    done();
  });

  await app.register(cors, {
    origin: cfg.corsOrigins,
    methods: ['GET', 'HEAD', 'OPTIONS'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    // A plain OPTIONS (no Origin) is answered like a preflight: 204 with Allow (set in app.ts).
    strictPreflight: false,
  });

  await app.register(sheddingPlugin, { shedMaxEventLoopDelayMs: cfg.shedMaxEventLoopDelayMs, shedMaxHeapBytes: cfg.shedMaxHeapBytes });

  if (cfg.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: cfg.rateLimitMax,
      timeWindow: cfg.rateLimitWindowSeconds * 1000,
      // IETF draft headers: RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, and Retry-After on 429.
      enableDraftSpec: true,
      errorResponseBuilder: (_request, ctx) =>
        new HttpProblem({
          type: 'about:blank',
          title: 'Too Many Requests',
          status: 429,
          detail: `More than ${ctx.max} requests in ${cfg.rateLimitWindowSeconds} seconds from this client; retry in ${ctx.after}.`,
        }),
    });
  }
});
