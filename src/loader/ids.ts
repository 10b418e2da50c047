import { createHash } from 'node:crypto';
import { slugify } from './normalise/clean.js';

/**
 * Article ids come from the file path below the data directory (and the record's line for
 * multi-article files), so they are stable across restarts and file-order changes. When two
 * paths fold to the same id, every member of the clash gets a short hash of its own path, so the
 * result does not depend on which file was read first.
 */
export function baseId(relPath: string, line: number | null): string {
  const noExt = relPath.replace(/\.[A-Za-z0-9]+$/u, '');
  const base = slugify(noExt.replace(/[\\/]/gu, ' '), 160) || 'article';
  return line === null ? base : `${base}-${line}`;
}

/** `breathe` is awaited every `every` items (a reload lets requests in between slices). */
export async function assignUniqueIds<T extends { key: string; id: string }>(items: T[], breathe?: () => Promise<void>, every = 4096): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const [i, it] of items.entries()) {
    if (breathe && i % every === every - 1) await breathe();
    const g = groups.get(it.id);
    if (g) g.push(it);
    else groups.set(it.id, [it]);
  }
  for (const [id, g] of groups) {
    if (g.length < 2) continue;
    for (const it of g) it.id = `${id}-${createHash('sha1').update(it.key).digest('hex').slice(0, 8)}`;
  }
}
