/** Walking the data directory: every article file below it, with symlink loops and unreadable folders reported. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Names that are documentation or configuration, not articles. */
const NOT_ARTICLES = /^(?:readme|license|licence|notice|copying|changelog)(?:\.[a-z]+)?$/iu;

export interface WalkEntry {
  abs: string;
  rel: string;
}
export interface WalkProblem {
  rel: string;
  reason: string;
}

export async function walkDataDir(root: string, accept: (name: string) => boolean) {
  const files: WalkEntry[] = [];
  const problems: WalkProblem[] = [];
  let ignored = 0;
  const seenDirs = new Set<string>();

  async function visit(dirAbs: string, dirRel: string): Promise<void> {
    let real: string;
    try {
      real = await fs.realpath(dirAbs);
    } catch (e) {
      problems.push({ rel: dirRel || '.', reason: `cannot resolve folder: ${errText(e)}` });
      return;
    }
    if (seenDirs.has(real)) {
      problems.push({ rel: dirRel || '.', reason: 'symlink loop: folder already visited' });
      return;
    }
    seenDirs.add(real);
    let entries;
    try {
      entries = await fs.readdir(dirAbs, { withFileTypes: true });
    } catch (e) {
      problems.push({ rel: dirRel || '.', reason: `cannot read folder: ${errText(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      if (ent.name.startsWith('.') || ent.name.startsWith('_')) continue;
      const abs = path.join(dirAbs, ent.name);
      const rel = dirRel ? `${dirRel}/${ent.name}` : ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        try {
          const st = await fs.stat(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          problems.push({ rel, reason: `broken symlink: ${errText(e)}` });
          continue;
        }
      }
      if (isDir) await visit(abs, rel);
      else if (isFile && !NOT_ARTICLES.test(ent.name) && accept(ent.name)) files.push({ abs, rel });
      else ignored++;
    }
  }
  await visit(root, '');
  return { files, problems, ignored };
}

export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /u, '')}` : String(err?.message ?? e);
}
