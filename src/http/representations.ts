/**
 * JSON prepared once per record: records are immutable, so their JSON and ETag are computed the
 * first time they are asked for and kept (a WeakMap, so a replaced snapshot's entries go with it).
 * Routes send these strings as they are; Fastify does not serialise them again.
 */
import { createHash } from 'node:crypto';
import { toSummary, type Article } from '../articles/schema.js';

export interface Prepared {
  json: string;
  etag: string;
}

const full = new WeakMap<Article, Prepared>();
const summary = new WeakMap<Article, string>();

export function strongEtag(data: string): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
}

export function articleRepresentation(a: Article): Prepared {
  let p = full.get(a);
  if (!p) {
    const json = JSON.stringify(a);
    p = { json, etag: strongEtag(json) };
    full.set(a, p);
  }
  return p;
}

export function summaryJson(a: Article): string {
  let s = summary.get(a);
  if (s === undefined) {
    s = JSON.stringify(toSummary(a));
    summary.set(a, s);
  }
  return s;
}
