/**
 * JSON prepared once per record: records are immutable, so their JSON, ETag and compressed forms
 * are computed the first time they are asked for and kept (a WeakMap, so a replaced snapshot's
 * entries go with it). Routes send these as they are; Fastify does not serialise them again.
 *
 * Lazily, not at corpus build: bench/http/representation-bench.ts measures both. Eager costs
 * start-up time and keeps every article's JSON on the heap from the first second (about the size
 * of the raw text again); lazy costs one stringify+hash on an article's first request and then a
 * WeakMap lookup (about 20 ns against 4 ns for an array read: nothing next to a request's ~20 µs).
 */
import { hash } from 'node:crypto';
import { toJson } from '../articles/record.js';
import { toSummary, type Article, type ArticleView, type StoryRef } from '../articles/schema.js';
import type { SearchResult } from '../corpus/index.js';
import { compress, LIVE_BROTLI_QUALITY, LIVE_GZIP_LEVEL, type Representation } from './caching.js';

/**
 * Articles are compressed once each, on their first compressed request, and cached. Brotli
 * quality 11 is about 3.5 ms for a BBC article (once) and 16 % smaller than quality 5; qualities
 * 6-9 cost nearly as much time as 11 for no gain over 5 (bench/http/representation-bench.ts).
 */
const ARTICLE_BROTLI_QUALITY = 11;
const ARTICLE_GZIP_LEVEL = 9;

/** A JSON body kept for many requests: UTF-8 bytes and each compressed form made once, on first use. */
export class PreparedBody implements Representation {
  /** UTF-8 bytes, encoded once: sending them needs no per-request length scan or encoding. */
  readonly body: Buffer;
  readonly bytes: number;
  private br: Buffer | undefined;
  private gz: Buffer | undefined;
  constructor(
    /** The JSON, or its UTF-8 bytes when they were written as such (search pages). */
    json: string | Buffer,
    readonly etag: string,
    private readonly brotliQuality = LIVE_BROTLI_QUALITY,
    private readonly gzipLevel = LIVE_GZIP_LEVEL,
  ) {
    this.body = typeof json === 'string' ? Buffer.from(json) : json;
    this.bytes = this.body.length;
  }
  encoded(encoding: 'br' | 'gzip'): Buffer {
    if (encoding === 'br') return (this.br ??= compress(this.body, 'br', this.brotliQuality));
    return (this.gz ??= compress(this.body, 'gzip', undefined, this.gzipLevel));
  }
}

/** An article's body, compressed hard since it is compressed once and served many times. */
export class PreparedArticle extends PreparedBody {
  constructor(json: string, etag: string) {
    super(json, etag, ARTICLE_BROTLI_QUALITY, ARTICLE_GZIP_LEVEL);
  }
}

/**
 * Kept per article object and story: the story can change while the article does not (a copy
 * arriving or leaving), so an entry made for another story is made again.
 */
const full = new WeakMap<Article, { story: string; prepared: PreparedArticle }>();
const summary = new WeakMap<Article, { storyId: string; storySize: number; json: string }>();

/** A strong ETag from a content hash: the same bytes give the same ETag in every process. */
export function strongEtag(data: string): string {
  // crypto.hash (Node 20.12+): the same digest as createHash().update().digest(), without a Hash object per call
  return `"${hash('sha256', data, 'base64url').slice(0, 27)}"`;
}

const storyKey = (story: StoryRef) => `${story.id}\0${story.size}`;

export function articleRepresentation(a: Article, story: StoryRef): PreparedArticle {
  const key = storyKey(story);
  let kept = full.get(a);
  if (!kept || kept.story !== key) {
    const view: ArticleView = { ...toJson(a), story };
    const json = JSON.stringify(view);
    kept = { story: key, prepared: new PreparedArticle(json, strongEtag(json)) };
    full.set(a, kept);
  }
  return kept.prepared;
}

/** An article's summary as JSON, made once per article and story. */
export function summaryJson(a: Article, story: StoryRef): string {
  // compared field by field: a search page asks for ten of these, a key string each would be garbage
  let kept = summary.get(a);
  if (!kept || kept.storyId !== story.id || kept.storySize !== story.size) {
    kept = { storyId: story.id, storySize: story.size, json: JSON.stringify(toSummary(a, story)) };
    summary.set(a, kept);
  }
  return kept.json;
}

/** What a JSON search page says besides its hits (the route's `SearchResponse`). */
export interface SearchPageFields {
  query: string;
  total: number;
  totalEstimated: boolean;
  limit: number;
  offset: number;
  next: string | null;
  suggestion: string | null;
  /** Present only when facets were asked for. */
  facets?: SearchResult['facets'];
}

/**
 * A JSON search page, spliced from each hit's kept summary JSON and the per-query fields instead
 * of spreading summaries into new objects and stringifying ~10 KB each request (the route's
 * largest cost after the search itself; bench/RESULTS.md, issue 11). Written piece by piece
 * straight into the bytes that are sent, so no page-sized string is built, flattened (two-byte on
 * most pages: the snippets' ellipses) and encoded again (bench/RESULTS.md, session 7, s14http).
 * The summaries are kept as JSON strings only, not also as bytes: at 100k articles served once,
 * bytes beside them would hold tens of MB more for ~3 µs a page. Byte for byte the UTF-8 of what
 * `JSON.stringify` gives for the same object (`tests/http/search-json.test.ts` compares them on BBC).
 */
export function searchPageBody(page: SearchPageFields, hits: SearchResult['hits']): Buffer {
  const parts: string[] = [];
  let size = 0;
  const text = (s: string): void => {
    parts.push(s);
    size += Buffer.byteLength(s);
  };
  text(`{"query":${JSON.stringify(page.query)},"items":[`);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (i > 0) text(',');
    // the summary is a non-empty object: drop its closing brace and append the hit's own fields
    text(summaryJson(h.article, h.story).slice(0, -1));
    text(`${h.reprints !== undefined ? `,"reprints":${JSON.stringify(h.reprints)}` : ''},"score":${JSON.stringify(Math.round(h.score * 1e4) / 1e4)},"snippet":${jsonString(h.snippet)},"titleHighlight":${h.titleMatched ? jsonString(h.title) : 'null'}}`);
  }
  text(
    `],"total":${JSON.stringify(page.total)},"totalEstimated":${JSON.stringify(page.totalEstimated)},"limit":${JSON.stringify(page.limit)},"offset":${JSON.stringify(page.offset)},"next":${JSON.stringify(page.next)},"suggestion":${JSON.stringify(page.suggestion)}${
      page.facets !== undefined ? `,"facets":${JSON.stringify(page.facets)}` : ''
    }}`,
  );
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) at += body.write(part, at);
  return body;
}

/** A character JSON.stringify writes escaped: quote, backslash, a control character, or a lone surrogate (`u`: a pair is one code point). */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/u;

/**
 * `JSON.stringify(s)` for a string, byte for byte: the string in quotes when it holds nothing
 * JSON escapes (a snippet or a marked title nearly always: they are HTML-escaped, so hold no
 * quote), else `JSON.stringify`'s own. V8's stringifier costs about 1 µs a 200-character
 * two-byte snippet (most are two-byte: the ellipsis), the test about a quarter of that
 * (bench/RESULTS.md, session 11, s18fast).
 */
export function jsonString(s: string): string {
  return JSON_ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`;
}
