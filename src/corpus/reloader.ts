/**
 * Live reload: rebuilds the corpus when the data directory changes (with --watch) or on demand
 * (SIGHUP), then swaps it in atomically. A rebuild runs at most once at a time; changes that
 * arrive during one are coalesced into the next. A failed rebuild, or one refused (by --strict,
 * or by the drop guard), keeps the last good snapshot and is reported in the log and in /health.
 */
import type { FastifyBaseLogger } from 'fastify';
import { DataDirError, logProblems } from '../loader/index.js';
import type { Corpus } from './corpus.js';
import type { CorpusStore } from './store.js';
import { DataDirWatcher, type ChangeBatch, type FileChange } from './watcher.js';

/**
 * What changed since the snapshot being served: the paths the watcher saw, or undefined when
 * anything may have changed (SIGHUP, the folder replaced, a failed rebuild before). An update
 * reads only these files (the others come from the parse cache unread); undefined, every file is
 * stat'd and those whose size or modification time changed are read.
 */
export type Changes = readonly FileChange[] | undefined;

export interface ReloaderOptions {
  /** Builds a fresh snapshot from the data directory (throws when the directory is unusable). */
  build: (changes?: Changes) => Promise<Corpus>;
  store: CorpusStore;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Refuse to swap in a snapshot with any problem. */
  strict?: boolean;
  /**
   * Refuse to swap in a snapshot holding fewer than (100 - maxDropPercent)% of the articles
   * served now (a folder half read, half deleted, or replaced by the wrong one). 100 turns it off.
   * A SIGHUP reload is the operator asking, and is not refused by it.
   */
  maxDropPercent?: number;
  /** Quiet time after the last change before rebuilding, when the watcher could not say what changed (default 300). */
  debounceMs?: number;
  /**
   * Quiet time when every change since the last rebuild came named by the watcher (default 20):
   * the watcher has already gathered its raw events for 50 ms, and a named change is read alone,
   * so waiting longer only delays it; a burst still becomes few rebuilds, since changes that
   * arrive during one are taken together by the next.
   */
  namedDebounceMs?: number;
  /** A stream of changes still rebuilds at least this often. */
  maxWaitMs?: number;
  /** How often the watcher checks that the data folder is still the one it watches. */
  watchCheckMs?: number;
  /**
   * While watching, a failed or refused reload is tried again after this long, doubling up to a
   * minute: a folder read half copied may get no further change events (default 2000).
   */
  retryMs?: number;
}

export type ReloadOutcome =
  | { status: 'swapped'; version: string; articles: number; problems: number; ms: number }
  | { status: 'unchanged'; version: string; ms: number }
  | { status: 'failed'; reason: string; ms: number };

export interface ReloadRequest {
  /** Skip the drop guard (the operator asked for this reload). */
  force?: boolean;
}

export class Reloader {
  private running: Promise<ReloadOutcome> | null = null;
  private again: { reason: string; force: boolean } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstChangeAt = 0;
  private watcher: DataDirWatcher | null = null;
  private closed = false;
  /** Paths changed since the last rebuild started; null when everything may have changed. */
  private pending: Map<string, FileChange> | null = new Map();
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  /** Rebuilds done so far (the reload tests count them). */
  builds = 0;

  constructor(private readonly o: ReloaderOptions) {}

  /** True while a rebuild runs (the served version may be about to change). */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Rebuild now (or right after the one running), reading everything, and swap if it succeeds. */
  reload(reason: string, request: ReloadRequest = {}): Promise<ReloadOutcome> {
    this.pending = null;
    return this.schedule(reason, request);
  }

  private schedule(reason: string, request: ReloadRequest): Promise<ReloadOutcome> {
    if (this.running) {
      this.again = { reason: this.again?.reason ?? 'changes during the last rebuild', force: Boolean(this.again?.force || request.force) };
      return this.running;
    }
    this.running = this.rebuild(reason, request).finally(() => {
      this.running = null;
      const again = this.again;
      this.again = null;
      if (again && !this.closed) void this.schedule(again.reason, { force: again.force });
    });
    return this.running;
  }

  private async rebuild(reason: string, request: ReloadRequest): Promise<ReloadOutcome> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    this.builds++;
    this.o.store.pendingChanges = 0;
    const previous = this.o.store.current;
    const changes = this.pending ? [...this.pending.values()] : undefined;
    this.pending = new Map();
    let next: Corpus;
    try {
      next = await this.o.build(changes);
    } catch (e) {
      this.pending = null; // what the failed build did not take in must be read next time
      // DataDirError names the folder as configured (often an absolute path); /health says only why.
      const cause = e instanceof DataDirError ? `the data directory ${e.reason}` : (e as Error).message;
      return this.refuse(`reload failed (${reason}): ${cause}; still serving version ${previous.version}`, ms, e);
    }
    if (this.o.strict && next.problems.length > 0) {
      this.o.store.readWithoutSwap(next);
      return this.refuse(
        `reload refused (--strict): ${next.problemReport.total} problem(s), first ${next.problems[0]!.path}: ${next.problems[0]!.reason}; still serving version ${previous.version}`,
        ms,
        undefined,
        false, // the files' own problems: the next change will tell
      );
    }
    const maxDrop = this.o.maxDropPercent ?? 50;
    const dropped = previous.size - next.size;
    if (!request.force && maxDrop < 100 && dropped > 0 && (dropped * 100) / previous.size > maxDrop) {
      this.o.store.readWithoutSwap(next);
      this.pending = null;
      return this.refuse(
        `reload refused (${reason}): it would serve ${next.size} articles instead of ${previous.size} (${Math.round((dropped * 100) / previous.size)}% gone at once; RELOAD_MAX_DROP is ${maxDrop}%); send SIGHUP to accept it; still serving version ${previous.version}`,
        ms,
      );
    }
    logProblems(this.o.logger, next.problems);
    if (next.version === previous.version) {
      this.retries = 0;
      // Same articles: keep the served snapshot (its caches and ETags), but its problems are today's.
      this.o.store.swap(previous, ms());
      this.o.store.readWithoutSwap(next);
      this.o.logger.info({ version: next.version, problems: next.problemReport.total, reason }, 'reload: content unchanged');
      return { status: 'unchanged', version: next.version, ms: ms() };
    }
    this.retries = 0;
    this.o.store.swap(next, ms());
    this.o.logger.info({ version: next.version, previous: previous.version, articles: next.size, problems: next.problemReport.total, change: next.change, ms: ms(), reason, phases: next.phases }, 'reload: new corpus swapped in');
    return { status: 'swapped', version: next.version, articles: next.size, problems: next.problemReport.total, ms: ms() };
  }

  private refuse(why: string, ms: () => number, err?: unknown, retry = true): ReloadOutcome {
    this.o.store.fail(why);
    if (err) this.o.logger.error({ err }, why);
    else this.o.logger.error(why);
    if (retry && this.watcher && !this.closed && !this.retryTimer) {
      const delay = Math.min(60_000, (this.o.retryMs ?? 2000) * 2 ** this.retries++);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.pending = null;
        void this.schedule('retrying the last failed reload', {});
      }, delay);
      this.retryTimer.unref();
    }
    return { status: 'failed', reason: why, ms: ms() };
  }

  /** Notes changes; the rebuild waits for a quiet spell (debounce), but no longer than maxWaitMs. */
  changed(changes: ChangeBatch = 'all'): void {
    if (this.closed) return;
    this.o.store.pendingChanges += changes === 'all' ? 1 : changes.length;
    if (changes === 'all') this.pending = null;
    else if (this.pending) for (const c of changes) this.pending.set(c.path, c);
    const debounce = this.pending ? (this.o.namedDebounceMs ?? 20) : (this.o.debounceMs ?? 300);
    const maxWait = this.o.maxWaitMs ?? 3000;
    const now = Date.now();
    if (!this.timer) this.firstChangeAt = now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(debounce, this.firstChangeAt + maxWait - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.schedule('files changed', {});
    }, wait);
  }

  /**
   * Watches the data directory (one watch per folder; see watcher.ts) and reports the watch
   * state in the store for /health. Resolves once the folders present now are watched.
   */
  async watch(dir: string): Promise<void> {
    if (this.closed || this.watcher) return;
    this.watcher = new DataDirWatcher({
      root: dir,
      onChanges: (changes) => this.changed(changes),
      onStatus: (status) => {
        if (status.state !== this.o.store.watch.state) {
          const log = status.state === 'watching' || status.state === 'off' ? this.o.logger.info : this.o.logger.warn;
          log.call(this.o.logger, { watch: status }, `watch: ${status.state}${status.error ? ` (${status.error})` : ''}`);
        }
        this.o.store.watch = status;
      },
      checkIntervalMs: this.o.watchCheckMs,
    });
    await this.watcher.start();
  }

  /** Stops watching and waits for a rebuild in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watcher?.close();
    if (this.running) await this.running.catch(() => undefined);
  }
}
