/**
 * Hostile data files, each loaded alone: how long the load takes, the longest event-loop delay
 * meanwhile (what a server answering requests during a reload would feel), and what it becomes.
 *
 *   npx tsx bench/hostile-files.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadArticles } from '../src/loader/index.js';

const files: Record<string, () => string> = {
  'quotes.md (6 KB of nested >)': () => `# Title\n\n${'>'.repeat(6000)} deep\n`,
  'nested-list.md (3 MB, depth cycling to 200)': () => `# Title\n\n${Array.from({ length: 200_000 }, (_, i) => `${'  '.repeat(i % 200)}- item ${i}`).join('\n')}`.slice(0, 3_000_000),
  'flat-list.md (2 MB)': () => `# Title\n\n${Array.from({ length: 250_000 }, (_, i) => `- item ${i}`).join('\n')}`.slice(0, 2_000_000),
  'paragraphs.md (4 MB of ordinary paragraphs)': () => `# Title\n\n${Array.from({ length: 100_000 }, (_, i) => `Paragraph ${i} with some words in it and more words.`).join('\n\n')}`.slice(0, 4_000_000),
  'bad.ndjson (1.7M lines of "{x")': () => '{x\n'.repeat(1_700_000),
  'bad.ndjson (1.25M lines of "{x}")': () => '{x}\n'.repeat(1_250_000),
};

console.log(`hostile files (node ${process.version}, ${new Date().toISOString()})`);
for (const [name, make] of Object.entries(files)) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hostile-'));
  writeFileSync(path.join(dir, name.split(' ')[0]!), make());
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = performance.now();
  const r = await loadArticles(dir, { maxFileBytes: 8 * 1024 * 1024 });
  const ms = performance.now() - t0;
  lag.disable();
  const what = r.articles.length ? `${r.articles.length} article` : `${r.problems.length} problem(s) listed, ${r.stats.problems} counted: ${r.problems[0]?.reason.slice(0, 70)}`;
  console.log(`  ${name.padEnd(46)} ${String(Math.round(ms)).padStart(6)} ms, event-loop delay max ${String(Math.round(lag.max / 1e6)).padStart(5)} ms; ${what}`);
  rmSync(dir, { recursive: true, force: true });
}
