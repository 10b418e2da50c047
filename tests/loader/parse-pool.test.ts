/**
 * A full load with parse workers (LoadOptions.parseWorkers) reads and parses on worker threads
 * and gives exactly what a load on one thread gives: the same records in the same order, the
 * same problems, the same counts, languages detected on the workers included.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles, ParseCache, type LoadResult } from '../../src/loader/index.js';
import { FIXTURES } from '../helpers/paths.js';

/** A load without its timings (and the token naming it, which a load with a cache has). */
const served = (r: LoadResult) => ({ ...r, token: undefined, stats: { ...r.stats, durationMs: 0, phases: undefined, longestBlockMs: undefined } });

describe('parse workers', () => {
  it('give what a load on one thread gives, problems and detected languages included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'news-api-pool-'));
    try {
      // Every fixture (formats, languages, HTML, problems) and copies of some;
      // the copies are duplicates of each other, so the cross-file steps have work to do too.
      cpSync(FIXTURES, path.join(dir, 'all'), { recursive: true });
      for (let i = 0; i < 10; i++) for (const f of ['corpus', 'formats', 'languages']) cpSync(path.join(FIXTURES, f), path.join(dir, `desk-${i}`, f), { recursive: true });
      writeFileSync(path.join(dir, 'bad.ndjson'), '{"title":"One good line","text":"A body."}\n{not json\n');
      writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([0x41, 0, 0x42]));
      writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]));
      writeFileSync(path.join(dir, 'big.txt'), `Big file\n\n${'word '.repeat(4000)}\n`);
      const options = { syncRead: true, maxFileBytes: 16_000 };
      const alone = await loadArticles(dir, options);
      // Workers from 100 files on (the default threshold is for corpora where they pay for their start).
      // Progress comes per file on one thread, per batch of files from the workers: the pool did the parsing.
      let reports = 0;
      const pooled = await loadArticles(dir, { ...options, parseWorkers: 2, parsePoolMinFiles: 100, onProgress: () => reports++ });
      expect(alone.stats.filesRead).toBeGreaterThan(100);
      expect(reports).toBeGreaterThan(0);
      expect(reports).toBeLessThan(alone.stats.filesRead / 10);
      expect(alone.stats.languagesDetected).toBeGreaterThan(0);
      expect([...new Set(alone.problems.map((p) => p.kind))]).toEqual(expect.arrayContaining(['duplicate', 'parse-error', 'binary', 'not-utf8', 'too-large']));
      expect(served(pooled)).toEqual(served(alone));
      // A first load with an empty parse cache fills it from the workers; the next load reuses it as on one thread.
      const cache = new ParseCache();
      const first = await loadArticles(dir, { ...options, parseWorkers: 2, parsePoolMinFiles: 100, cache });
      const again = await loadArticles(dir, { ...options, cache });
      const threadCache = new ParseCache();
      await loadArticles(dir, { ...options, cache: threadCache });
      const threadAgain = await loadArticles(dir, { ...options, cache: threadCache });
      // Every file but the three whose problem stops them (binary, not UTF-8, too large), as on one thread.
      expect(again.stats.filesReused).toBe(alone.stats.filesRead - 3);
      expect(again.stats.filesReused).toBe(threadAgain.stats.filesReused);
      for (const r of [first, again]) expect(served({ ...r, stats: { ...r.stats, filesReused: undefined, filesUnread: undefined } })).toEqual(served(alone));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
