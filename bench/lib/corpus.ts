/**
 * Reads a corpus folder (BBC format: `<dir>/<category>/<name>.txt`, headline on the first
 * non-empty line, one paragraph per later non-empty line) into memory for the benchmarks.
 * Files are read in sorted path order, so doc numbers are stable between runs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface BenchDoc {
  title: string;
  paragraphs: string[];
  /** First folder below the corpus dir ('' for files at the top level). */
  category: string;
  /** 'YYYY-MM' of the first full date in the text, or '' when there is none. */
  month: string;
}

export interface Corpus {
  docs: BenchDoc[];
  /** UTF-8 bytes of title + paragraphs (no separators): the "raw text" size. */
  rawBytes: number;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
  'september', 'october', 'november', 'december'];
const M = '(January|February|March|April|May|June|July|August|September|October|November|December)';
const DATE_RE = new RegExp(`\\b(?:\\d{1,2} ${M} (\\d{4})|${M} \\d{1,2}, (\\d{4}))\\b`);

/** 'YYYY-MM' from the first "9 August 2021" / "August 9, 2021" style date, else ''. */
export function firstMonth(text: string): string {
  const m = DATE_RE.exec(text);
  if (!m) return '';
  const month = MONTHS.indexOf((m[1] ?? m[3] ?? '').toLowerCase()) + 1;
  return `${m[2] ?? m[4]}-${String(month).padStart(2, '0')}`;
}

async function listTxt(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listTxt(p)));
    else if (e.isFile() && e.name.endsWith('.txt')) out.push(p);
  }
  return out;
}

/** Parses one article file; null when it has no non-empty line. */
export function parseArticle(text: string, category: string): BenchDoc | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const [title, ...paragraphs] = lines;
  if (title === undefined) return null;
  return { title, paragraphs, category, month: firstMonth(text) };
}

export async function readCorpus(dir: string, concurrency = 64): Promise<Corpus> {
  const files = (await listTxt(dir)).sort();
  const docs: Array<BenchDoc | null> = new Array(files.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const rel = relative(dir, file).split(sep);
      const category = rel.length > 1 ? rel[0]! : '';
      docs[i] = parseArticle(await readFile(file, 'utf8'), category);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const kept = docs.filter((d): d is BenchDoc => d !== null);
  let rawBytes = 0;
  for (const d of kept) {
    rawBytes += Buffer.byteLength(d.title);
    for (const p of d.paragraphs) rawBytes += Buffer.byteLength(p);
  }
  return { docs: kept, rawBytes };
}
