import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus/index.js';
import { loadArticles, ParseCache } from '../../src/loader/index.js';
import { fingerprintDataDir, fingerprintDataDirOffThread, openSnapshot, readSnapshot, writeSnapshot } from '../../src/snapshot/files.js';
import { decodeSnapshot, encodeSnapshot, storedParsesOf, type SnapshotContent } from '../../src/snapshot/format.js';
import { FIXTURES } from '../helpers/paths.js';

const work = mkdtempSync(path.join(tmpdir(), 'news-api-snapshot-format-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Formats with bad lines (problems, NDJSON keys with lines), and articles whose language is detected. */
async function content(): Promise<{ dir: string; content: SnapshotContent }> {
  const dir = path.join(work, 'data');
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(FIXTURES, 'formats'), path.join(dir, 'formats'), { recursive: true });
  cpSync(path.join(FIXTURES, 'languages'), path.join(dir, 'languages'), { recursive: true });
  const cache = new ParseCache();
  const corpus = new Corpus(await loadArticles(dir, { cache }));
  const { articles, parts, stories, orders } = await corpus.toSnapshotParts();
  const parses = cache.toStored((id) => corpus.get(id));
  return {
    dir,
    content: { dataDir: dir, createdAt: new Date().toISOString(), files: await fingerprintDataDir(dir), articles, problems: corpus.problems.slice(), stats: corpus.stats, segment: parts, stories, parses, orders },
  };
}

describe('the snapshot format', () => {
  it('gives back what was stored: read whole, and read region by region from a file', async () => {
    const { content: stored } = await content();
    // what this test is about: parses of every shape are stored
    expect(stored.problems.length).toBeGreaterThan(0);
    expect(stored.parses!.some((f) => f.problems.length > 0)).toBe(true);
    expect(stored.parses!.some((f) => f.entries.some((e) => e.key !== f.path))).toBe(true); // NDJSON lines
    expect(stored.parses!.some((f) => f.entries.some((e) => e.languageDetected))).toBe(true);
    expect(stored.parses!.some((f) => f.entries.some((e) => !e.languageDetected && e.key === f.path))).toBe(true);
    const file = path.join(work, 'round-trip.snapshot');
    await writeSnapshot(file, stored);
    const whole = decodeSnapshot(Buffer.concat(encodeSnapshot(stored)));
    const { content: read, verified } = await openSnapshot(file);
    await verified;
    for (const back of [whole, read]) {
      // the stored parses are decoded when first asked for, and a later reader sees the same
      const later = storedParsesOf(back);
      expect(later()).toEqual(stored.parses);
      expect(back.parses).toEqual(stored.parses);
      expect(back.articles).toEqual(stored.articles);
      expect(back.problems).toEqual(stored.problems);
      expect(back.files).toEqual(stored.files);
      expect(back.segment).toEqual(stored.segment);
      expect(back.stories).toEqual(stored.stories);
      expect(back.orders).toEqual(stored.orders);
    }
  });

  it('a snapshot stored without parses gives none to read later', async () => {
    const { content: stored } = await content();
    const { parses: _, ...without } = stored;
    const back = decodeSnapshot(Buffer.concat(encodeSnapshot(without)));
    expect(back.parses).toBeUndefined();
    expect(storedParsesOf(back)()).toBeUndefined();
    expect(back.articles).toEqual(stored.articles);
  });

  it('a byte changed inside an article (the file still decodes) fails the checksum checked on the worker', async () => {
    const { content: stored } = await content();
    const file = path.join(work, 'damaged.snapshot');
    await writeSnapshot(file, stored);
    const bytes = readFileSync(file);
    const title = stored.articles[0]!.title;
    const at = bytes.indexOf(Buffer.from(`"title":${JSON.stringify(title)}`));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = bytes[at + 10] === 0x61 ? 0x62 : 0x61; // a letter of the headline: still valid JSON
    writeFileSync(file, bytes);
    const { content: read, verified } = await openSnapshot(file);
    expect(read.articles[0]!.title).not.toBe(title);
    await expect(verified).rejects.toThrow(/checksum mismatch \(corrupt\)/);
    await expect(readSnapshot(file)).rejects.toThrow(/checksum mismatch \(corrupt\)/);
  });

  it('fingerprints the folder on a worker thread exactly as the walk in the event loop does', async () => {
    const { dir } = await content();
    writeFileSync(path.join(dir, '.hidden'), 'x');
    expect(await fingerprintDataDirOffThread(dir)).toEqual(await fingerprintDataDir(dir));
    const empty = path.join(work, 'empty');
    cpSync(path.join(FIXTURES, 'formats'), empty, { recursive: true, filter: (src) => !/\.\w+$/u.test(src) || src.endsWith('formats') });
    expect(await fingerprintDataDirOffThread(empty)).toEqual(await fingerprintDataDir(empty));
    await expect(fingerprintDataDirOffThread(path.join(work, 'nowhere'))).rejects.toThrow(/ENOENT/);
  });
});
