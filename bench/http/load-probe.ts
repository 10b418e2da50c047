/**
 * Start-up anatomy of one corpus, in a fresh process (run with --expose-gc):
 *   node --expose-gc --import tsx bench/http/load-probe.ts <dataDir>
 * Prints one JSON line: raw text bytes, time to walk+read every file, loadArticles (walk, read,
 * parse, validate), re-validating every record with zod (the validation share of the load),
 * Corpus build (lookup tables, sort orders, search index), and retained heap after full GCs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Corpus } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { walkDataDir } from '../../src/loader/walk.js';
import { formatFor } from '../../src/loader/registry.js';
import { Article } from '../../src/articles/schema.js';

const dir = path.resolve(process.argv[2] ?? 'data');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
};
const before = heap();

let t = performance.now();
const load = await loadArticles(dir);
const loadMs = performance.now() - t;

t = performance.now();
const corpus = new Corpus(load);
const buildMs = performance.now() - t;
const after = heap();

// Shares of the load, measured apart from it (warm page cache).
t = performance.now();
const walked = await walkDataDir(dir, (n) => formatFor(n) !== undefined);
let rawBytes = 0;
for (const f of walked.files) rawBytes += (await fs.readFile(f.abs)).length;
const readMs = performance.now() - t;
t = performance.now();
for (const a of corpus.articles) Article.parse(a);
const validateMs = performance.now() - t;

console.log(
  JSON.stringify({
    dir,
    files: walked.files.length,
    articles: corpus.size,
    rawBytes,
    loadMs: Math.round(loadMs),
    readMs: Math.round(readMs),
    validateMs: Math.round(validateMs),
    buildMs: Math.round(buildMs),
    heapBytes: after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers,
    rssBytes: after.rss,
  }),
);
