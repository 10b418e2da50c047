/** Symlinks out of the data folder, FIFOs and devices: reported, never read (unless allowed). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../src/loader/index.js';
import { tempDataDir } from '../helpers/paths.js';

const story = (n: number) => `Headline number ${n}\n\nThe story ${n} begins here.\n`;

describe('symlinks that leave the data folder', () => {
  it('reports a symlink to a file outside and does not read it', async () => {
    const outside = tempDataDir({ 'secret.txt': 'Root password\n\nhunter2 is the password.\n' });
    const dir = tempDataDir({ 'a.txt': story(1) });
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'passwd.txt'));
    symlinkSync('/etc/passwd', path.join(dir, 'etc-passwd.txt'));
    const r = await loadArticles(dir);
    expect(r.articles.map((a) => a.id)).toEqual(['a']);
    expect(r.problems).toEqual([
      { path: 'etc-passwd.txt', line: null, kind: 'outside-data-dir', reason: 'symlink to a path outside the data folder; not followed' },
      { path: 'passwd.txt', line: null, kind: 'outside-data-dir', reason: 'symlink to a path outside the data folder; not followed' },
    ]);
  });

  it('does not walk a symlink to / or to a folder outside', async () => {
    const outside = tempDataDir({ 'x.txt': story(2), 'deep/y.txt': story(3) });
    const dir = tempDataDir({ 'a.txt': story(1) });
    symlinkSync('/', path.join(dir, 'root'));
    symlinkSync(outside, path.join(dir, 'elsewhere'));
    const r = await loadArticles(dir);
    expect(r.stats.filesRead).toBe(1);
    expect(r.problems.map((p) => [p.path, p.kind])).toEqual([
      ['elsewhere', 'outside-data-dir'],
      ['root', 'outside-data-dir'],
    ]);
  });

  it('still follows symlinks that stay inside the data folder', async () => {
    // A hidden folder is not walked itself: its articles are read only through the symlinks.
    const dir = tempDataDir({ '.store/a.txt': story(1), '.store/2020/b.txt': story(2) });
    symlinkSync(path.join(dir, '.store', 'a.txt'), path.join(dir, 'latest.txt'));
    mkdirSync(path.join(dir, 'sections'));
    symlinkSync('../.store/2020', path.join(dir, 'sections', 'old'));
    const r = await loadArticles(dir);
    expect(r.problems).toEqual([]);
    expect(r.articles.map((a) => a.origin.path).sort()).toEqual(['latest.txt', 'sections/old/b.txt']);
  });

  it('follows them when allowed (followSymlinksOutside)', async () => {
    const outside = tempDataDir({ 'x.txt': story(2) });
    const dir = tempDataDir({ 'a.txt': story(1) });
    symlinkSync(path.join(outside, 'x.txt'), path.join(dir, 'x.txt'));
    const r = await loadArticles(dir, { followSymlinksOutside: true });
    expect(r.articles).toHaveLength(2);
    expect(r.problems).toEqual([]);
  });
});

describe('FIFOs and devices', () => {
  it('reports a FIFO named like an article instead of hanging on it or skipping it silently', async () => {
    const dir = tempDataDir({ 'a.txt': story(1) });
    execFileSync('mkfifo', [path.join(dir, 'feed.txt')]);
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    for (const syncRead of [false, true]) {
      const r = await loadArticles(dir, { syncRead });
      expect(r.articles).toHaveLength(1);
      expect(r.problems).toEqual([
        { path: 'feed.txt', line: null, kind: 'not-a-file', reason: 'a named pipe (FIFO), not a file; not read' },
        { path: 'pipe', line: null, kind: 'not-a-file', reason: 'a named pipe (FIFO), not a file; not read' },
      ]);
    }
  });

  it('reports a device reached through an allowed symlink', async () => {
    const dir = tempDataDir({ 'a.txt': story(1) });
    symlinkSync('/dev/zero', path.join(dir, 'zero.txt'));
    const r = await loadArticles(dir, { followSymlinksOutside: true });
    expect(r.problems).toEqual([{ path: 'zero.txt', line: null, kind: 'not-a-file', reason: 'a character device, not a file; not read' }]);
  });

  it('does not block on a file swapped for a FIFO after the walk (opened without blocking)', async () => {
    const dir = tempDataDir({ 'a.txt': story(1) });
    writeFileSync(path.join(dir, 'b.txt'), story(2));
    // Swap b.txt for a FIFO while the loader reads: one progress tick in, before b.txt is opened.
    const r = await loadArticles(dir, {
      concurrency: 1,
      onProgress: (done) => {
        if (done === 1) {
          execFileSync('rm', [path.join(dir, 'b.txt')]);
          execFileSync('mkfifo', [path.join(dir, 'b.txt')]);
        }
      },
    });
    expect(r.problems).toEqual([{ path: 'b.txt', line: null, kind: 'not-a-file', reason: 'a named pipe (FIFO), not a file; not read' }]);
  });
});
