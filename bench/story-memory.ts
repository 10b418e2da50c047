/**
 * Heap a StoryIndex keeps for a corpus, and the time to group it from scratch.
 *
 *   node --expose-gc --import tsx bench/story-memory.ts [../shared/corpora/bbc-news]
 *
 * Retained = heapUsed + arrayBuffers after full GCs, before and after adding every article.
 */
import { paragraphsOf } from '../src/articles/record.js';
import { resolve } from 'node:path';
import { loadArticles } from '../src/loader/index.js';
import { StoryIndex } from '../src/search/near-duplicates.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc --import tsx bench/story-memory.ts');
  process.exit(2);
}
const load = await loadArticles(resolve(process.argv[2] ?? '../shared/corpora/bbc-news'));
const heap = () => {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = heap();
const index = new StoryIndex();
const started = performance.now();
for (const a of load.articles) index.add({ id: a.id, paragraphs: paragraphsOf(a), publishedMs: a.publishedAt ? Date.parse(a.publishedAt) : Number.NaN, revision: a.origin.sha256 });
const ms = performance.now() - started;
const retained = heap() - before;
console.log(`${index.size} articles: story index retains ${(retained / 1048576).toFixed(2)} MiB (${Math.round(retained / index.size)} bytes per article); grouped from scratch in ${Math.round(ms)} ms`);
