/** `npm start`'s pre-step compiles only when a source is newer than the last build. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(path.join(tmpdir(), 'news-api-build-'));
mkdirSync(path.join(dir, 'scripts'));
mkdirSync(path.join(dir, 'src'));
cpSync(path.join(ROOT, 'scripts/build-if-stale.mjs'), path.join(dir, 'scripts/build-if-stale.mjs'));
for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) cpSync(path.join(ROOT, f), path.join(dir, f));
symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
writeFileSync(path.join(dir, 'src/server.ts'), 'export const answer: number = 42;\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = () => spawnSync(process.execPath, [path.join(dir, 'scripts/build-if-stale.mjs')], { encoding: 'utf8' });
const stamp = path.join(dir, 'dist/.build-stamp');

describe('scripts/build-if-stale.mjs (npm start)', () => {
  it('compiles on the first start, skips when nothing changed, compiles again after an edit', () => {
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/first start: compiling/);
    expect(readFileSync(path.join(dir, 'dist/server.js'), 'utf8')).toMatch(/answer = 42/);
    const builtAt = statSync(stamp).mtimeMs;

    const second = run();
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(statSync(stamp).mtimeMs).toBe(builtAt);

    writeFileSync(path.join(dir, 'src/server.ts'), 'export const answer: number = 43;\n');
    const later = new Date(builtAt + 5_000);
    utimesSync(path.join(dir, 'src/server.ts'), later, later);
    const third = run();
    expect(third.status, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/sources changed since the last build/);
    expect(readFileSync(path.join(dir, 'dist/server.js'), 'utf8')).toMatch(/answer = 43/);
    expect(existsSync(stamp)).toBe(true);
  });
});
