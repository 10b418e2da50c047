/**
 * One corpus snapshot per request: pinned right before the handler (no await between the two)
 * and named in `X-Corpus-Version`, so a reload swapping the corpus never mixes two versions in
 * one answer.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Corpus, CorpusStore } from '../../corpus/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The corpus snapshot this request answers from. */
    corpus: Corpus;
  }
}

export const corpusPinningPlugin = fp(
  async (app: FastifyInstance, { store }: { store: CorpusStore }) => {
    app.decorateRequest('corpus', null as unknown as Corpus);
    app.addHook('preHandler', (request, reply, done) => {
      request.corpus = store.current;
      reply.header('x-corpus-version', request.corpus.version);
      done();
    });
  },
  { name: 'corpus-pinning' },
);
