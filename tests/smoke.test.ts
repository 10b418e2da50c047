import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths.js';

describe('the container, without Docker', () => {
  it('the Dockerfile is multi-stage on Node 24 slim, non-root, with tini, a data volume and a /health check', () => {
    const d = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(d.match(/^FROM node:24-slim AS \w+/gm)).toHaveLength(2);
    expect(d).toMatch(/npm ci --omit=dev/);
    expect(d).toMatch(/^USER node$/m);
    expect(d).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(d).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(d).toMatch(/ENTRYPOINT \["\/usr\/bin\/tini", "--"\]/);
    expect(d).toMatch(/CMD \["node", "--max-semi-space-size=32", "--min-semi-space-size=16", "dist\/server.js"\]/);
  });

  it('npm run smoke builds, installs production deps, serves /health and exits cleanly on SIGTERM', () => {
    const r = spawnSync('npm', ['run', 'smoke', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.stdout + r.stderr).toMatch(/smoke: passed/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok {2}SIGTERM: clean exit 0/);
  }, 300_000);
});
