/**
 * Writes a snapshot of a data directory: its articles and their search index in one file, so
 * a server started with `--snapshot <file>` (or SNAPSHOT) skips parsing and indexing.
 *
 *   npm run snapshot -- [--data <dir>] [--out <file>]
 *
 * Defaults: DATA_DIR or ./data, and SNAPSHOT or ./news-api.snapshot. Written atomically
 * (temporary file, then rename). The folder's file fingerprints are taken before reading, so a
 * file changed while the snapshot is made is noticed at the next start.
 */
import { parseArgs } from 'node:util';
import { Corpus } from '../corpus/index.js';
import { DataDirError, loadArticles, ParseCache } from '../loader/index.js';
import { isMainModule } from '../main-module.js';
import { fingerprintDataDir } from '../snapshot/files.js';
import { writeCorpusSnapshot } from '../snapshot/save.js';

export async function makeSnapshot(dataDir: string, file: string): Promise<{ articles: number; bytes: number; ms: number }> {
  const started = performance.now();
  const files = await fingerprintDataDir(dataDir);
  const parses = new ParseCache();
  const load = await loadArticles(dataDir, { syncRead: true, cache: parses });
  const { articles, bytes } = await writeCorpusSnapshot(file, dataDir, files, new Corpus(load), { parses });
  return { articles, bytes, ms: Math.round(performance.now() - started) };
}

async function main(): Promise<void> {
  let values: { data?: string | undefined; out?: string | undefined };
  try {
    values = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    process.stderr.write(`snapshot: ${(e as Error).message}\nusage: npm run snapshot -- [--data <dir>] [--out <file>]\n`);
    process.exit(2);
  }
  const dataDir = values.data ?? (process.env.DATA_DIR || './data');
  const file = values.out ?? (process.env.SNAPSHOT || './news-api.snapshot');
  try {
    const r = await makeSnapshot(dataDir, file);
    process.stdout.write(`snapshot ${file}: ${r.articles} articles from ${dataDir}, ${(r.bytes / 1048576).toFixed(1)} MiB, ${r.ms} ms\n`);
  } catch (e) {
    if (e instanceof DataDirError) {
      process.stderr.write(`snapshot: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

if (isMainModule(import.meta.url)) await main();
