/**
 * Times a start from a snapshot file in phases (read, decode, restore, parse cache), as the
 * server's startCorpus does them, without the folder's fingerprints.
 *
 *   node --import tsx bench/snapshot-start.ts --snapshot FILE [--reps 2]
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { Corpus } from '../src/corpus/index.js';
import { ParseCache } from '../src/loader/index.js';
import { decodeSnapshot } from '../src/snapshot/format.js';

const { values } = parseArgs({ options: { snapshot: { type: 'string' }, reps: { type: 'string', default: '1' } } });
if (!values.snapshot) throw new Error('--snapshot FILE');
for (let rep = 0; rep < Number(values.reps); rep++) {
  const t0 = performance.now();
  const bytes = await fs.readFile(values.snapshot);
  const t1 = performance.now();
  const content = decodeSnapshot(bytes);
  const t2 = performance.now();
  const restored = Corpus.fromSegment({ articles: content.articles, problems: content.problems, stats: content.stats }, content.segment, content.stories);
  const t3 = performance.now();
  const cache = content.parses ? ParseCache.fromStored(content.parses, (id) => restored.get(id)) : null;
  const t4 = performance.now();
  const ms = (a: number, b: number): string => `${Math.round(b - a)}`;
  process.stdout.write(
    `rep ${rep}: ${restored.size} articles, ${(bytes.length / 1048576).toFixed(0)} MiB; read ${ms(t0, t1)} ms, decode ${ms(t1, t2)} ms, fromSegment ${ms(t2, t3)} ms, parse cache ${ms(t3, t4)} ms (${cache?.files.size ?? 0} files); total ${ms(t0, t4)} ms\n`,
  );
}
