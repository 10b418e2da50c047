/**
 * One version of the articles per request: pinned right before the handler (no await between the
 * two) and named in `X-Corpus-Version`, so a reload swapping the corpus never mixes two versions
 * in one answer.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ArticleReader, ReaderStore } from '../../corpus/article-reader.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The version of the articles this request answers from. */
    reader: ArticleReader;
  }
}

export const corpusPinningPlugin = fp(
  async (app: FastifyInstance, { readers }: { readers: ReaderStore }) => {
    app.decorateRequest('reader', null as unknown as ArticleReader);
    app.addHook('preHandler', (request, reply, done) => {
      request.reader = readers.current;
      reply.header('x-corpus-version', request.reader.version);
      done();
    });
  },
  { name: 'corpus-pinning' },
);
