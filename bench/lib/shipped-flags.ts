/**
 * The Node flags the product ships with: those `npm start` gives `node` before `dist/server.js`
 * (the Dockerfile's CMD carries the same ones; tests/launch-flags.test.ts checks both). Benchmarks
 * that start the server put them first, so a figure is of the server as operators run it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function shippedNodeFlags(root: string): string[] {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.start ?? '';
  const words = start.split(/\s+/u).filter((w) => w !== '');
  const server = words.indexOf('dist/server.js');
  if (words[0] !== 'node' || server < 0) throw new Error(`package.json's start script is not "node [flags] dist/server.js": ${start}`);
  return words.slice(1, server);
}
