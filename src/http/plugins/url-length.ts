/**
 * Before any route work: over-long request URLs (path and query) answer a 414 problem, and an
 * HTTP/1.1 request without Host (which Node would answer with a bare 400; app.ts turns that
 * check off so it arrives here) a 400 problem.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem, titleFor } from '../problems.js';

export const urlLengthPlugin = fp(
  async (app: FastifyInstance, { maxUrlLength }: { maxUrlLength: number }) => {
    app.addHook('onRequest', (request, reply, done) => {
      const raw = request.raw;
      if (raw.httpVersionMajor === 1 && raw.httpVersionMinor >= 1 && !raw.headers.host) {
        reply.header('connection', 'close');
        sendProblem(reply, { type: 'about:blank', title: titleFor(400), status: 400, detail: 'An HTTP/1.1 request must carry a Host header.', instance: request.url.slice(0, 200) });
        return;
      }
      if (request.url.length <= maxUrlLength) return done();
      sendProblem(reply, {
        type: 'about:blank',
        title: titleFor(414),
        status: 414,
        detail: `The request URL is ${request.url.length} bytes; the limit is ${maxUrlLength}.`,
        instance: request.url.slice(0, 200),
      });
    });
  },
  { name: 'url-length' },
);
