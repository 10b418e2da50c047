#!/usr/bin/env node
/**
 * `npm start`'s pre-step: compiles src/ to dist/ only when something the build reads is newer
 * than the last build (dist/.build-stamp), so a restart does not spend seconds in tsc.
 * Plain JavaScript, so it runs before anything is compiled and without tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist/.build-stamp');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...inputs.map((i) => newest(path.join(root, i))));
if (built > 0 && changed <= built && !process.argv.includes('--force')) process.exit(0);

process.stderr.write(built > 0 ? 'sources changed since the last build: compiling\n' : 'first start: compiling src/ to dist/\n');
const started = Date.now();
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
process.stderr.write(`compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
