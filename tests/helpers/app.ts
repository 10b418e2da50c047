import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { z } from 'zod';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { ProblemDetails } from '../../src/http/schemas/index.js';
import { FIXTURES } from './paths.js';

export const CORPUS_DIR = `${FIXTURES}/corpus`;

export async function appFor(dir = CORPUS_DIR, config: Parameters<typeof buildApp>[0]['config'] = {}): Promise<{ app: FastifyInstance; store: CorpusStore }> {
  const store = new CorpusStore(new Corpus(await loadArticles(dir)));
  const app = await buildApp({ store, config, logger: false });
  await app.ready();
  return { app, store };
}

/** Parses a 200 JSON body and checks it against the route's zod response schema. */
export function okJson<S extends z.ZodType>(res: LightMyRequestResponse, schema: S): z.infer<S> {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const parsed = schema.safeParse(JSON.parse(res.body));
  if (!parsed.success) throw new Error(`response does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}

/** Checks an RFC 9457 problem response and returns it. */
export function problem(res: LightMyRequestResponse, status: number): ProblemDetails {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = ProblemDetails.parse(JSON.parse(res.body));
  expect(body.status).toBe(status);
  expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/);
  return body;
}
