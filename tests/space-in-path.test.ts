/**
 * The product run from a folder whose path holds a space: the server and check-data must still
 * see themselves as the main module (a hand-built `file://` comparison made both exit 0 silently).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';

const home = mkdtempSync(path.join(tmpdir(), 'news api with spaces '));
const copy = path.join(home, 'news api');
for (const part of ['src', 'data', 'package.json', 'tsconfig.json']) cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true });
symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('a checkout whose path holds a space', () => {
  it('runs check-data and prints its report', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(copy, 'src/cli/check-data.ts'), path.join(copy, 'data')], {
      cwd: copy,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/articles: +1\n/);
    expect(r.stdout).toMatch(/result: clean/);
  });

  it('starts the server, which answers /health and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(copy, 'src/server.ts')], {
      cwd: copy,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_PRETTY: 'false' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listen line:\n${out}`)), 20_000);
      const look = () => {
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', look);
      void exited.then((code) => reject(new Error(`exited ${code} before listening:\n${out}`)));
    });
    const health = (await (await fetch(`${url}/health`)).json()) as { articles: number };
    expect(health.articles).toBe(1);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
