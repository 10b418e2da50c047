/**
 * Conditional GET, Cache-Control and compression: one place decides what each route sends.
 *
 * Every JSON route answers through sendJson with a prepared body and its strong ETag. Bodies of
 * COMPRESS_MIN_BYTES or more are sent brotli- or gzip-encoded when Accept-Encoding allows
 * (brotli preferred); each encoding is its own representation with its own strong ETag (the
 * identity ETag with `-br` or `-gz` inside the quotes), and If-None-Match is compared with the
 * ETag of the representation this request would get. `Vary: Accept-Encoding` is on every answer
 * of these routes, compressed or not, 304s included, so shared caches keep the variants apart.
 */
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Smaller bodies are sent as they are: below about a packet, compression saves nothing worth its CPU. */
export const COMPRESS_MIN_BYTES = 1024;

/**
 * On-the-fly levels for per-request bodies (listings, search): brotli quality 4 and gzip level 6
 * compress a 10 KB listing in well under a millisecond (bench/http/representation-bench.ts).
 * Articles are compressed once each, harder (see representations.ts).
 */
export const LIVE_BROTLI_QUALITY = 4;
export const LIVE_GZIP_LEVEL = 6;

export type Encoding = 'br' | 'gzip' | 'identity';

/** The encoding to send for an Accept-Encoding header: br, else gzip, else identity; `q=0` refuses, `*` stands for any. */
export function negotiateEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  let br = -1;
  let gzip = -1;
  let star = -1;
  for (const part of header.split(',')) {
    const semi = part.indexOf(';');
    const name = (semi < 0 ? part : part.slice(0, semi)).trim().toLowerCase();
    let q = 1;
    if (semi >= 0) {
      const m = /q\s*=\s*([0-9.]+)/iu.exec(part.slice(semi + 1));
      if (m) q = Number(m[1]);
      if (!Number.isFinite(q)) q = 0;
    }
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gzip = q;
    else if (name === '*') star = q;
  }
  if (br < 0) br = star;
  if (gzip < 0) gzip = star;
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}

/** The ETag of an encoded representation: the identity ETag with a suffix inside the quotes. */
function encodedEtag(etag: string, encoding: Encoding): string {
  if (encoding === 'identity') return etag;
  return `${etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"`;
}

export function compress(body: string | Buffer, encoding: 'br' | 'gzip', brotliQuality = LIVE_BROTLI_QUALITY, gzipLevel = LIVE_GZIP_LEVEL): Buffer {
  const input = typeof body === 'string' ? Buffer.from(body) : body;
  return encoding === 'br'
    ? brotliCompressSync(input, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: brotliQuality, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: input.length },
      })
    : gzipSync(input, { level: gzipLevel });
}

/** True when the client's If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET). */
function etagMatches(request: FastifyRequest, etag: string): boolean {
  const inm = request.headers['if-none-match'];
  if (!inm) return false;
  if (inm === etag) return true;
  if (inm.trim() === '*') return true;
  return inm.split(',').some((t) => {
    const s = t.trim();
    return (s.startsWith('W/') ? s.slice(2) : s) === etag;
  });
}

/** A prepared JSON body and its encoded forms (representations.ts makes and keeps them). */
export interface Representation {
  body: Buffer;
  etag: string;
  /** Byte length of body (compression decisions). */
  bytes: number;
  encoded(encoding: 'br' | 'gzip'): Buffer;
}

/**
 * Sends a prepared JSON body: 304 when If-None-Match names the negotiated representation,
 * else the body, compressed when large enough and accepted.
 */
export function sendJson(request: FastifyRequest, reply: FastifyReply, rep: Representation, maxAge: number): FastifyReply {
  return sendPrepared(request, reply, rep, maxAge, { type: 'application/json; charset=utf-8' });
}

/**
 * Sends a prepared body of any media type (feeds), as sendJson does. With `lastModified`, the
 * answer says Last-Modified, and a request with If-Modified-Since but no If-None-Match (which
 * wins when both are sent, RFC 9110) gets 304 when nothing changed since.
 */
export function sendPrepared(request: FastifyRequest, reply: FastifyReply, rep: Representation, maxAge: number, o: { type: string; lastModified?: Date }): FastifyReply {
  const encoding = rep.bytes >= COMPRESS_MIN_BYTES ? negotiateEncoding(request.headers['accept-encoding']) : 'identity';
  const etag = encodedEtag(rep.etag, encoding);
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`);
  if (o.lastModified) reply.header('last-modified', o.lastModified.toUTCString());
  // Keep what other hooks put in Vary (CORS adds Origin when origins are listed).
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
  if (etagMatches(request, etag) || (o.lastModified && notModifiedSince(request, o.lastModified))) return reply.code(304).send();
  reply.type(o.type);
  if (encoding === 'identity') return reply.send(rep.body);
  return reply.header('content-encoding', encoding).send(rep.encoded(encoding));
}

/** If-Modified-Since at or after lastModified (to the second, as HTTP dates go), and no If-None-Match. */
function notModifiedSince(request: FastifyRequest, lastModified: Date): boolean {
  const ims = request.headers['if-modified-since'];
  if (!ims || request.headers['if-none-match']) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}
