/** Over-long request URLs (path and query) answer a 414 problem before any route work. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem, titleFor } from '../problems.js';

export const urlLengthPlugin = fp(
  async (app: FastifyInstance, { maxUrlLength }: { maxUrlLength: number }) => {
    app.addHook('onRequest', (request, reply, done) => {
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
