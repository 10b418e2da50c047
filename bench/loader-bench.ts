/**
 * Loader throughput by format: the same stories as HTML pages (four outlets' chrome,
 * bench/lib/html-pages.ts) and as raw text files, loaded side by side in one process.
 *
 *   tsx bench/loader-bench.ts --corpus ../shared/corpora/bbc-news [--pages 500] [--seed 1] [--rounds 3]
 *
 * The files are written to two temporary folders once (page cache warm after the first round);
 * rounds alternate between the formats and the best round of each is reported, with the ratio.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadArticles } from '../src/loader/index.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { readCorpus } from './lib/corpus.js';
import { htmlPages } from './lib/html-pages.js';

const USAGE = 'tsx bench/loader-bench.ts --corpus <dir> [--pages 500] [--seed 1] [--rounds 3]';
const args = parseCli({ corpus: { type: 'string' }, pages: { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' } }, USAGE);
const corpusDir = requiredArg(args.corpus, 'corpus', USAGE);
const count = intArg(args.pages, 'pages', 500);
const seed = intArg(args.seed, 'seed', 1);
const rounds = Math.max(1, intArg(args.rounds, 'rounds', 3));
const pages = htmlPages((await readCorpus(corpusDir)).docs, count, seed);
const dirs = { txt: mkdtempSync(path.join(os.tmpdir(), 'loader-bench-txt-')), html: mkdtempSync(path.join(os.tmpdir(), 'loader-bench-html-')) };
for (const p of pages) {
  writeFileSync(path.join(dirs.txt, `${p.name}.txt`), p.text);
  writeFileSync(path.join(dirs.html, `${p.name}.html`), p.html);
}
const best = { txt: Infinity, html: Infinity };
const loaded = { txt: 0, html: 0 };
for (let r = 0; r < rounds; r++) {
  for (const format of ['txt', 'html'] as const) {
    const t = performance.now();
    const res = await loadArticles(dirs[format], { syncRead: true });
    best[format] = Math.min(best[format], performance.now() - t);
    loaded[format] = res.articles.length;
  }
}
console.log(`${pages.length} stories, seed ${seed}, best of ${rounds} rounds (first round reads a cold page cache), Node ${process.version}, ${os.cpus().length} CPUs\n`);
console.log('| format | articles | load ms | files/s | ms per file | vs txt |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const f of ['txt', 'html'] as const) {
  console.log(`| ${f} | ${loaded[f]} | ${best[f].toFixed(0)} | ${((pages.length / best[f]) * 1000).toFixed(0)} | ${(best[f] / pages.length).toFixed(2)} | ${(best[f] / best.txt).toFixed(1)}x |`);
}
