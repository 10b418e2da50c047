/**
 * Every error leaves as application/problem+json (RFC 9457). Validation errors say which
 * parameter failed and why; no stack trace ever reaches a client.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ReadTimeout, ReadUnavailable } from '../corpus/article-reader.js';
import type { ProblemDetails } from './schemas/common.js';

export const PROBLEM_TYPE = {
  invalidParameter: 'urn:news-api:problem:invalid-parameter',
  invalidQuery: 'urn:news-api:problem:invalid-query',
  queryTooCostly: 'urn:news-api:problem:query-too-costly',
  searchBusy: 'urn:news-api:problem:search-busy',
  storeBusy: 'urn:news-api:problem:store-busy',
  notFound: 'about:blank',
} as const;

export class HttpProblem extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail);
  }

  get statusCode(): number {
    return this.problem.status;
  }
}

export function sendProblem(reply: FastifyReply, p: ProblemDetails): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(JSON.stringify(p));
}

const WHERE = { querystring: 'query', params: 'path', headers: 'header' } as const;

/**
 * The error handler (validation errors name the parameter; 5xx are logged, never detailed) and
 * the 404/405 handler, which is rate-limited like the routes when `rateLimited` is set. Needs the
 * allowed-methods plugin (and @fastify/rate-limit when rate-limited).
 */
export const problemsPlugin = fp(
  async (app: FastifyInstance, { rateLimited }: { rateLimited: boolean }) => {
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof HttpProblem) return sendProblem(reply, { ...error.problem, instance: request.url });
      if (error instanceof ReadTimeout || error instanceof ReadUnavailable) {
        // The article store is slow or away (SEARCH_BACKEND=postgres): the client may retry; nothing failed here.
        request.log.warn({ err: error }, 'article store read failed');
        reply.header('retry-after', '1');
        return sendProblem(reply, {
          type: PROBLEM_TYPE.storeBusy,
          title: error instanceof ReadTimeout ? 'Article store too slow' : 'Article store unavailable',
          status: 503,
          detail:
            error instanceof ReadTimeout
              ? 'Reading the articles took longer than the statement timeout allows; retry, or narrow the request.'
              : 'The article store cannot be reached just now; retry shortly.',
          instance: request.url,
        });
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const where = WHERE[(error.validationContext ?? 'querystring') as keyof typeof WHERE] ?? 'query';
        const errors = error.validation.map((v) => ({
          in: where,
          parameter: v.instancePath.replace(/^\//u, '').split('/')[0] || '(all)',
          reason: v.message ?? 'invalid value',
        }));
        return sendProblem(reply, {
          type: PROBLEM_TYPE.invalidParameter,
          title: 'Invalid parameter',
          status: 400,
          detail: errors.map((e) => `${e.parameter}: ${e.reason}`).join('; '),
          instance: request.url,
          errors,
        });
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, {
        type: 'about:blank',
        title: status >= 500 ? 'Internal Server Error' : titleFor(status),
        status,
        // Client errors raised by Fastify (bad URL encoding, too long headers...) carry a safe message.
        detail: status >= 500 ? 'The server failed to answer this request; it has been logged.' : error.message,
        instance: request.url,
      });
    });

    app.setNotFoundHandler(rateLimited ? { preHandler: app.rateLimit() } : {}, (request, reply) => {
      const allowed = app.allowedMethods(request.url);
      if (allowed && !allowed.includes(request.method)) {
        reply.header('allow', allowed.join(', '));
        return sendProblem(reply, {
          type: 'about:blank',
          title: 'Method Not Allowed',
          status: 405,
          detail: `${request.method} is not supported here; use ${allowed.join(', ')}`,
          instance: request.url,
        });
      }
      return sendProblem(reply, {
        type: PROBLEM_TYPE.notFound,
        title: 'Not Found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
        instance: request.url,
      });
    });
  },
  { name: 'problems', dependencies: ['allowed-methods'] },
);

/** The 404 for an id or slug no loaded article has (lookup and related). */
export function articleNotFound(reply: FastifyReply, idOrSlug: string): FastifyReply {
  return sendProblem(reply, {
    type: PROBLEM_TYPE.notFound,
    title: 'Not Found',
    status: 404,
    detail: `No article with id or slug '${idOrSlug}'`,
    instance: reply.request.url,
  });
}

/** A status code's reason phrase, as Node's HTTP module names it. */
export function titleFor(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/**
 * Errors Node raises before Fastify sees a request (a client too slow to send its request,
 * headers too large, a malformed request line) answered as problems on the raw socket.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request was not received in time.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers (or URL) are too large.']
        : [400, 'The request could not be parsed.'];
  const body = JSON.stringify({ type: 'about:blank', title: titleFor(status), status, detail });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${titleFor(status)}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
