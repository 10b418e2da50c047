/**
 * CPU time of `buildSegment` over every article of a corpus as one segment, in process: the
 * folder is loaded once, then `--rounds` builds are timed (process CPU, user + system) and the
 * min and median printed, with a sha256 of every array of the last segment's parts, so two trees
 * (run one after the other, alternately) can be shown to build the same bytes.
 *
 *   npx tsx bench/segment-build-cpu.ts --corpus ../shared/corpora/bbc-news [--rounds 7]
 *
 * `--pages N` builds the corpus as N segments of consecutive slices per round, as a segment worker
 * builds a replica's pages one after another, and prints the first round apart (the stem memo
 * empty when it starts, as in a new worker); `--memoise-stems` builds as the segment worker does
 * (`memoiseStems`), without it as the request thread does. Run each in a fresh process.
 *
 * One segment worker's job of a replica's cold start (issue 10): `--first N` keeps the first N
 * articles in id order (the replica reads by id; its first batch is 25,000 at 100,000) and
 * `--fingerprints` makes each document's story fingerprint first, as the worker does before
 * indexing, timed apart with a sha256 of the fingerprints. `--save FILE` writes the documents
 * built (title, paragraphs, language) as JSON and `--documents FILE` reads them instead of a
 * folder, so repeated runs skip loading 100,000 files:
 *
 *   npx tsx bench/segment-build-cpu.ts --corpus /tmp/lab/c100 --first 25000 --save /tmp/docs25k.json --rounds 1
 *   npx tsx bench/segment-build-cpu.ts --documents /tmp/docs25k.json --fingerprints --memoise-stems --rounds 3
 */
import { paragraphsOf } from '../src/articles/record.js';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadArticles } from '../src/loader/index.js';
import { buildSegment } from '../src/search/index.js';
import type { SearchDocument } from '../src/search/index.js';
import { fingerprint } from '../src/search/near-duplicates.js';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string' },
    documents: { type: 'string' },
    save: { type: 'string' },
    first: { type: 'string' },
    fingerprints: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '7' },
    pages: { type: 'string', default: '1' },
    'memoise-stems': { type: 'boolean', default: false },
  },
});
if (!args.corpus === !args.documents) {
  console.error('usage: npx tsx bench/segment-build-cpu.ts (--corpus <dir> | --documents <file.json>) [--first N] [--fingerprints] [--save <file.json>] [--rounds 7] [--pages N] [--memoise-stems]');
  process.exit(2);
}
function wholeNumber(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name}: a whole number of at least 1, not ${text}`);
    process.exit(2);
  }
  return value;
}
const rounds = wholeNumber('rounds', args.rounds);
const pages = wholeNumber('pages', args.pages);
const first = args.first === undefined ? Infinity : wholeNumber('first', args.first);
const buildOptions = { memoiseStems: args['memoise-stems'] };

let documents: Array<{ title: string; paragraphs: readonly string[]; language?: string | undefined }>;
if (args.documents) documents = JSON.parse(readFileSync(args.documents, 'utf8'));
else {
  const load = await loadArticles(args.corpus!, { syncRead: true });
  // in id order when --first is given: the order a replica reads the store in
  const articles = first === Infinity ? load.articles : [...load.articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  documents = articles.map((a) => ({ title: a.title, paragraphs: paragraphsOf(a), language: a.language }));
}
if (documents.length > first) documents = documents.slice(0, first);
if (args.save) writeFileSync(args.save, JSON.stringify(documents));

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const times: number[] = [];
const printTimes: number[] = [];
let digest = '';
let printDigest = '';
const pageSize = Math.ceil(documents.length / pages);
for (let r = 0; r < rounds; r++) {
  if (args.fingerprints) {
    const before = process.cpuUsage();
    const hash = createHash('sha256');
    for (const d of documents as SearchDocument[]) {
      const print = fingerprint(paragraphsOf(d));
      hash.update(String(print.shingles));
      hash.update(new Uint8Array(print.signature.buffer, print.signature.byteOffset, print.signature.byteLength));
    }
    printTimes.push(cpuMs(before));
    printDigest = hash.digest('hex').slice(0, 12);
  }
  const before = process.cpuUsage();
  let segment = buildSegment(documents.slice(0, pageSize), buildOptions);
  for (let from = pageSize; from < documents.length; from += pageSize) segment = buildSegment(documents.slice(from, from + pageSize), buildOptions);
  times.push(cpuMs(before));
  if (r === 0 && pages > 1) console.log(`first round (stem memo empty at its start): ${times[0]!.toFixed(0)} ms`);
  const hash = createHash('sha256');
  for (const part of Object.values(segment.parts)) if (ArrayBuffer.isView(part)) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  digest = hash.digest('hex').slice(0, 12);
  console.log(`round ${r}: ${args.fingerprints ? `fingerprints ${printTimes[r]!.toFixed(0)} ms, ` : ''}buildSegment ${times[r]!.toFixed(0)} ms`);
}
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms`;
};
console.log(
  `${documents.length} articles${pages > 1 ? ` in ${pages} segments` : ''}${buildOptions.memoiseStems ? ', stems memoised' : ''}: buildSegment CPU ${summary(times)} (${rounds} rounds); last segment's parts sha256 ${digest}…` +
    (args.fingerprints ? `; fingerprints CPU ${summary(printTimes)}, sha256 ${printDigest}…` : ''),
);
