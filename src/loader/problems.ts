/**
 * Problems, bounded per file: the first PROBLEMS_LISTED_PER_FILE of a file are kept one by one,
 * the rest only counted, by kind, in one summary problem for the file. A 5 MB file of 2.6 million
 * bad NDJSON lines is then 11 problems in memory and in the log, not 2.6 million (520 MB of log
 * lines and 2.5 GB of memory per reload), while the counts stay true.
 */
import type { ProblemKind } from './types.js';

export interface LoadProblem {
  /** Path relative to the data directory. */
  path: string;
  /** Line within the file (NDJSON) or entry number (JSON arrays), else null. */
  line: number | null;
  kind: ProblemKind;
  reason: string;
  /** On a file's summary problem: the problems not listed, by kind. */
  omitted?: Partial<Record<ProblemKind, number>>;
}

export const PROBLEMS_LISTED_PER_FILE = 10;

export class ProblemList {
  private readonly listed: LoadProblem[] = [];
  private readonly perFile = new Map<string, number>();
  private readonly omitted = new Map<string, Partial<Record<ProblemKind, number>>>();

  constructor(private readonly perFileLimit = PROBLEMS_LISTED_PER_FILE) {}

  add(p: LoadProblem): void {
    const n = (this.perFile.get(p.path) ?? 0) + 1;
    this.perFile.set(p.path, n);
    if (n <= this.perFileLimit) {
      this.listed.push(p);
      return;
    }
    const counts = this.omitted.get(p.path) ?? {};
    counts[p.kind] = (counts[p.kind] ?? 0) + 1;
    this.omitted.set(p.path, counts);
  }

  /** Problems already counted elsewhere (a parser that stopped listing them), added to a file's summary. */
  addOmitted(path: string, counts: Partial<Record<ProblemKind, number>>): void {
    const mine = this.omitted.get(path) ?? {};
    for (const [k, n] of Object.entries(counts) as Array<[ProblemKind, number]>) mine[k] = (mine[k] ?? 0) + n;
    this.omitted.set(path, mine);
  }

  /** The listed problems and one summary per file with more, sorted by path and line. */
  finish(): LoadProblem[] {
    const out = this.listed.slice();
    for (const [path, counts] of this.omitted) {
      const entries = Object.entries(counts) as Array<[ProblemKind, number]>;
      const total = entries.reduce((a, [, n]) => a + n, 0);
      const top = entries.sort((a, b) => b[1] - a[1])[0]![0];
      const what = entries.map(([k, n]) => `${k} ${n}`).join(', ');
      out.push({ path, line: null, kind: top, reason: `${total} more problem(s) in this file not listed (${what})`, omitted: counts });
    }
    // Summaries (line null) after the file's listed lines.
    return out.sort(compareProblems);
  }
}

/** The order of a problem list: by path and line, a file's summary after its listed lines. */
export function compareProblems(a: LoadProblem, b: LoadProblem): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? Infinity) - (b.line ?? Infinity) || (a.omitted ? 1 : 0) - (b.omitted ? 1 : 0);
}

/** True counts, summaries expanded: what /health and check-data report. */
export function countProblems(problems: readonly LoadProblem[]): { total: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const p of problems) {
    if (!p.omitted) {
      byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
      total++;
      continue;
    }
    for (const [k, n] of Object.entries(p.omitted) as Array<[string, number]>) {
      byKind[k] = (byKind[k] ?? 0) + n;
      total += n;
    }
  }
  return { total, byKind };
}

/** Writes problems to a log, at most `max` lines, then one line with the count of the rest. */
export function logProblems(logger: { warn: (obj: object, msg: string) => void }, problems: readonly LoadProblem[], max = 1000): void {
  for (const p of problems.slice(0, max)) logger.warn({ path: p.path, line: p.line, kind: p.kind }, `skipped ${p.path}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
  if (problems.length > max) logger.warn({ notLogged: problems.length - max }, `and ${problems.length - max} more problem(s) not logged (npm run check-data lists them all)`);
}
