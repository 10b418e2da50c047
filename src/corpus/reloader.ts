/**
 * Live reload: rebuilds the corpus when the data directory changes (with --watch) or on demand
 * (SIGHUP), then swaps it in atomically. A rebuild runs at most once at a time; changes that
 * arrive during one are coalesced into the next. A failed rebuild, or one refused by --strict,
 * keeps the last good snapshot and is reported in the log and in /health.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Corpus } from './corpus.js';
import type { CorpusStore } from './store.js';

export interface ReloaderOptions {
  /** Builds a fresh snapshot from the data directory (throws when the directory is unusable). */
  build: () => Promise<Corpus>;
  store: CorpusStore;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Refuse to swap in a snapshot with any problem. */
  strict?: boolean;
  /** Quiet time after the last change before rebuilding. */
  debounceMs?: number;
  /** A stream of changes still rebuilds at least this often. */
  maxWaitMs?: number;
}

export type ReloadOutcome =
  | { status: 'swapped'; version: string; articles: number; problems: number; ms: number }
  | { status: 'unchanged'; version: string; ms: number }
  | { status: 'failed'; reason: string; ms: number };

export class Reloader {
  private running: Promise<ReloadOutcome> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private firstChangeAt = 0;
  private watcher: FSWatcher | null = null;
  private rewatchTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Rebuilds done so far (tests and /health). */
  builds = 0;

  constructor(private readonly o: ReloaderOptions) {}

  /** Rebuild now (or right after the one running) and swap if it succeeds. */
  reload(reason: string): Promise<ReloadOutcome> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.rebuild(reason).finally(() => {
      this.running = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload('changes during the last rebuild');
      }
    });
    return this.running;
  }

  private async rebuild(reason: string): Promise<ReloadOutcome> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    this.builds++;
    const previous = this.o.store.current;
    let next: Corpus;
    try {
      next = await this.o.build();
    } catch (e) {
      const why = `reload failed (${reason}): ${(e as Error).message}; still serving version ${previous.version}`;
      this.o.store.fail(why);
      this.o.logger.error({ err: e }, why);
      return { status: 'failed', reason: why, ms: ms() };
    }
    if (this.o.strict && next.problems.length > 0) {
      previous.adoptStoryIndex(next);
      const why = `reload refused (--strict): ${next.problems.length} problem(s), first ${next.problems[0]!.path}: ${next.problems[0]!.reason}; still serving version ${previous.version}`;
      this.o.store.fail(why);
      this.o.logger.error(why);
      return { status: 'failed', reason: why, ms: ms() };
    }
    for (const p of next.problems) this.o.logger.warn({ path: p.path, line: p.line, kind: p.kind }, `skipped ${p.path}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
    if (next.version === previous.version) {
      previous.adoptStoryIndex(next);
      this.o.store.swap(previous);
      this.o.logger.info({ version: next.version, reason }, 'reload: content unchanged');
      return { status: 'unchanged', version: next.version, ms: ms() };
    }
    this.o.store.swap(next);
    this.o.logger.info({ version: next.version, previous: previous.version, articles: next.size, problems: next.problems.length, ms: ms(), reason }, 'reload: new corpus swapped in');
    return { status: 'swapped', version: next.version, articles: next.size, problems: next.problems.length, ms: ms() };
  }

  /** Notes a change; the rebuild waits for a quiet spell (debounce), but no longer than maxWaitMs. */
  changed(): void {
    if (this.closed) return;
    const debounce = this.o.debounceMs ?? 300;
    const maxWait = this.o.maxWaitMs ?? 3000;
    const now = Date.now();
    if (!this.timer) this.firstChangeAt = now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(debounce, this.firstChangeAt + maxWait - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reload('files changed');
    }, wait);
  }

  /** Watches the directory tree (recursive fs.watch); if the directory goes away, retries. */
  watch(dir: string): void {
    if (this.closed) return;
    try {
      this.watcher = watch(dir, { recursive: true, persistent: false }, () => this.changed());
      this.watcher.on('error', (e) => {
        this.o.logger.warn({ err: e }, `watching ${dir} stopped; retrying`);
        this.watcher?.close();
        this.watcher = null;
        this.changed();
        this.rewatch(dir);
      });
    } catch (e) {
      this.o.logger.warn({ err: e }, `cannot watch ${dir}; retrying`);
      this.rewatch(dir);
    }
  }

  private rewatch(dir: string): void {
    if (this.rewatchTimer || this.closed) return;
    this.rewatchTimer = setTimeout(() => {
      this.rewatchTimer = null;
      this.watch(dir);
      if (this.watcher) this.changed();
    }, 2000);
    this.rewatchTimer.unref();
  }

  /** Stops watching and waits for a rebuild in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.rewatchTimer) clearTimeout(this.rewatchTimer);
    this.watcher?.close();
    if (this.running) await this.running.catch(() => undefined);
  }
}
