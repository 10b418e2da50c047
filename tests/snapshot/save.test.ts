/**
 * The server writing its served version back to the snapshot file (SNAPSHOT_ON_EXIT,
 * SNAPSHOT_SAVE_MINUTES): written only when that version is the folder's content, and a start
 * from it equals a full build.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { Corpus, CorpusStore, SegmentBuilder } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { startCorpus } from '../../src/server.js';
import { SnapshotSaver } from '../../src/snapshot/save.js';
import { FIXTURES } from '../helpers/paths.js';

const work = mkdtempSync(path.join(tmpdir(), 'news-api-snapshot-save-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function logged(): { lines: string[]; logger: { info: (o: unknown, m?: string) => void; warn: (o: unknown, m?: string) => void } } {
  const lines: string[] = [];
  const log = (o: unknown, m?: string) => lines.push(typeof o === 'string' ? o : `${m ?? ''}`);
  return { lines, logger: { info: log, warn: log } };
}

const watching = { state: 'watching' as const, folders: 4, error: null };

describe('SnapshotSaver', () => {
  it('writes the served version (several segments merged on the worker) and a start from it equals a full build of the folder', async () => {
    const dir = path.join(work, 'written');
    cpSync(path.join(FIXTURES, 'corpus'), dir, { recursive: true });
    const first = await loadArticles(dir);
    writeFileSync(path.join(dir, 'sport/late-goal.txt'), 'Late goal settles derby\n\nA header in the last minute won it.\n');
    const store = new CorpusStore(new Corpus(first));
    store.swap(store.current.update(await loadArticles(dir)));
    expect(store.current.segments.segments).toBe(2);
    store.watch = watching;
    const builder = new SegmentBuilder();
    const file = path.join(work, 'written.snapshot');
    const { lines, logger } = logged();
    try {
      const saver = new SnapshotSaver({ file, dataDir: dir, store, reloading: () => false, build: builder.build, logger, everyMinutes: 0 });
      expect(await saver.save('shutdown')).toBe(true);
      await saver.close();
    } finally {
      await builder.close();
    }
    expect(lines).toEqual(['snapshot written']);
    const start = logged();
    const restored = await startCorpus({ dataDir: dir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, start.logger);
    expect(start.lines[0]).toMatch(/^started from the snapshot/);
    const full = new Corpus(await loadArticles(dir));
    expect(restored.version).toBe(full.version);
    expect(restored.articles).toEqual(full.articles);
    expect(restored.search('derby', { sort: 'relevance', limit: 10, offset: 0 })).toEqual(full.search('derby', { sort: 'relevance', limit: 10, offset: 0 }));
  });

  it('writes nothing, saying why, while the served version may not be the folder: not watched, changes pending, a reload running or failed', async () => {
    const dir = path.join(work, 'skipped');
    cpSync(path.join(FIXTURES, 'corpus'), dir, { recursive: true });
    const store = new CorpusStore(new Corpus(await loadArticles(dir)));
    const file = path.join(work, 'skipped.snapshot');
    let reloading = false;
    const { lines, logger } = logged();
    const saver = new SnapshotSaver({ file, dataDir: dir, store, reloading: () => reloading, logger, everyMinutes: 0 });
    expect(await saver.save('scheduled')).toBe(false); // not watching
    store.watch = watching;
    store.pendingChanges = 1;
    expect(await saver.save('scheduled')).toBe(false);
    store.pendingChanges = 0;
    reloading = true;
    expect(await saver.save('scheduled')).toBe(false);
    reloading = false;
    store.fail('reload failed: the data directory does not exist');
    expect(await saver.save('scheduled')).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(lines).toEqual([
      'snapshot not written: the folder is not watched (off), so the files may be newer than the served version',
      'snapshot not written: changes are pending',
      'snapshot not written: changes are pending',
      'snapshot not written: the last reload failed (reload failed: the data directory does not exist)',
    ]);
    await saver.close();
  });

  it('on a schedule: every SNAPSHOT_SAVE_MINUTES, until closed', async () => {
    const dir = path.join(work, 'scheduled');
    cpSync(path.join(FIXTURES, 'corpus'), dir, { recursive: true });
    const store = new CorpusStore(new Corpus(await loadArticles(dir)));
    store.watch = watching;
    const file = path.join(work, 'scheduled.snapshot');
    const { lines, logger } = logged();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const saver = new SnapshotSaver({ file, dataDir: dir, store, reloading: () => false, logger, everyMinutes: 2 });
      vi.advanceTimersByTime(60_000);
      expect(existsSync(file)).toBe(false);
      vi.advanceTimersByTime(60_000);
      await saver.close(); // waits for the one started
      expect(lines).toEqual(['snapshot written']);
      expect(existsSync(file)).toBe(true);
      vi.advanceTimersByTime(240_000);
      expect(lines).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is configured by SNAPSHOT_ON_EXIT and SNAPSHOT_SAVE_MINUTES (checked at start)', () => {
    const config = loadConfig([], { SNAPSHOT: 'a.snapshot', SNAPSHOT_ON_EXIT: 'true', SNAPSHOT_SAVE_MINUTES: '30' });
    expect(config.snapshotOnExit).toBe(true);
    expect(config.snapshotSaveMinutes).toBe(30);
    expect(loadConfig([], {}).snapshotSaveMinutes).toBe(0);
    expect(() => loadConfig([], { SNAPSHOT_SAVE_MINUTES: '-1' })).toThrow(/SNAPSHOT_SAVE_MINUTES/);
  });
});
