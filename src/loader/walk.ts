/** Walking the data directory: every article file below it, with symlink loops and unreadable folders reported. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Names that are documentation or configuration, not articles. */
const NOT_ARTICLES = /^(?:readme|license|licence|notice|copying|changelog)(?:\.[a-z]+)?$/iu;

/** `_source.json` in a folder: defaults for every file below it that does not say otherwise. */
export interface FolderDefaults {
  source?: { id?: string; name: string };
  language?: string;
  category?: string;
}
export const FOLDER_DEFAULTS_FILE = '_source.json';

export interface WalkEntry {
  abs: string;
  rel: string;
  defaults: FolderDefaults;
}
export interface WalkProblem {
  rel: string;
  reason: string;
}

/** The process ran out of descriptors (or the system of open files): what was read is incomplete, not wrong data. */
export const isExhaustion = (e: unknown) => ['EMFILE', 'ENFILE'].includes((e as NodeJS.ErrnoException)?.code ?? '');

export async function walkDataDir(root: string, accept: (name: string) => boolean) {
  const files: WalkEntry[] = [];
  const problems: WalkProblem[] = [];
  let ignored = 0;
  /** Why the data folder itself, or any folder for want of descriptors, could not be read: the walk is not the folder's content. */
  let unreadable: string | null = null;
  const seenDirs = new Set<string>();

  async function readDefaults(dirAbs: string, dirRel: string, inherited: FolderDefaults): Promise<FolderDefaults> {
    const rel = dirRel ? `${dirRel}/${FOLDER_DEFAULTS_FILE}` : FOLDER_DEFAULTS_FILE;
    let raw: string;
    try {
      raw = await fs.readFile(path.join(dirAbs, FOLDER_DEFAULTS_FILE), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problems.push({ rel, reason: `cannot read folder defaults: ${errText(e)}` });
      return inherited;
    }
    try {
      const v = JSON.parse(raw) as Record<string, unknown>;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected an object');
      const out: FolderDefaults = { ...inherited };
      if (typeof v.source === 'string' && v.source.trim()) out.source = { name: v.source.trim() };
      else if (v.source && typeof v.source === 'object' && typeof (v.source as { name?: unknown }).name === 'string') {
        const s = v.source as { id?: unknown; name: string };
        out.source = { name: s.name.trim(), ...(typeof s.id === 'string' ? { id: s.id } : {}) };
      } else if (v.source !== undefined) throw new Error('"source" must be a name or { "id", "name" }');
      if (typeof v.language === 'string') out.language = v.language;
      if (typeof v.category === 'string') out.category = v.category;
      return out;
    } catch (e) {
      problems.push({ rel, reason: `bad folder defaults: ${(e as Error).message}` });
      return inherited;
    }
  }

  async function visit(dirAbs: string, dirRel: string, inherited: FolderDefaults): Promise<void> {
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
      if (!dirRel || isExhaustion(e)) unreadable ??= `${dirRel ? `folder ${dirRel}` : 'the folder'} could not be read: ${errText(e)}`;
      problems.push({ rel: dirRel || '.', reason: `cannot read folder: ${errText(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const defaults = entries.some((e) => e.name === FOLDER_DEFAULTS_FILE) ? await readDefaults(dirAbs, dirRel, inherited) : inherited;
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
      if (isDir) await visit(abs, rel, defaults);
      else if (isFile && !NOT_ARTICLES.test(ent.name) && accept(ent.name)) files.push({ abs, rel, defaults });
      else ignored++;
    }
  }
  await visit(root, '', {});
  return { files, problems, ignored, unreadable };
}

export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /u, '')}` : String(err?.message ?? e);
}
