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
 */
import { paragraphsOf } from '../src/articles/record.js';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadArticles } from '../src/loader/index.js';
import { buildSegment } from '../src/search/index.js';

const { values: args } = parseArgs({
  options: { corpus: { type: 'string' }, rounds: { type: 'string', default: '7' }, pages: { type: 'string', default: '1' }, 'memoise-stems': { type: 'boolean', default: false } },
});
if (!args.corpus) {
  console.error('usage: npx tsx bench/segment-build-cpu.ts --corpus <dir> [--rounds 7]');
  process.exit(2);
}
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds: a whole number of at least 1, not ${args.rounds}`);
  process.exit(2);
}
const pages = Number(args.pages);
if (!Number.isInteger(pages) || pages < 1) {
  console.error(`--pages: a whole number of at least 1, not ${args.pages}`);
  process.exit(2);
}
const buildOptions = { memoiseStems: args['memoise-stems'] };
const load = await loadArticles(args.corpus, { syncRead: true });
const documents = load.articles.map((a) => ({ title: a.title, paragraphs: paragraphsOf(a), language: a.language }));
const times: number[] = [];
let digest = '';
const pageSize = Math.ceil(documents.length / pages);
for (let r = 0; r < rounds; r++) {
  const before = process.cpuUsage();
  let segment = buildSegment(documents.slice(0, pageSize), buildOptions);
  for (let from = pageSize; from < documents.length; from += pageSize) segment = buildSegment(documents.slice(from, from + pageSize), buildOptions);
  const used = process.cpuUsage(before);
  times.push((used.user + used.system) / 1000);
  if (r === 0 && pages > 1) console.log(`first round (stem memo empty at its start): ${times[0]!.toFixed(0)} ms`);
  const hash = createHash('sha256');
  for (const part of Object.values(segment.parts)) if (ArrayBuffer.isView(part)) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  digest = hash.digest('hex').slice(0, 12);
}
times.sort((a, b) => a - b);
console.log(`${documents.length} articles${pages > 1 ? ` in ${pages} segments` : ''}${buildOptions.memoiseStems ? ', stems memoised' : ''}: buildSegment CPU min ${times[0]!.toFixed(0)} ms, median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms (${rounds} rounds); last segment's parts sha256 ${digest}…`);
