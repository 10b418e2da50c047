/**
 * Watches a data directory for the reloader and says WHICH paths changed.
 *
 * One non-recursive fs.watch per folder (one inotify watch each on Linux), not one per file:
 * Node 20's recursive watcher walks and watches every file on its own and froze the event loop
 * for 30-42 s when 5,000 files arrived at once. Here an event costs one map insert; the kinds
 * (added, changed, removed) are resolved in batches with asynchronous lstat calls, and only a
 * new folder is walked (to watch it and the folders below it).
 *
 * The data folder itself is checked by identity (device and inode) whenever its parent folder
 * reports its name, and every `checkIntervalMs` as a fallback: a folder deleted and recreated,
 * renamed into place, or a symlink pointed at another release, is watched again and reported
 * as `'all'` (everything may have changed). While it is missing, the state says so.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { FOLDER_CHROME_FILE, FOLDER_DEFAULTS_FILE } from '../loader/walk.js';

/** `added` may name a path the consumer already holds (a file replaced by a rename): read it again. */
export type ChangeKind = 'added' | 'changed' | 'removed';

export interface FileChange {
  /** Relative to the data directory, `/`-separated. */
  path: string;
  kind: ChangeKind;
  /** True when the path is a folder: everything below it was added or removed. */
  folder: boolean;
}

/** `'all'`: the data folder was replaced (or watching was lost and is back); rescan everything. */
export type ChangeBatch = readonly FileChange[] | 'all';

export interface WatchStatus {
  /**
   * `off`: not watching; `watching`: every folder is watched; `partial`: some folders could not
   * be watched (see `error`; retried); `lost`: the data folder is gone or unwatchable (retried).
   */
  state: 'off' | 'watching' | 'partial' | 'lost';
  /** Folders being watched. */
  folders: number;
  error: string | null;
}

export const WATCH_OFF: WatchStatus = Object.freeze({ state: 'off', folders: 0, error: null });

export interface DataDirWatcherOptions {
  root: string;
  onChanges: (changes: ChangeBatch) => void;
  onStatus?: (status: WatchStatus) => void;
  /** How often the data folder's identity is checked and failed folders retried. */
  checkIntervalMs?: number;
  /** Raw events gather this long before their kinds are resolved in one batch. */
  settleMs?: number;
}

interface Watched {
  watcher: FSWatcher;
  /** `dev:ino`, to notice a folder replaced under the same name. */
  id: string;
}

/** Names the loader skips are not worth a reload, except the folder files it reads (defaults, chrome). */
const FOLDER_FILES: ReadonlySet<string> = new Set([FOLDER_DEFAULTS_FILE, FOLDER_CHROME_FILE]);
const ignoredName = (name: string) => name.startsWith('.') || (name.startsWith('_') && !FOLDER_FILES.has(name));

const identity = (st: { dev: number; ino: number }) => `${st.dev}:${st.ino}`;

export class DataDirWatcher {
  private readonly root: string;
  private readonly folders = new Map<string, Watched>();
  /** Folders that could not be watched (descriptor or inotify limits), retried on each check. */
  private readonly failed = new Map<string, string>();
  private readonly raw = new Map<string, 'rename' | 'change'>();
  private rootId: string | null = null;
  private parentWatcher: FSWatcher | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private lostReason: string | null = null;
  private closed = false;
  private lastStatus = '';

  constructor(private readonly o: DataDirWatcherOptions) {
    this.root = path.resolve(o.root);
  }

  /** Starts watching; resolves once every folder present now is watched (or found missing). */
  async start(): Promise<void> {
    this.watchParent();
    await this.establish();
    this.checkTimer = setInterval(() => void this.check(), this.o.checkIntervalMs ?? 1000);
    this.checkTimer.unref();
  }

  get status(): WatchStatus {
    if (this.closed) return WATCH_OFF;
    if (this.rootId === null) return { state: 'lost', folders: 0, error: this.lostReason ?? 'the data folder is not being watched' };
    if (this.failed.size > 0) {
      const [dir, why] = this.failed.entries().next().value!;
      return { state: 'partial', folders: this.folders.size, error: `${this.failed.size} folder(s) not watched, first ${this.rel(dir) || '.'}: ${why}` };
    }
    return { state: 'watching', folders: this.folders.size, error: null };
  }

  close(): void {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.parentWatcher?.close();
    for (const w of this.folders.values()) w.watcher.close();
    this.folders.clear();
    this.failed.clear();
    this.report();
  }

  /** The parent folder names the data folder when it is deleted, created or renamed into place. */
  private watchParent(): void {
    const parent = path.dirname(this.root);
    if (parent === this.root) return;
    const name = path.basename(this.root);
    try {
      this.parentWatcher = watch(parent, { persistent: false }, (_type, changed) => {
        if (changed === null || changed === name) void this.check();
      });
      this.parentWatcher.on('error', () => {
        this.parentWatcher?.close();
        this.parentWatcher = null;
      });
    } catch {
      // The interval check still notices a replaced folder, only later.
    }
  }

  /** Watches the data folder and every folder below it; the folder's identity is remembered. */
  private async establish(): Promise<boolean> {
    let st;
    try {
      st = await fs.stat(this.root);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (e) {
      this.lostReason = `the data folder cannot be watched: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}`;
      this.report();
      return false;
    }
    this.rootId = identity(st);
    this.lostReason = null;
    await this.watchTree(this.root);
    this.report();
    return true;
  }

  private unwatchAll(reason: string): void {
    for (const w of this.folders.values()) w.watcher.close();
    this.folders.clear();
    this.failed.clear();
    this.rootId = null;
    this.lostReason = reason;
  }

  /** Is the data folder still the one being watched? Replaced or back: watch it again, and say 'all'. */
  private check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let id: string | null = null;
    try {
      const st = await fs.stat(this.root);
      if (st.isDirectory()) id = identity(st);
    } catch {
      // gone: id stays null
    }
    if (this.closed) return;
    if (id === this.rootId) {
      if (id !== null && this.failed.size > 0) await this.retryFailed();
      return;
    }
    const wasWatching = this.rootId !== null;
    this.unwatchAll(id === null ? 'the data folder is gone; waiting for it to come back' : 'the data folder was replaced');
    this.report();
    if (id !== null) await this.establish();
    if (this.closed) return;
    // A vanished folder is reported too: the reloader's rebuild fails and says so, and keeps serving.
    if (wasWatching || this.rootId !== null) this.o.onChanges('all');
    // A new folder is often still being filled (copied in place): look again for folders left out.
    if (this.rootId !== null) for (const ms of [1000, 5000]) setTimeout(() => void this.sweep(), ms).unref();
  }

  private async retryFailed(): Promise<void> {
    const dirs = [...this.failed.keys()];
    this.failed.clear();
    for (const dir of dirs) await this.watchTree(dir);

    this.report();
    if (this.failed.size < dirs.length) this.o.onChanges(dirs.filter((d) => !this.failed.has(d)).map((d) => ({ path: this.rel(d), kind: 'added', folder: true })));
  }

  /**
   * Watches a folder and, walking it, the folders below it (symlinks are not followed); returns
   * the folders newly watched. `sweep` also walks folders already watched: a folder created
   * while its parent was being walked can slip between a listing and a watch.
   */
  private async watchTree(dir: string, sweep = false, found: string[] = []): Promise<string[]> {
    if (this.closed) return found;
    if (!this.folders.has(dir)) {
      try {
        const id = identity(await fs.stat(dir));
        // Another walk may have watched it meanwhile.
        if (this.closed) return found;
        if (!this.folders.has(dir)) {
          const watcher = watch(dir, { persistent: false }, (type, name) => this.onEvent(dir, type, name));
          watcher.on('error', (e) => this.onFolderError(dir, e));
          this.folders.set(dir, { watcher, id });
          found.push(dir);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.failed.set(dir, (e as Error).message);
        return found;
      }
    } else if (!sweep) return found;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return found; // the loader reports an unreadable folder; its watch still says when it changes
    }
    for (const ent of entries) if (ent.isDirectory() && !ignoredName(ent.name)) await this.watchTree(path.join(dir, ent.name), sweep, found);
    return found;
  }

  /** Walks every folder again and watches any left out; they are reported as added. */
  private async sweep(): Promise<void> {
    if (this.closed || this.rootId === null) return;
    const found = await this.watchTree(this.root, true);
    if (this.closed) return;
    this.report();
    if (found.length > 0) this.o.onChanges(found.map((d) => ({ path: this.rel(d), kind: 'added', folder: true })));
  }

  private onFolderError(dir: string, e: Error): void {
    this.unwatchTree(dir);
    if (dir === this.root) void this.check();
    else {
      this.failed.set(dir, e.message);
      this.report();
    }
  }

  private unwatchTree(dir: string): void {
    const below = dir + path.sep;
    for (const [d, w] of this.folders) {
      if (d === dir || d.startsWith(below)) {
        w.watcher.close();
        this.folders.delete(d);
      }
    }
    for (const d of [...this.failed.keys()]) if (d === dir || d.startsWith(below)) this.failed.delete(d);
  }

  /** O(1) per event: thousands of new files cost thousands of map inserts, nothing more. */
  private onEvent(dir: string, type: string, name: string | Buffer | null): void {
    if (this.closed) return;
    const file = name === null ? null : String(name);
    if (file !== null && ignoredName(file)) return;
    const abs = file === null ? dir : path.join(dir, file);
    this.raw.set(abs, type === 'rename' || this.raw.get(abs) === 'rename' ? 'rename' : 'change');
    this.flushTimer ??= setTimeout(() => void this.flush(), this.o.settleMs ?? 50);
  }

  /** Resolves the gathered events into changes (lstat in bounded batches) and hands them on. */
  private async flush(): Promise<void> {
    this.flushTimer = null;
    const batch = [...this.raw];
    this.raw.clear();
    const changes: FileChange[] = [];
    const removedFolders: string[] = [];
    for (let i = 0; i < batch.length && !this.closed; i += 256) {
      const slice = batch.slice(i, i + 256);
      const stats = await Promise.all(slice.map(([abs]) => fs.lstat(abs).catch(() => null)));
      for (let k = 0; k < slice.length; k++) {
        const [abs, type] = slice[k]!;
        const st = stats[k]!;
        const known = this.folders.get(abs);
        if (abs === this.root) continue; // the data folder itself: check() decides
        if (st === null) {
          if (known) {
            this.unwatchTree(abs);
            removedFolders.push(abs);
          }
          changes.push({ path: this.rel(abs), kind: 'removed', folder: Boolean(known) });
        } else if (st.isDirectory()) {
          if (known && known.id === identity(st)) changes.push({ path: this.rel(abs), kind: 'changed', folder: true });
          else {
            if (known) this.unwatchTree(abs);
            await this.watchTree(abs);
            changes.push({ path: this.rel(abs), kind: 'added', folder: true });
          }
        } else {
          if (known) {
            this.unwatchTree(abs);
            removedFolders.push(abs);
          }
          changes.push({ path: this.rel(abs), kind: type === 'rename' ? 'added' : 'changed', folder: false });
        }
      }
    }
    if (this.closed) return;
    this.report();
    // A removed folder's own watch also reports it; changes below a removed folder are covered by it.
    const out = changes.filter((c) => !removedFolders.some((d) => this.abs(c.path).startsWith(d + path.sep)));
    if (out.length > 0) this.o.onChanges(out);
  }

  private rel(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  private report(): void {
    const s = this.status;
    const key = `${s.state}|${s.folders}|${s.error}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.o.onStatus?.(s);
  }
}
