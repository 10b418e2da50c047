/** Conditional GET and Cache-Control: one place decides what each route sends. */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** True when the client's If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(request: FastifyRequest, etag: string): boolean {
  const inm = request.headers['if-none-match'];
  if (!inm) return false;
  if (inm.trim() === '*') return true;
  const bare = etag.replace(/^W\//u, '');
  return inm.split(',').some((t) => t.trim().replace(/^W\//u, '') === bare);
}

export function sendJson(request: FastifyRequest, reply: FastifyReply, body: string, etag: string, maxAge: number): FastifyReply {
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`);
  if (etagMatches(request, etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(body);
}
