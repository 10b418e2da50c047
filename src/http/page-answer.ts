/**
 * A listing or search page, sent as JSON or as a feed (format=rss|atom|jsonfeed), kept in the
 * answer cache. JSON pages depend on (corpus version, URL); feeds also on the protocol and host
 * their absolute links are built from, so those are part of a feed's cache key and ETag.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ArticleReader } from '../corpus/article-reader.js';
import { sendJson, sendPrepared } from './caching.js';
import { FEED_MEDIA_TYPES, requestBase, type FeedFormat } from './feeds.js';
import type { PreparedBody } from './representations.js';

export type AnswerFormat = 'json' | FeedFormat;

/** The answer cache key of this request. */
export function answerKey(request: FastifyRequest, format: AnswerFormat): string {
  return format === 'json' ? request.url : `${requestBase(request)}${request.url}`;
}

export function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: PreparedBody, maxAge: number, format: AnswerFormat, corpus: Pick<ArticleReader, 'loadedAt'>): FastifyReply {
  if (format === 'json') return sendJson(request, reply, answer, maxAge);
  // Nothing a snapshot answers can change after it was loaded: a safe Last-Modified for pollers.
  return sendPrepared(request, reply, answer, maxAge, { type: FEED_MEDIA_TYPES[format], lastModified: corpus.loadedAt });
}
