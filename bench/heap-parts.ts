/**
 * Retained heap by component (issue 9: heap ≤ 2.5x raw text): the served records, the story
 * index, the rest of a corpus version (search index, columns, orders, its copy of the stories)
 * and what the server's parse cache adds between reloads. Each figure is the heap (V8 heap plus
 * typed-array stores) after full GCs, before and after building that part. A first load and
 * corpus are built and dropped before measuring, so code and first-use caches (the parsers, the
 * language detector: about 30 MB) are not counted against any part (bench/update-bench.ts's
 * in-process figure counts them, which matters on a small corpus).
 *
 *   node --expose-gc --import tsx bench/heap-parts.ts --corpus ../shared/corpora/bbc-news
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Corpus } from '../src/corpus/index.js';
import { syncStories } from '../src/corpus/stories.js';
import { loadArticles, ParseCache } from '../src/loader/index.js';
import { StoryIndex } from '../src/search/near-duplicates.js';
import { fingerprintDataDir, openSnapshot } from '../src/snapshot/files.js';
import { writeCorpusSnapshot } from '../src/snapshot/save.js';
import { requiredArg } from './lib/args.js';
import { fullGc, heapBytes } from './lib/stats.js';

const { values } = parseArgs({ options: { corpus: { type: 'string' } } });
const CORPUS = requiredArg(values.corpus, 'corpus', 'node --expose-gc --import tsx bench/heap-parts.ts --corpus <dir>');
if (!(globalThis as { gc?: unknown }).gc) throw new Error('run with node --expose-gc');

/** After full GCs with a pause between them: freed typed-array stores are released by a later task, not by the GC call itself. */
const measured = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    fullGc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fullGc();
  return heapBytes();
};
{
  const warm = await loadArticles(CORPUS, { syncRead: true });
  const index = new StoryIndex();
  syncStories(index, warm.articles);
  void new Corpus(warm, new Date(), index);
}
const raw = (await fingerprintDataDir(CORPUS)).reduce((sum, [, size]) => sum + size, 0);
const rows: Array<[string, number]> = [];
const h0 = await measured();
const load = await loadArticles(CORPUS, { syncRead: true });
const h1 = await measured();
rows.push(['records (a load without cache)', h1 - h0]);
const stories = new StoryIndex();
syncStories(stories, load.articles);
const h2 = await measured();
rows.push(['story index', h2 - h1]);
const corpus = new Corpus(load, new Date(), stories);
const h3 = await measured();
rows.push(['rest of the corpus version (search index, columns, orders, stories copy)', h3 - h2]);
const cache = new ParseCache();
const cached = await loadArticles(CORPUS, { syncRead: true, cache });
const h4 = await measured();
// The server serves the cache's records; a second set of records is what this load adds besides the cache.
rows.push(['parse cache (beyond its own records, which the server serves)', h4 - h3 - (h1 - h0)]);
// The same folder restored from a snapshot, beside the rest: records, story index, corpus version and parse cache in one figure.
const snapshotDir = mkdtempSync(path.join(tmpdir(), 'heap-parts-'));
const snapshotFile = path.join(snapshotDir, 'heap.snapshot');
await writeCorpusSnapshot(snapshotFile, CORPUS, await fingerprintDataDir(CORPUS), corpus, { parses: cache });
const h5 = await measured();
const { content, verified } = await openSnapshot(snapshotFile);
await verified;
const restored = Corpus.fromSegment({ articles: content.articles, problems: content.problems, stats: content.stats }, content.segment, content.stories, undefined, content.orders);
const restoredCache = content.parses ? ParseCache.fromStored(content.parses, (id) => restored.get(id)) : null;
const h6 = await measured();
rmSync(snapshotDir, { recursive: true, force: true });
const n = load.articles.length;
console.log(`# heap parts: ${CORPUS}, ${n} articles, raw text ${(raw / 1048576).toFixed(1)} MB, ${new Date().toISOString()}, node ${process.version}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('\n| part | MB | bytes per article | x raw text |\n|---|---|---|---|');
for (const [name, bytes] of rows) console.log(`| ${name} | ${(bytes / 1048576).toFixed(1)} | ${(bytes / n).toFixed(0)} | ${(bytes / raw).toFixed(2)} |`);
const served = h3 - h0;
console.log(`| records + story index + corpus (update-bench's figure, without code) | ${(served / 1048576).toFixed(1)} | ${(served / n).toFixed(0)} | ${(served / raw).toFixed(2)} |`);
const built = h3 - h0 + (h4 - h3 - (h1 - h0));
console.log(`| all of the above with the parse cache (a server started from the files) | ${(built / 1048576).toFixed(1)} | ${(built / n).toFixed(0)} | ${(built / raw).toFixed(2)} |`);
console.log(`| the same restored from a snapshot (records, story index, corpus version, parse cache) | ${((h6 - h5) / 1048576).toFixed(1)} | ${((h6 - h5) / n).toFixed(0)} | ${((h6 - h5) / raw).toFixed(2)} |`);
void corpus;
void cached;
void restored;
void restoredCache;
