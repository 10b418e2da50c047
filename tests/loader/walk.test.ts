import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFor } from '../../src/loader/registry.js';
import { walkChanges, walkDataDir } from '../../src/loader/walk.js';
import { tempDataDir } from '../helpers/paths.js';

const accept = (name: string) => formatFor(name) !== undefined;

describe('walkChanges', () => {
  it('lets requests in between slices of its pass over the last walk, and gives the same walk as in one piece', async () => {
    const dir = tempDataDir({});
    for (let i = 0; i < 9; i++) writeFileSync(path.join(dir, `a${i}.txt`), `Headline ${i}\n\nBody ${i}.\n`);
    const last = await walkDataDir(dir, accept);
    expect(last.files).toHaveLength(9);
    writeFileSync(path.join(dir, 'new.txt'), 'New\n\nBody.\n');
    rmSync(path.join(dir, 'a4.txt'));
    const changed = [{ path: 'new.txt' }, { path: 'a4.txt' }, { path: 'a7.txt' }];
    const whole = await walkChanges(dir, last, changed, accept);
    const order: string[] = [];
    let breaths = 0;
    const sliced = await walkChanges(
      dir,
      last,
      changed,
      accept,
      async () => {
        breaths++;
        // a request let in: runs before the pass goes on
        await new Promise<void>((resolve) => setImmediate(() => (order.push(`request ${breaths}`), resolve())));
      },
      2,
    );
    expect(breaths).toBe(4); // 9 files of the last walk, 2 a slice
    expect(order).toEqual(['request 1', 'request 2', 'request 3', 'request 4']);
    expect(sliced).toEqual(whole);
    expect(sliced!.files.map((f) => f.rel)).toEqual(['a0.txt', 'a1.txt', 'a2.txt', 'a3.txt', 'a5.txt', 'a6.txt', 'a7.txt', 'a8.txt', 'new.txt']);
    expect(sliced!.named).toMatchObject({ added: [{ rel: 'new.txt' }], removed: ['a4.txt'] });
    expect(sliced!.named!.present.map((f) => f.rel)).toEqual(['new.txt', 'a7.txt']);
  });
});
