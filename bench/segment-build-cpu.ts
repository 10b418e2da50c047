/**
 * CPU time of `buildSegment` over every article of a corpus as one segment, in process: the
 * folder is loaded once, then `--rounds` builds are timed (process CPU, user + system) and the
 * min and median printed, with a sha256 of every array of the last segment's parts, so two trees
 * (run one after the other, alternately) can be shown to build the same bytes.
 *
 *   npx tsx bench/segment-build-cpu.ts --corpus ../shared/corpora/bbc-news [--rounds 7]
 */
import { paragraphsOf } from '../src/articles/record.js';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadArticles } from '../src/loader/index.js';
import { buildSegment } from '../src/search/index.js';

const { values: args } = parseArgs({ options: { corpus: { type: 'string' }, rounds: { type: 'string', default: '7' } } });
if (!args.corpus) {
  console.error('usage: npx tsx bench/segment-build-cpu.ts --corpus <dir> [--rounds 7]');
  process.exit(2);
}
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds: a whole number of at least 1, not ${args.rounds}`);
  process.exit(2);
}
const load = await loadArticles(args.corpus, { syncRead: true });
const documents = load.articles.map((a) => ({ title: a.title, paragraphs: paragraphsOf(a), language: a.language }));
const times: number[] = [];
let digest = '';
for (let r = 0; r < rounds; r++) {
  const before = process.cpuUsage();
  const segment = buildSegment(documents);
  const used = process.cpuUsage(before);
  times.push((used.user + used.system) / 1000);
  const hash = createHash('sha256');
  for (const part of Object.values(segment.parts)) if (ArrayBuffer.isView(part)) hash.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  digest = hash.digest('hex').slice(0, 12);
}
times.sort((a, b) => a - b);
console.log(`${documents.length} articles: buildSegment CPU min ${times[0]!.toFixed(0)} ms, median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms (${rounds} rounds); parts sha256 ${digest}…`);
