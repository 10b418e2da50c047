/** Helpers to load the shared BBC corpus for tests and benchmarks (not copied into the repo). */
import { paragraphsOf } from '../../src/articles/record.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SearchDocument } from '../../src/search/index.js';

export const BBC_ROOT = resolve(import.meta.dirname, '../../../shared/corpora/bbc-news');
export const bbcExists = existsSync(BBC_ROOT);

/** headline = line 1, paragraphs = remaining non-empty lines; category folders in sorted order. */
export function loadBbc(root = BBC_ROOT): Array<SearchDocument & { category: string; file: string }> {
  const out: Array<SearchDocument & { category: string; file: string }> = [];
  for (const cat of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const f of readdirSync(join(root, cat)).filter((f) => f.endsWith('.txt')).sort()) {
      const lines = readFileSync(join(root, cat, f), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
      out.push({ title: lines[0] ?? '', paragraphs: lines.slice(1), category: cat, file: f });
    }
  }
  return out;
}

/** Deterministic PRNG. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Known-item queries: for every `step`-th document, `words` distinctive body words chosen at
 * random among the document's words (lower-case, 4+ letters) that occur in 2..50 documents
 * (raw word counts, independent of the search tokeniser).
 */
export function knownItemQueries(docs: readonly SearchDocument[], step = 7, words = 3, seed = 1): Array<{ doc: number; q: string }> {
  const wordsOf = (d: SearchDocument): Set<string> => new Set(paragraphsOf(d).join(' ').toLowerCase().match(/[a-z]{4,}/g) ?? []);
  const sets = docs.map(wordsOf);
  const df = new Map<string, number>();
  for (const s of sets) for (const w of s) df.set(w, (df.get(w) ?? 0) + 1);
  const r = rng(seed);
  const out: Array<{ doc: number; q: string }> = [];
  for (let d = 0; d < docs.length; d += step) {
    const cands = [...sets[d]!].filter((w) => {
      const n = df.get(w)!;
      return n >= 2 && n <= 50;
    }).sort();
    if (cands.length < words) continue;
    const picked: string[] = [];
    while (picked.length < words) {
      const w = cands[Math.floor(r() * cands.length)]!;
      if (!picked.includes(w)) picked.push(w);
    }
    out.push({ doc: d, q: picked.join(' ') });
  }
  return out;
}
