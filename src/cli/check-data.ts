/**
 * The data checker: loads a directory exactly as the server would and reports every problem,
 * then a summary. Exit 0 when clean, 1 when any problem, 2 on a usage error.
 *
 *   npm run check-data -- <dir> [--json]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { countProblems, DataDirError, loadArticles, type LoadResult } from '../loader/index.js';
import { formatFor } from '../loader/registry.js';
import { isMainModule } from '../main-module.js';

export interface CheckReport {
  dataDir: string;
  filesRead: number;
  filesIgnored: number;
  articles: number;
  problems: Array<{ path: string; line: number | null; kind: string; reason: string }>;
  problemsByKind: Record<string, number>;
  duplicates: number;
  removed: { chromeLines: number; duplicateLines: number };
  /** Per input format: files read, articles served, problems reported. */
  byFormat: Record<string, { files: number; articles: number; problems: number }>;
  /** Articles per language, and how many of those languages were detected rather than stated. */
  byLanguage: Record<string, number>;
  languagesDetected: number;
  durationMs: number;
}

export function report(dataDir: string, r: LoadResult): CheckReport {
  const problemsByKind = countProblems(r.problems).byKind;
  return {
    dataDir,
    filesRead: r.stats.filesRead,
    filesIgnored: r.stats.filesIgnored,
    articles: r.articles.length,
    problems: r.problems.map((p) => ({ path: p.path, line: p.line, kind: p.kind, reason: p.reason })),
    problemsByKind,
    duplicates: problemsByKind.duplicate ?? 0,
    removed: { chromeLines: r.stats.chromeLinesRemoved, duplicateLines: r.stats.duplicateLinesRemoved },
    byFormat: byFormat(r),
    byLanguage: Object.fromEntries(Object.entries(r.stats.byLanguage).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
    languagesDetected: r.stats.languagesDetected,
    durationMs: r.stats.durationMs,
  };
}

function byFormat(r: LoadResult): CheckReport['byFormat'] {
  const out: CheckReport['byFormat'] = {};
  for (const [format, n] of Object.entries(r.stats.byFormat)) out[format] = { ...n, problems: 0 };
  for (const p of r.problems) {
    const format = formatFor(p.path)?.format;
    if (format) (out[format] ??= { files: 0, articles: 0, problems: 0 }).problems++;
  }
  return out;
}

export function formatText(rep: CheckReport): string {
  const lines = rep.problems.map((p) => `${p.path}${p.line !== null ? `:${p.line}` : ''}: ${p.kind}: ${p.reason}`);
  const kinds = Object.entries(rep.problemsByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  if (lines.length) lines.push('');
  lines.push(
    `checked ${rep.dataDir} in ${rep.durationMs} ms`,
    `  files read:      ${rep.filesRead}${rep.filesIgnored ? ` (${rep.filesIgnored} other files ignored)` : ''}`,
    `  articles:        ${rep.articles}`,
    `  problems:        ${Object.values(rep.problemsByKind).reduce((a, b) => a + b, 0)}${kinds ? ` (${kinds})` : ''}`,
    `  duplicates:      ${rep.duplicates}`,
    `  removed:         ${rep.removed.chromeLines} chrome lines, ${rep.removed.duplicateLines} duplicate captions/lines`,
    `  by format:       ${Object.entries(rep.byFormat).map(([f, n]) => `${f} ${n.files} files, ${n.articles} articles, ${n.problems} problems`).join('; ') || 'none'}`,
    `  by language:     ${Object.entries(rep.byLanguage).map(([l, n]) => `${l} ${n}`).join(', ') || 'none'}${rep.languagesDetected ? ` (${rep.languagesDetected} detected from the text)` : ''}`,
    rep.problems.length ? 'result: PROBLEMS' : 'result: clean',
  );
  return `${lines.join('\n')}\n`;
}

const USAGE = 'usage: check-data <data-dir> [--json]';

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr.write(`check-data: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.positionals.length !== 1) {
    io.stderr.write(`check-data: expected one data directory, got ${args.positionals.length}\n${USAGE}\n`);
    return 2;
  }
  const dir = args.positionals[0]!;
  const tty = Boolean((io.stderr as NodeJS.WriteStream).isTTY);
  let lastDraw = 0;
  let result: LoadResult;
  try {
    result = await loadArticles(dir, {
      parseWorkers: availableParallelism(),
      onProgress: tty
        ? (done, total) => {
            const now = Date.now();
            if (now - lastDraw < 100 && done < total) return;
            lastDraw = now;
            const width = 30;
            const filled = Math.round((done / total) * width);
            io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
            if (done === total) io.stderr.write('\n');
          }
        : undefined,
    });
  } catch (e) {
    if (e instanceof DataDirError) {
      io.stderr.write(`check-data: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const rep = report(dir, result);
  io.stdout.write(args.values.json ? `${JSON.stringify(rep, null, 2)}\n` : formatText(rep));
  return rep.problems.length ? 1 : 0;
}

if (isMainModule(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
