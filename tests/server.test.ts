import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { ROOT, tempDataDir } from './helpers/paths.js';
import { SERVER, startServer } from './helpers/server.js';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

describe('the server process', () => {
  it('refuses to start on a missing data directory with a one-line error and a non-zero exit', () => {
    const r = spawnSync(TSX, [SERVER, '--data', '/no/such/news-dir'], { encoding: 'utf8', env: { ...process.env, LOG_PRETTY: 'false' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('news-api: data directory /no/such/news-dir: does not exist');
  });

  it('refuses a bad configuration value with exit code 2', () => {
    const r = spawnSync(TSX, [SERVER], { encoding: 'utf8', env: { ...process.env, PORT: '-1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PORT="-1": expected a port number/);
  });

  it('reloads on SIGHUP and, with --watch, when files change', async () => {
    const dir = tempDataDir({ 'one.txt': 'First headline\n\nFirst body.\n' });
    const { child, url, output, exited } = await startServer(['--watch'], { DATA_DIR: dir });
    const health = async () => (await (await fetch(`${url}/health`)).json()) as { articles: number; corpus: { version: string } };
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while ((await health()).articles !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return health();
    };
    const v1 = (await health()).corpus.version;
    writeFileSync(path.join(dir, 'two.txt'), 'Second headline\n\nSecond body.\n');
    const after = await waitFor(2);
    expect(after.articles).toBe(2);
    expect(after.corpus.version).not.toBe(v1);
    child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!/SIGHUP: reloading/.test(output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output()).toMatch(/SIGHUP: reloading the corpus/);
    expect((await fetch(`${url}/articles/two`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a SIGHUP reload renews the parse cache: a later watched update keeps what SIGHUP read', async () => {
    const dir = tempDataDir({ 'one.txt': 'First headline\n\nFirst body.\n' });
    const { child, url, exited } = await startServer(['--watch'], { DATA_DIR: dir });
    const titleOf = async (id: string) => ((await (await fetch(`${url}/articles/${id}`)).json()) as { title?: string }).title;
    const until = async (ok: () => Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await ok()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    };
    // edited, the change noticed, then SIGHUP within the debounce: the full reload reads the edit,
    // and the watcher's own reload right after it names nothing (SIGHUP took the change)
    writeFileSync(path.join(dir, 'one.txt'), 'Edited headline\n\nEdited body.\n');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGHUP');
    await until(async () => (await titleOf('one')) === 'Edited headline');
    await new Promise((r) => setTimeout(r, 1000));
    writeFileSync(path.join(dir, 'two.txt'), 'Second headline\n\nSecond body.\n');
    await until(async () => (await titleOf('two')) === 'Second headline');
    expect(await titleOf('two')).toBe('Second headline');
    expect(await titleOf('one')).toBe('Edited headline');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('serves data/ and exits 0 on SIGTERM, logging one JSON line per request', async () => {
    const { child, url, output, exited } = await startServer([], { DATA_DIR: path.join(ROOT, 'data') });
    const res = await fetch(`${url}/articles?limit=1`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = output()
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', url: '/articles?limit=1', status: 200, reqId: expect.any(String) });
    expect(output()).toMatch(/"msg":"corpus loaded"/);
  });
});
