/**
 * Times a start from a snapshot file in phases, in process, as the server's startCorpus does
 * them: the folder's fingerprints and the checksum on worker threads while the main thread reads
 * the snapshot region by region (header, articles decoded, typed arrays), restores the corpus
 * (`Corpus.fromSegment`) and hands the parse cache its stored parses (`restoreLater`: made when
 * a load first reads them, after the start, so timed apart); then the waits for the two workers.
 *
 *   node --max-old-space-size=8192 --import tsx bench/snapshot-start.ts --snapshot FILE [--data DIR] [--reps 2]
 */
import { parseArgs } from 'node:util';
import { Corpus } from '../src/corpus/index.js';
import { ParseCache } from '../src/loader/index.js';
import { fingerprintDataDirOffThread, openSnapshot, sameFiles } from '../src/snapshot/files.js';
import { storedParsesOf } from '../src/snapshot/format.js';

const { values } = parseArgs({ options: { snapshot: { type: 'string' }, data: { type: 'string' }, reps: { type: 'string', default: '1' } } });
if (!values.snapshot) throw new Error('--snapshot FILE');
for (let rep = 0; rep < Number(values.reps); rep++) {
  const t0 = performance.now();
  const fingerprints = values.data ? fingerprintDataDirOffThread(values.data) : Promise.resolve(null);
  const { content, verified } = await openSnapshot(values.snapshot);
  const t1 = performance.now();
  const restored = Corpus.fromSegment({ articles: content.articles, problems: content.problems, stats: content.stats }, content.segment, content.stories, undefined, content.orders);
  const t2 = performance.now();
  const cache = new ParseCache();
  cache.restoreLater(storedParsesOf(content), (id) => restored.get(id));
  const t3 = performance.now();
  await verified;
  const t4 = performance.now();
  const files = await fingerprints;
  const t5 = performance.now();
  const made = cache.files.size;
  const t6 = performance.now();
  const ms = (a: number, b: number): string => `${Math.round(b - a)}`;
  process.stdout.write(
    `rep ${rep}: ${restored.size} articles; read+decode ${ms(t0, t1)} ms, fromSegment ${ms(t1, t2)} ms, parse cache ${ms(t2, t3)} ms, ` +
      `then waited ${ms(t3, t4)} ms for the checksum, ${ms(t4, t5)} ms for the fingerprints${files ? ` (${files.length} files, same as the snapshot's: ${sameFiles(files, content.files)})` : ''}; total ${ms(t0, t5)} ms; ` +
      `after the start, the parse cache made on first use ${ms(t5, t6)} ms (${made} files)\n`,
  );
}
