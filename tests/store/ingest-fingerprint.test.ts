/**
 * An ingest of a folder whose files have not changed by a byte since the last complete ingest of
 * its dataset parses nothing and writes nothing; any changed byte (even with the size and the
 * modification time put back) is ingested.
 */
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { main as ingestCli } from '../../src/cli/ingest.js';
import { fingerprintDataDir, fingerprintDataDirSync } from '../../src/snapshot/files.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { articleText, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';
import { migratedPools, sink } from '../helpers/store.js';

const { fresh: freshPool } = migratedPools();


const titleOf = async (pool: pg.Pool, id: string) => (await pool.query<{ t: string }>("SELECT record->>'title' AS t FROM articles WHERE id = $1", [id])).rows[0]?.t ?? null;

describe('ingest of an unchanged folder', () => {
  it('parses nothing and writes nothing, and reports the problems the last ingest found', async () => {
    const pool = await freshPool('fp_same');
    const d = tempDataDir({ 'a.txt': articleText('Alpha story', 'First alpha paragraph.', 'More.'), 'b.txt': articleText('Beta story', 'First beta paragraph.', 'More.'), 'bad.txt': '' });
    try {
      const first = await ingestDirectory(pool, d, { dataset: 'x' });
      expect(first).toMatchObject({ folderUnchanged: false, inserted: 2 });
      let progress = 0;
      const again = await ingestDirectory(pool, d, { dataset: 'x', onProgress: () => progress++ });
      expect(again).toMatchObject({ folderUnchanged: true, articles: 2, inserted: 0, updated: 0, unchanged: 2, deleted: 0, lastSeq: null, batches: 0 });
      expect(progress).toBe(0); // the loader never ran
      expect(again.load.problems).toEqual(first.load.problems);
      expect(again.load.stats.filesRead).toBe(first.load.stats.filesRead);
      // Touching a file (same bytes, new time) changes nothing either: the fingerprint is of the bytes.
      const later = new Date(Date.now() + 60_000);
      utimesSync(path.join(d, 'a.txt'), later, later);
      expect((await ingestDirectory(pool, d, { dataset: 'x' })).folderUnchanged).toBe(true);
      // --full parses anyway, and finds nothing to write.
      expect(await ingestDirectory(pool, d, { dataset: 'x', full: true })).toMatchObject({ folderUnchanged: false, unchanged: 2, batches: 0 });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it.each([false, true])('ingests a file whose bytes changed even with its size and modification time put back (blocking reads: %s)', async (syncRead) => {
    const pool = await freshPool('fp_sneaky');
    const d = tempDataDir({ 'a.txt': articleText('Alpha story', 'First alpha paragraph.', 'More.'), 'b.txt': articleText('Beta story', 'First beta paragraph.', 'More.') });
    try {
      const file = path.join(d, 'a.txt');
      const then = new Date('2026-01-02T03:04:05Z');
      utimesSync(file, then, then);
      await ingestDirectory(pool, d, { dataset: 'x', syncRead });
      expect(fingerprintDataDirSync(d)).toEqual(await fingerprintDataDir(d));
      const before = statSync(file);
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace('Alpha story', 'Omega story')); // same length
      utimesSync(file, then, then);
      expect(statSync(file)).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
      const second = await ingestDirectory(pool, d, { dataset: 'x', syncRead });
      expect(second).toMatchObject({ folderUnchanged: false, updated: 1, unchanged: 1 });
      expect(await ingestDirectory(pool, d, { dataset: 'x', syncRead })).toMatchObject({ folderUnchanged: true });
      expect(await titleOf(pool, 'a')).toBe('Omega story');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it.each([false, true])('fingerprints a first ingest from the hashes the loader made as it read, the same as hashing every file first (blocking reads: %s)', async (syncRead) => {
    const pool = await freshPool(`fp_first_${syncRead}`);
    // Files the loader reads, and files it does not (folder defaults, hidden, README, not an article, unreadable as text).
    const d = tempDataDir({
      'world/a.txt': articleText('Alpha story', 'First alpha paragraph.', 'More.'),
      'world/b.md': '# Beta story\n\nFirst beta paragraph.\n\nMore.\n',
      'world/_source.json': JSON.stringify({ source: 'Harbour Herald' }),
      'world/.hidden.txt': 'not an article',
      'README.md': '# Notes',
      'notes.csv': 'a,b',
      'bad.txt': Buffer.from([0x66, 0x00, 0x67]),
    });
    try {
      expect(await ingestDirectory(pool, d, { dataset: 'x', syncRead })).toMatchObject({ folderUnchanged: false, inserted: 2 });
      expect(await ingestDirectory(pool, d, { dataset: 'x', syncRead })).toMatchObject({ folderUnchanged: true, unchanged: 2 });
      // A changed file the loader never reads still changes the fingerprint.
      writeFileSync(path.join(d, 'world/.hidden.txt'), 'still not an article');
      expect(await ingestDirectory(pool, d, { dataset: 'x', syncRead })).toMatchObject({ folderUnchanged: false, unchanged: 2, batches: 0 });
      expect(await ingestDirectory(pool, d, { dataset: 'x', syncRead })).toMatchObject({ folderUnchanged: true });
      // --full as the first ingest of a dataset records it too.
      const other = await freshPool(`fp_first_full_${syncRead}`);
      expect(await ingestDirectory(other, d, { dataset: 'x', syncRead, full: true })).toMatchObject({ folderUnchanged: false, inserted: 2 });
      expect(await ingestDirectory(other, d, { dataset: 'x', syncRead })).toMatchObject({ folderUnchanged: true });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('parses again when a file is added, removed, a folder default changes, the dataset rows changed, or the load options differ', async () => {
    const pool = await freshPool('fp_more');
    const d = tempDataDir({ 'world/a.txt': articleText('Alpha story', 'First alpha paragraph.', 'More.'), 'world/b.txt': articleText('Beta story', 'First beta paragraph.', 'More.') });
    try {
      await ingestDirectory(pool, d, { dataset: 'x' });
      writeFileSync(path.join(d, 'world/c.txt'), articleText('Gamma story', 'First gamma paragraph.', 'More.'));
      expect(await ingestDirectory(pool, d, { dataset: 'x' })).toMatchObject({ folderUnchanged: false, inserted: 1 });
      rmSync(path.join(d, 'world/b.txt'));
      expect(await ingestDirectory(pool, d, { dataset: 'x' })).toMatchObject({ folderUnchanged: false, deleted: 1 });
      writeFileSync(path.join(d, 'world/_source.json'), JSON.stringify({ source: 'Harbour Herald' }));
      expect(await ingestDirectory(pool, d, { dataset: 'x' })).toMatchObject({ folderUnchanged: false, updated: 2 });
      expect(await ingestDirectory(pool, d, { dataset: 'x' })).toMatchObject({ folderUnchanged: true });
      // Someone deleted a row behind the ingest's back: the next ingest puts it back.
      await pool.query("DELETE FROM articles WHERE id = 'world-a'");
      expect(await ingestDirectory(pool, d, { dataset: 'x' })).toMatchObject({ folderUnchanged: false, inserted: 1 });
      // Another size limit could load the folder differently.
      expect(await ingestDirectory(pool, d, { dataset: 'x', maxFileBytes: 1000 })).toMatchObject({ folderUnchanged: false });
      // Another dataset name has no fingerprint yet.
      expect(await ingestDirectory(pool, d, { dataset: 'y' })).toMatchObject({ folderUnchanged: false });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('npm run ingest prints the same report the second time, saying nothing was parsed', async () => {
    const url = await testDatabase('fp_cli');
    const d = tempDataDir({ 'ok.txt': articleText('A fine story', 'With a paragraph.', 'And another.'), 'bad.txt': Buffer.from([0x66, 0x00, 0x67]) });
    try {
      const first = sink();
      expect(await ingestCli(['--data', d], { DATABASE_URL: url }, { stdout: first as never, stderr: sink() as never })).toBe(1);
      const second = sink();
      expect(await ingestCli(['--data', d], { DATABASE_URL: url }, { stdout: second as never, stderr: sink() as never })).toBe(1);
      const report = (s: string) => s.slice(0, s.indexOf('ingested into')).replace(/ in \d+ ms/gu, ' in N ms');
      expect(report(second.text)).toBe(report(first.text));
      expect(second.text).toContain('nothing parsed');
      expect(second.text).toContain('inserted 0, updated 0, unchanged 1, deleted 0');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
