import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA_DIR = path.join(ROOT, 'data');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');
export const BBC_DIR = path.resolve(ROOT, '../shared/corpora/bbc-news');
export const HAVE_BBC = existsSync(path.join(BBC_DIR, 'business'));
export const SEED_ID = 'cgtn-2021-08-09-us-afghans-defend-country-taliban-advance';

/** Says once, loudly, why BBC-corpus tests are skipped. */
export function bbcSkipReason(): string | null {
  if (HAVE_BBC) return null;
  const reason = `BBC corpus not found at ${BBC_DIR}; tests that need it are skipped (it lives in ../shared beside the repo)`;
  console.warn(`[skip] ${reason}`);
  return reason;
}

/** A temporary data directory holding the given files (path → contents). */
export function tempDataDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'news-api-'));
  for (const [rel, body] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, body);
  }
  return dir;
}

/** A plain-text article file: headline, then paragraphs. */
export function articleText(title: string, ...paragraphs: string[]): string {
  return `${title}\n\n${paragraphs.join('\n\n')}\n`;
}
