/**
 * Batches written in parallel still give replicas a change line in commit order: a reader that
 * keeps asking "what changed after the last number I saw" while many small batches commit at once
 * ends with exactly what the database holds, never missing a change that committed late.
 */
import { rmSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseSettings, openPool } from '../../src/store/connection.js';
import { ingestDirectory } from '../../src/store/ingest.js';
import { migrate } from '../../src/store/migrate.js';
import { PostgresChangeSource, lastChange } from '../../src/store/postgres.js';
import { articleText, tempDataDir } from '../helpers/paths.js';
import { testDatabase } from '../helpers/postgres.js';

const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

describe('parallel ingest batches', () => {
  it('never let a follower skip a change, and the log holds one row per changed id in commit order', async () => {
    const pool = openPool(databaseSettings(`${await testDatabase('order')}`));
    pools.push(pool);
    await migrate(pool);
    const files: Record<string, string> = {};
    for (let i = 0; i < 240; i++) files[`s${String(i).padStart(3, '0')}.txt`] = articleText(`Story number ${i}`, `Paragraph number ${i} of the story, about the harbour.`, 'More.');
    const d = tempDataDir(files);
    const source = new PostgresChangeSource(pool);
    const held = new Map<string, string>();
    let seq = 0;
    let done = false;
    let reads = 0;
    const follow = async () => {
      for (;;) {
        const finished = done;
        const batch = await source.changesSince(seq);
        for (const c of batch.changes) {
          expect(c.seq).toBeGreaterThan(seq);
          if (c.article) held.set(c.id, c.article.title);
          else held.delete(c.id);
        }
        seq = batch.seq;
        reads++;
        if (finished) return;
      }
    };
    try {
      const follower = follow();
      // One article per transaction, four transactions at a time: the commit order is anyone's.
      const outcome = await ingestDirectory(pool, d, { dataset: 'o', batchSize: 1, parallel: 4 });
      expect(outcome.inserted).toBe(240);
      done = true;
      await follower;
      expect(reads).toBeGreaterThan(1);
      const { rows } = await pool.query<{ id: string; title: string }>("SELECT id, record->>'title' AS title FROM articles ORDER BY id");
      expect([...held.entries()].sort()).toEqual(rows.map((r) => [r.id, r.title]));
      expect(seq).toBe(await lastChange(pool));
      const log = await pool.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM article_changes');
      expect(log.rows[0]).toEqual({ n: '240', ids: '240' });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
