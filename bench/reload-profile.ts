/**
 * Where a reload's time goes, in process: a full load, then reloads of one new file each through
 * the parse cache with its path named (as the watcher names it), and Corpus.update, each timed.
 * Writes a profile-updates/ folder into DIR and removes it at the end: give it a copy
 * (`cp -al corpus /tmp/copy`) of a corpus that must stay untouched. REPS=n sets the reloads (3).
 *   node --expose-gc --import tsx bench/reload-profile.ts --corpus DIR
 */
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Corpus } from '../src/corpus/index.js';
import { loadArticles, ParseCache } from '../src/loader/index.js';

const { values } = parseArgs({ options: { corpus: { type: 'string' } } });
const dir = path.resolve(values.corpus!);
const t = () => performance.now();
const rss = () => `${Math.round(process.memoryUsage().rss / 1048576)} MB`;
const cache = new ParseCache();
let s = t();
const first = await loadArticles(dir, { syncRead: true, cache });
console.log(`full load: ${(t() - s).toFixed(0)} ms, ${first.articles.length} articles, rss ${rss()}`);
s = t();
const corpus = new Corpus(first);
console.log(`corpus build: ${(t() - s).toFixed(0)} ms, rss ${rss()}`);
const folder = path.join(dir, 'profile-updates');
mkdirSync(folder, { recursive: true });
let current = corpus;
for (let rep = 0; rep < Number(process.env.REPS ?? 3); rep++) {
  writeFileSync(path.join(folder, `p${rep}.txt`), `Harbour zzprof${rep} report\n\nThe harbour report was filed on March 3, 2022 by dock officials.\n\nMore follows.\n`);
  s = t();
  const again = await loadArticles(dir, { cache, changedPaths: [{ path: `profile-updates/p${rep}.txt` }] });
  const loadMs = t() - s;
  s = t();
  current = current.update(again);
  console.log(`reload ${rep}: load ${loadMs.toFixed(0)} ms (reused ${again.stats.filesReused}), update ${(t() - s).toFixed(0)} ms, change ${JSON.stringify(current.change)}, rss ${rss()}`);
}
rmSync(folder, { recursive: true, force: true });
