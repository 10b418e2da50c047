/**
 * Shutting down: `app.isClosing()` turns true (so /ready says 503 and load balancers stop sending
 * traffic) and responses still being sent are allowed to finish (drain.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { drainResponsesOnClose } from '../drain.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once close() has begun. */
    isClosing(): boolean;
  }
}

export const shutdownPlugin = fp(
  async (app: FastifyInstance) => {
    let closing = false;
    app.decorate('isClosing', () => closing);
    drainResponsesOnClose(app);
    app.addHook('preClose', async () => {
      closing = true;
      app.log.info('draining: /ready answers 503 until in-flight requests finish');
    });
    // Answers sent while draining end their connection and say so: a keep-alive client would
    // otherwise send its next request into a socket about to close, and lose it to a reset.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'shutdown' },
);
