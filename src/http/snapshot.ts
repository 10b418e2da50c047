import type { Corpus } from '../corpus/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The corpus snapshot this request answers from (pinned in a preHandler hook in app.ts). */
    corpus: Corpus;
  }
}
