import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../src/cli/export-openapi.js';
import { ROOT } from '../helpers/paths.js';

describe('TypeScript types for frontends', () => {
  it('openapi/types.ts is what openapi-typescript makes of openapi/openapi.json (run npm run openapi when this fails)', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'news-api-types-')), 'types.ts');
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/openapi-typescript'), [OPENAPI_PATH, '-o', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const committed = readFileSync(path.join(ROOT, 'openapi/types.ts'), 'utf8');
    expect(committed).toBe(readFileSync(out, 'utf8'));
    expect(committed).toContain('"/search": {');
    expect(committed).toContain('"/ready": {');
  });
});
