/**
 * Which server-side DOM for Readability: linkedom, jsdom or happy-dom, on the same generated
 * pages (corpus stories in four outlets' chrome, bench/lib/html-pages.ts).
 *
 *   tsx bench/html-dom-bench.ts --corpus ../shared/corpora/bbc-news [--pages 300] [--seed 1] [--rounds 3]
 *
 * Each DOM runs in its own child process (so one's heap does not weigh on the next): per round,
 * every page is parsed, read by the loader's own readPage (metadata, related blocks, chrome,
 * Readability, blocks), and dropped. Reported: best round's time per page, peak RSS, heap used
 * after the last round with the last document still held, and how many pages gave the same
 * paragraphs as linkedom (the extraction's agreement). Progress to stderr, markdown to stdout.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPage, type DomDocument } from '../src/loader/formats/html.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { readCorpus } from './lib/corpus.js';
import { htmlPages } from './lib/html-pages.js';

const DOMS = ['linkedom', 'jsdom', 'happy-dom'] as const;
type Dom = (typeof DOMS)[number];

async function parserFor(dom: Dom): Promise<{ parse: (html: string) => DomDocument; close: () => void }> {
  if (dom === 'linkedom') {
    const { parseHTML } = await import('linkedom');
    return { parse: (html) => parseHTML(html).document as unknown as DomDocument, close: () => undefined };
  }
  if (dom === 'jsdom') {
    const { JSDOM } = await import('jsdom');
    const windows: Array<{ close(): void }> = [];
    return {
      parse: (html) => {
        const w = new JSDOM(html).window;
        windows.push(w);
        return w.document as unknown as DomDocument;
      },
      close: () => windows.splice(0).forEach((w) => w.close()),
    };
  }
  const { Window } = await import('happy-dom');
  const windows: Array<{ happyDOM: { close(): Promise<void> } }> = [];
  return {
    parse: (html) => {
      const w = new Window({ settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true, disableIframePageLoading: true, navigation: { disableMainFrameNavigation: true } } });
      windows.push(w as never);
      return new w.DOMParser().parseFromString(html, 'text/html') as unknown as DomDocument;
    },
    close: () => windows.splice(0).forEach((w) => void w.happyDOM.close()),
  };
}

if (process.env.HTML_DOM_CHILD) {
  const [dom, file, roundsArg] = process.argv.slice(2) as [Dom, string, string];
  const pages = JSON.parse(readFileSync(file, 'utf8')) as string[];
  const { parse, close } = await parserFor(dom);
  let best = Infinity;
  let paragraphs: string[][] = [];
  for (let r = 0; r < Number(roundsArg); r++) {
    const t = performance.now();
    paragraphs = [];
    for (const html of pages) {
      const page = readPage(parse(html), (content) => parse(`<!doctype html><html><body>${content}</body></html>`));
      paragraphs.push(page.blocks.filter((b): b is string => typeof b === 'string'));
      close();
    }
    best = Math.min(best, performance.now() - t);
  }
  const heap = process.memoryUsage().heapUsed;
  writeFileSync(`${file}.${dom}.json`, JSON.stringify({ msPerPage: best / pages.length, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: heap / 1048576, paragraphs }));
  process.exit(0);
}

const USAGE = 'tsx bench/html-dom-bench.ts --corpus <dir> [--pages 300] [--seed 1] [--rounds 3]';
const args = parseCli({ corpus: { type: 'string' }, pages: { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' } }, USAGE);
const corpusDir = requiredArg(args.corpus, 'corpus', USAGE);
const count = intArg(args.pages, 'pages', 300);
const seed = intArg(args.seed, 'seed', 1);
const rounds = Math.max(1, intArg(args.rounds, 'rounds', 3));
const corpus = await readCorpus(corpusDir);
const pages = htmlPages(corpus.docs, count, seed);
const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'html-dom-bench-')), 'pages.json');
writeFileSync(file, JSON.stringify(pages.map((p) => p.html)));
const bytes = pages.reduce((n, p) => n + Buffer.byteLength(p.html), 0);

const results = new Map<Dom, { msPerPage: number; maxRssMb: number; heapMb: number; paragraphs: string[][] }>();
for (const dom of DOMS) {
  process.stderr.write(`${dom}…\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), dom, file, String(rounds)], {
    env: { ...process.env, HTML_DOM_CHILD: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`${dom} failed with exit code ${child.status}`);
  results.set(dom, JSON.parse(readFileSync(`${file}.${dom}.json`, 'utf8')));
}
const base = results.get('linkedom')!;
const agree = (p: string[][]) => p.filter((x, i) => JSON.stringify(x) === JSON.stringify(base.paragraphs[i])).length;
console.log(`${pages.length} pages (${(bytes / pages.length / 1024).toFixed(1)} KB each on average), seed ${seed}, best of ${rounds} rounds, Node ${process.version}, ${os.cpus().length} CPUs\n`);
console.log('| DOM | ms per page | vs linkedom | peak RSS MB | heap after MB | same paragraphs as linkedom |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [dom, r] of results) {
  console.log(`| ${dom} | ${r.msPerPage.toFixed(2)} | ${(r.msPerPage / base.msPerPage).toFixed(2)}x | ${r.maxRssMb.toFixed(0)} | ${r.heapMb.toFixed(0)} | ${agree(r.paragraphs)}/${pages.length} |`);
}
