/**
 * The Node flags the product ships with (README, "Running it"): `npm start` and the Docker
 * image's CMD give `node` the same ones, and the benchmarks start the server with them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedNodeFlags } from '../bench/lib/shipped-flags.js';

const root = path.resolve(import.meta.dirname, '..');

describe('shipped Node flags', () => {
  it('npm start and the Dockerfile CMD run dist/server.js with the same flags, the young generation among them', () => {
    const flags = shippedNodeFlags(root);
    expect(flags).toContain('--max-semi-space-size=32');
    // A floor as well as a ceiling: a replica whose main thread allocated little while it started
    // (its segments are built in workers) kept a 1-2 MB young generation under load otherwise.
    expect(flags).toContain('--min-semi-space-size=16');
    const cmd = readFileSync(path.join(root, 'Dockerfile'), 'utf8').split('\n').filter((l) => l.startsWith('CMD ')).at(-1)!;
    const argv = JSON.parse(cmd.slice(4)) as string[];
    expect(argv).toEqual(['node', ...flags, 'dist/server.js']);
  });

  it('refuses a start script that does not run node on dist/server.js', () => {
    const dir = path.join(import.meta.dirname, 'fixtures', 'launch-flags-bad');
    expect(() => shippedNodeFlags(dir)).toThrow(/start script/u);
  });
});
