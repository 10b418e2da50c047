/**
 * Microbench for the choices in src/http/representations.ts and caching.ts:
 *   node --expose-gc --import tsx bench/http/representation-bench.ts [dataDir]
 * 1. per-article JSON + ETag eagerly (all at build) vs lazily (WeakMap, on first request):
 *    build time, retained heap, and the cost of a cached lookup;
 * 2. compression: time per body and size for brotli qualities and gzip levels, for full
 *    articles and for a 20-item listing body.
 */
import path from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { toSummary, type Article } from '../../src/articles/schema.js';
import { Corpus } from '../../src/corpus/index.js';
import { articleRepresentation, strongEtag } from '../../src/http/representations.js';
import { loadArticles } from '../../src/loader/index.js';

const dir = path.resolve(process.argv[2] ?? '../shared/corpora/bbc-news');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};
const corpus = new Corpus(await loadArticles(dir));
const articles = corpus.articles as Article[];
const n = articles.length;
console.log(`${n} articles from ${dir}`);

// 1. eager vs lazy
let h0 = heap();
let t = performance.now();
const eager = articles.map((a) => {
  const json = JSON.stringify(a);
  return { json, etag: strongEtag(json) };
});
const eagerMs = performance.now() - t;
const eagerHeap = heap() - h0;
let jsonBytes = 0;
for (const e of eager) jsonBytes += Buffer.byteLength(e.json);
h0 = heap();
t = performance.now();
for (const a of articles) articleRepresentation(a, corpus.storyOf(a));
const lazyFirstMs = performance.now() - t;
const lazyHeap = heap() - h0;
const rounds = 2_000_000;
let sink = 0;
t = performance.now();
for (let i = 0; i < rounds; i++) sink += eager[i % n]!.etag.length;
const eagerLookupNs = ((performance.now() - t) * 1e6) / rounds;
const stories = articles.map((a) => corpus.storyOf(a));
t = performance.now();
for (let i = 0; i < rounds; i++) sink += articleRepresentation(articles[i % n]!, stories[i % n]!).etag.length;
const lazyLookupNs = ((performance.now() - t) * 1e6) / rounds;
console.log(`JSON of all articles: ${(jsonBytes / 1048576).toFixed(1)} MB (UTF-8)`);
console.log(`eager at build: ${eagerMs.toFixed(0)} ms, retained heap ${(eagerHeap / 1048576).toFixed(1)} MB; cached lookup ${eagerLookupNs.toFixed(1)} ns`);
console.log(`lazy: first requests of every article ${lazyFirstMs.toFixed(0)} ms in total (${((lazyFirstMs * 1000) / n).toFixed(1)} µs each), retained heap ${(lazyHeap / 1048576).toFixed(1)} MB once all are asked for; cached lookup ${lazyLookupNs.toFixed(1)} ns`);

// 2. compression
const sample = eager.filter((_, i) => i % Math.max(1, Math.floor(n / 300)) === 0).map((e) => Buffer.from(e.json));
const listing = Buffer.from(`{"items":[${articles.slice(0, 20).map((a) => JSON.stringify(toSummary(a, corpus.storyOf(a)))).join(',')}]}`);
const brotli = (q: number) => (b: Buffer) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: q, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: b.length } });
const gzip = (level: number) => (b: Buffer) => gzipSync(b, { level });
const codecs: Array<[string, (b: Buffer) => Buffer]> = [
  ['brotli q4', brotli(4)], ['brotli q5', brotli(5)], ['brotli q9', brotli(9)], ['brotli q11', brotli(11)], ['gzip 6', gzip(6)], ['gzip 9', gzip(9)],
];
console.log(`\n| codec | article µs (avg of ${sample.length}) | article size | listing (20 summaries, ${listing.length} B) µs | listing size |`);
console.log('| --- | ---: | ---: | ---: | ---: |');
const raw = sample.reduce((s, b) => s + b.length, 0);
for (const [name, f] of codecs) {
  for (const b of sample.slice(0, 20)) f(b); // warm
  t = performance.now();
  let out = 0;
  for (const b of sample) out += f(b).length;
  const us = ((performance.now() - t) * 1000) / sample.length;
  t = performance.now();
  let lout = 0;
  for (let i = 0; i < 50; i++) lout = f(listing).length;
  const lus = ((performance.now() - t) * 1000) / 50;
  console.log(`| ${name} | ${us.toFixed(0)} | ${((100 * out) / raw).toFixed(1)} % | ${lus.toFixed(0)} | ${((100 * lout) / listing.length).toFixed(1)} % |`);
}
if (sink < 0) console.log(sink);
