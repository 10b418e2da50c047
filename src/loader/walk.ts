/** Walking the data directory: every article file below it, with symlink loops and unreadable folders reported. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CHROME, type ChromeList } from './normalise/chrome.js';

/** Names that are documentation or configuration, not articles. */
const NOT_ARTICLES = /^(?:readme|license|licence|notice|copying|changelog)(?:\.[a-z]+)?$/iu;

/** Names a walk passes over without counting them: hidden files and `_`-prefixed folder files. */
const skipped = (name: string): boolean => name.startsWith('.') || name.startsWith('_');

/** A file name a walk lists as an article (others it counts as ignored). */
const articleName = (name: string, accept: (name: string) => boolean): boolean => !NOT_ARTICLES.test(name) && accept(name);

/** `_source.json` in a folder: defaults for every file below it that does not say otherwise. */
export const FolderDefaultsFile = z.object({
  source: z
    .union([z.string().trim().min(1).transform((name) => ({ name })), z.object({ id: z.string().trim().min(1).optional(), name: z.string().trim().min(1) })], {
      error: '"source" must be a name or { "id", "name" }',
    })
    .optional(),
  language: z.string().trim().min(2).optional(),
  category: z.string().trim().min(1).optional(),
  /** The site's address: relative links in the files below (JSON and Markdown exports) resolve against it. */
  url: z.string().trim().regex(/^https?:\/\/[^\s/]+/u, { error: '"url" must be an http(s) address' }).optional(),
});
export const FOLDER_DEFAULTS_FILE = '_source.json';
/** `_chrome.txt` in a folder: more page-chrome lines for every file below it, one a line (`#` starts a comment). */
export const FOLDER_CHROME_FILE = '_chrome.txt';

export interface FolderDefaults {
  source?: { id?: string | undefined; name: string };
  language?: string;
  category?: string;
  url?: string;
  /** The built-in chrome lines plus those of every `_chrome.txt` on the way down. */
  chrome: ChromeList;
}

export interface WalkEntry {
  abs: string;
  rel: string;
  defaults: FolderDefaults;
}
export interface WalkProblem {
  rel: string;
  reason: string;
  /** Default `unreadable`. */
  kind?: 'unreadable' | 'outside-data-dir' | 'not-a-file';
}

export interface WalkOptions {
  /** Follow symlinks whose real path is outside the data folder (off: they are reported, not read). */
  followSymlinksOutside?: boolean;
}

/** What a directory entry is when it is neither a file nor a folder (reported, never opened: a FIFO would block a read). */
export function specialKind(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string | null {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return null;
}

/** The process ran out of descriptors (or the system of open files): what was read is incomplete, not wrong data. */
export const isExhaustion = (e: unknown) => ['EMFILE', 'ENFILE'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/** What a walk found: article files in walk order, problems, files ignored, and each folder's defaults. */
export interface Walk {
  files: WalkEntry[];
  problems: WalkProblem[];
  ignored: number;
  /** Why the data folder could not be read as a whole (see walkDataDir); null when it could. */
  unreadable: string | null;
  /** Folders walked (`''` is the data folder) with the defaults of the files in them. */
  folders: Map<string, FolderDefaults>;
  /**
   * A walk made from the last one and the named paths (walkChanges): the named article files
   * present now, those of them the last walk did not hold, and the named ones it held that are
   * gone. Absent for a walk of the whole folder.
   */
  named?: { present: WalkEntry[]; added: WalkEntry[]; removed: string[]; folders: string[] };
}

export async function walkDataDir(root: string, accept: (name: string) => boolean, options: WalkOptions = {}): Promise<Walk> {
  const files: WalkEntry[] = [];
  const folders = new Map<string, FolderDefaults>();
  const problems: WalkProblem[] = [];
  let ignored = 0;
  /** Why the data folder itself, or any folder for want of descriptors, could not be read: the walk is not the folder's content. */
  let unreadable: string | null = null;
  const seenDirs = new Set<string>();

  async function readFolderFile(dirAbs: string, dirRel: string, name: string): Promise<string | null> {
    try {
      return await fs.readFile(path.join(dirAbs, name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') problems.push({ rel: dirRel ? `${dirRel}/${name}` : name, reason: `cannot read folder file: ${errText(e)}` });
      return null;
    }
  }

  async function readDefaults(dirAbs: string, dirRel: string, inherited: FolderDefaults): Promise<FolderDefaults> {
    const raw = await readFolderFile(dirAbs, dirRel, FOLDER_DEFAULTS_FILE);
    if (raw === null) return inherited;
    let parsed: z.infer<typeof FolderDefaultsFile>;
    try {
      const r = FolderDefaultsFile.safeParse(JSON.parse(raw));
      if (!r.success) {
        const issue = r.error.issues[0]!;
        throw new Error(issue.path.length ? issue.message : 'expected an object');
      }
      parsed = r.data;
    } catch (e) {
      problems.push({ rel: dirRel ? `${dirRel}/${FOLDER_DEFAULTS_FILE}` : FOLDER_DEFAULTS_FILE, reason: `bad folder defaults: ${(e as Error).message}` });
      return inherited;
    }
    const out: FolderDefaults = { ...inherited };
    if (parsed.source) out.source = parsed.source;
    if (parsed.language) out.language = parsed.language;
    if (parsed.category) out.category = parsed.category;
    if (parsed.url) out.url = parsed.url;
    return out;
  }

  async function readChrome(dirAbs: string, dirRel: string, inherited: FolderDefaults): Promise<FolderDefaults> {
    const raw = await readFolderFile(dirAbs, dirRel, FOLDER_CHROME_FILE);
    if (raw === null) return inherited;
    const lines = raw
      .split(/\r?\n/u)
      .map((l) => l.replace(/(?:^|\s)#.*$/u, '').trim())
      .filter(Boolean);
    return { ...inherited, chrome: inherited.chrome.extend(lines) };
  }

  // Symlinks may point anywhere (`/etc/passwd`, `/`): only real paths inside the data folder are read.
  let rootReal = root;
  try {
    rootReal = await fs.realpath(root);
  } catch (e) {
    unreadable = `the folder could not be resolved: ${errText(e)}`;
  }
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep);

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
    let defaults = entries.some((e) => e.name === FOLDER_DEFAULTS_FILE) ? await readDefaults(dirAbs, dirRel, inherited) : inherited;
    if (entries.some((e) => e.name === FOLDER_CHROME_FILE)) defaults = await readChrome(dirAbs, dirRel, defaults);
    folders.set(dirRel, defaults);
    for (const ent of entries) {
      if (skipped(ent.name)) continue;
      const abs = path.join(dirAbs, ent.name);
      const rel = dirRel ? `${dirRel}/${ent.name}` : ent.name;
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      let special = specialKind(ent);
      if (ent.isSymbolicLink()) {
        try {
          const real = await fs.realpath(abs);
          if (!options.followSymlinksOutside && !inside(real)) {
            problems.push({ rel, kind: 'outside-data-dir', reason: 'symlink to a path outside the data folder; not followed' });
            continue;
          }
          const st = await fs.stat(real);
          isDir = st.isDirectory();
          isFile = st.isFile();
          special = specialKind(st);
        } catch (e) {
          problems.push({ rel, reason: `broken symlink: ${errText(e)}` });
          continue;
        }
      }
      if (special) {
        problems.push({ rel, kind: 'not-a-file', reason: `${special}, not a file; not read` });
        continue;
      }
      if (isDir) await visit(abs, rel, defaults);
      else if (isFile && articleName(ent.name, accept)) files.push({ abs, rel, defaults });
      else ignored++;
    }
  }
  if (!unreadable) await visit(root, '', { chrome: DEFAULT_CHROME });
  return { files, problems, ignored, unreadable, folders };
}

/**
 * The last walk brought up to date by the paths a watcher named, without listing any folder: each
 * named path is looked at alone (one lstat) and added to or dropped from the files. Null when the
 * named paths could change more than their own entries (a folder, a symlink, a folder's
 * `_source.json` or `_chrome.txt`, a path the last walk reported as a problem, a file in a folder
 * it did not walk): then the folder must be walked again.
 */
export async function walkChanges(
  root: string,
  last: Walk,
  changed: ReadonlyArray<{ path: string }>,
  accept: (name: string) => boolean,
  /** Lets requests in between slices of the pass over the last walk's files (5-12 ms at 100,000 files in one piece). */
  breathe: () => Promise<void> = async () => undefined,
  slice = 4096,
): Promise<Walk | null> {
  if (last.unreadable || changed.length > 1000) return null;
  const problemPaths = new Set(last.problems.map((p) => p.rel));
  const present = new Map<string, WalkEntry>();
  const gone = new Set<string>();
  // New folders named by the watcher (a scraper's folder of the day): listed here alone.
  let folders: Map<string, FolderDefaults> | null = null;
  const newFolders: string[] = [];
  for (const { path: rel } of changed) {
    const slash = rel.lastIndexOf('/');
    const name = rel.slice(slash + 1);
    const defaults = last.folders.get(slash < 0 ? '' : rel.slice(0, slash));
    if (!name || !defaults || last.folders.has(rel) || problemPaths.has(rel) || name === FOLDER_DEFAULTS_FILE || name === FOLDER_CHROME_FILE) return null;
    if (skipped(name)) continue; // never an article, whatever it is
    const abs = path.join(root, ...rel.split('/'));
    let st;
    try {
      st = await fs.lstat(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
      st = null;
    }
    if (st?.isDirectory()) {
      const inside = await newFolderFiles(abs, rel, defaults, accept);
      if (inside === null) return null;
      (folders ??= new Map(last.folders)).set(rel, defaults);
      newFolders.push(rel);
      gone.add(rel); // a file of that name, replaced by the folder, is gone
      for (const f of inside) present.set(f.rel, f);
      continue;
    }
    // Not a regular file, or not an article file (a walk counts those as ignored): walk again.
    if ((st && !st.isFile()) || !articleName(name, accept)) return null;
    if (st) present.set(rel, { abs, rel, defaults });
    else gone.add(rel);
  }
  // One pass over the last walk's files (no map of them): the gone dropped, the new appended.
  const files: WalkEntry[] = [];
  const named = [...present.values()];
  const removed: string[] = [];
  for (let i = 0; i < last.files.length; i++) {
    if (i % slice === slice - 1) await breathe();
    const f = last.files[i]!;
    if (gone.has(f.rel)) {
      removed.push(f.rel);
      continue;
    }
    files.push(f);
    present.delete(f.rel);
  }
  const added = [...present.values()];
  for (const f of added) files.push(f);
  return { files, problems: last.problems, ignored: last.ignored, unreadable: null, folders: folders ?? last.folders, named: { present: named, added, removed, folders: newFolders } };
}

/**
 * The article files of a folder new since the last walk, as a walk would list them (inheriting
 * `defaults`), when it holds article files only: null when it holds anything a walk would treat
 * otherwise (a folder, a symlink, folder defaults or chrome, a file it would count as ignored),
 * so that the caller walks the whole folder instead.
 */
async function newFolderFiles(abs: string, rel: string, defaults: FolderDefaults, accept: (name: string) => boolean): Promise<WalkEntry[] | null> {
  let entries;
  try {
    entries = await fs.readdir(abs, { withFileTypes: true });
  } catch {
    return null;
  }
  const out: WalkEntry[] = [];
  for (const ent of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (ent.name === FOLDER_DEFAULTS_FILE || ent.name === FOLDER_CHROME_FILE) return null;
    if (skipped(ent.name)) continue;
    if (!ent.isFile() || !articleName(ent.name, accept)) return null;
    out.push({ abs: path.join(abs, ent.name), rel: `${rel}/${ent.name}`, defaults });
  }
  return out;
}

/**
 * `ENOENT: no such file or directory (open)`: the code, the words and the call, without the
 * absolute path Node appends (problems name their path relative to the data folder, and
 * /health must not show where the data lives).
 */
export function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) return String(err?.message ?? e);
  const words = err.message.replace(/^[A-Z]+: /u, '').replace(/, (\w+) '.*'$/su, ' ($1)');
  return `${err.code}: ${words}`;
}
