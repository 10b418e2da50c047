/**
 * CPU time of the loader's format parsers alone (no file reads, no parse workers), on the same
 * stories as loader-bench.ts: each as a raw text file and as an HTML page in one of four outlets'
 * chrome (bench/lib/html-pages.ts). CPU time (user + system of this process), best of the passes:
 * steadier than wall time on a shared machine. To compare two trees, run it from each tree's root
 * (the parsers are imported from the working directory's src/), alternately:
 *
 *   (cd TREE && npx tsx /path/to/bench/loader-parse-cpu.ts --corpus ../shared/corpora/bbc-news [--pages 600] [--seed 1] [--passes 4])
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { readCorpus } from './lib/corpus.js';
import { htmlPages } from './lib/html-pages.js';

const USAGE = 'tsx bench/loader-parse-cpu.ts --corpus <dir> [--pages 600] [--seed 1] [--passes 4]';
const args = parseCli({ corpus: { type: 'string' }, pages: { type: 'string' }, seed: { type: 'string' }, passes: { type: 'string' } }, USAGE);
const corpusDir = path.resolve(requiredArg(args.corpus, 'corpus', USAGE));
const count = intArg(args.pages, 'pages', 600);
const seed = intArg(args.seed, 'seed', 1);
const passes = Math.max(1, intArg(args.passes, 'passes', 4));

const tree = process.cwd();
const { parseHtml } = (await import(pathToFileURL(path.join(tree, 'src/loader/formats/html.ts')).href)) as { parseHtml: (bytes: Uint8Array) => unknown };
const { parseArticleText } = (await import(pathToFileURL(path.join(tree, 'src/loader/formats/text.ts')).href)) as { parseArticleText: (text: string) => unknown };

const pages = htmlPages((await readCorpus(corpusDir)).docs, count, seed);
const html = pages.map((p) => Buffer.from(p.html));
const text = pages.map((p) => p.text);

/** CPU milliseconds of one pass of `work`. */
function cpu(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const best = { html: Infinity, txt: Infinity };
for (let i = 0; i < passes; i++) {
  best.html = Math.min(best.html, cpu(() => html.forEach((b) => parseHtml(b))));
  // Text parses in tens of microseconds: ten rounds a pass for a measurable figure.
  best.txt = Math.min(best.txt, cpu(() => { for (let k = 0; k < 10; k++) text.forEach((t) => parseArticleText(t)); }) / 10);
}
console.log(`tree ${tree}, ${pages.length} stories, seed ${seed}, best of ${passes} passes, Node ${process.version}`);
console.log(`| format | CPU ms | µs per file |\n| --- | ---: | ---: |`);
for (const f of ['txt', 'html'] as const) console.log(`| ${f} | ${best[f].toFixed(1)} | ${((best[f] * 1000) / pages.length).toFixed(0)} |`);
