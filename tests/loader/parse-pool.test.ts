/**
 * A full load with parse workers (LoadOptions.parseWorkers) reads and parses on worker threads
 * and gives exactly what a load on one thread gives: the same records in the same order, the
 * same problems, the same counts, languages detected on the workers included.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles, PARSE_POOL_MIN_FILES, type LoadResult } from '../../src/loader/index.js';
import { FIXTURES } from '../helpers/paths.js';

const dirFiles = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
const served = (r: LoadResult) => ({ ...r, stats: { ...r.stats, durationMs: 0 } });

describe('parse workers', () => {
  it('give what a load on one thread gives, problems and detected languages included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'news-api-pool-'));
    try {
      // Enough copies of every fixture (formats, languages, HTML, problems) for the pool to be used;
      // the copies are duplicates of each other, so the cross-file steps have work to do too.
      cpSync(FIXTURES, path.join(dir, 'all'), { recursive: true });
      for (let i = 0; dirFiles(dir) < PARSE_POOL_MIN_FILES + 100; i++) for (const f of ['corpus', 'formats', 'languages']) cpSync(path.join(FIXTURES, f), path.join(dir, `desk-${i}`, f), { recursive: true });
      writeFileSync(path.join(dir, 'bad.ndjson'), '{"title":"One good line","text":"A body."}\n{not json\n');
      writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([0x41, 0, 0x42]));
      writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]));
      writeFileSync(path.join(dir, 'big.txt'), `Big file\n\n${'word '.repeat(4000)}\n`);
      const options = { syncRead: true, maxFileBytes: 16_000 };
      const alone = await loadArticles(dir, options);
      const pooled = await loadArticles(dir, { ...options, parseWorkers: 2 });
      expect(alone.stats.filesRead).toBeGreaterThanOrEqual(PARSE_POOL_MIN_FILES);
      expect(alone.stats.languagesDetected).toBeGreaterThan(0);
      expect([...new Set(alone.problems.map((p) => p.kind))]).toEqual(expect.arrayContaining(['duplicate', 'parse-error', 'binary', 'not-utf8', 'too-large']));
      expect(served(pooled)).toEqual(served(alone));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
