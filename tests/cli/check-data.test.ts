import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/check-data.js';
import { BBC_DIR, DATA_DIR, FIXTURES, HAVE_BBC, ROOT, bbcSkipReason } from '../helpers/paths.js';

function run(args: string[], isTTY = false) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true), isTTY } };
  return main(args, io as never).then((code) => ({ code, stdout, stderr }));
}

describe('npm run check-data', () => {
  it('exits 0 on a clean directory and prints the summary', async () => {
    const r = await run([DATA_DIR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/articles: +1\n/);
    expect(r.stdout).toMatch(/problems: +0\n/);
    expect(r.stdout).toMatch(/removed: +2 chrome lines, 2 duplicate captions\/lines/);
    expect(r.stdout).toMatch(/result: clean/);
  });

  it('exits 1 and lists each problem with path, line and reason', async () => {
    const r = await run([path.join(FIXTURES, 'formats')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('feed.ndjson:2: parse-error: invalid JSON');
    expect(r.stdout).toContain('batch.json:3: no-title: no title or headline field');
    expect(r.stdout).toMatch(/problems: +4 \(parse-error 2, no-title 1, bad-field 1\)/);
    expect(r.stdout).toMatch(/result: PROBLEMS/);
  });

  it('gives the same report as JSON with --json', async () => {
    const r = await run([path.join(FIXTURES, 'formats'), '--json']);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ filesRead: 7, articles: 10, duplicates: 0, problemsByKind: { 'parse-error': 2, 'no-title': 1, 'bad-field': 1 } });
    expect(rep.problems).toHaveLength(4);
  });

  it('draws a progress bar on stderr only when stderr is a terminal', async () => {
    const tty = await run([path.join(FIXTURES, 'formats')], true);
    expect(tty.stderr).toMatch(/\[#+\] 7\/7 files\n$/);
    expect(tty.stdout).not.toContain('#');
    expect((await run([path.join(FIXTURES, 'formats')], false)).stderr).toBe('');
  });

  it('exits 2 on usage errors', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['a', 'b'])).code).toBe(2);
    expect((await run(['--bogus', DATA_DIR])).code).toBe(2);
    const missing = await run(['/no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('check-data: data directory /no/such/dir: does not exist\n');
  });

  it('sets the process exit code when run as a command', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/cli/check-data.ts'), path.join(FIXTURES, 'formats')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });

  bbcSkipReason();
  it.skipIf(!HAVE_BBC)('reports the BBC corpus as 2,095 articles and no problem', async () => {
    const r = await run([BBC_DIR, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ filesRead: 2095, articles: 2095, problems: [] });
  });
});
