/**
 * Writing the version being served as a snapshot, while serving: at shutdown
 * (`SNAPSHOT_ON_EXIT`) and on a schedule (`SNAPSHOT_SAVE_MINUTES`), so the next start (or a
 * replica given the file) starts from it. A snapshot records the folder's file stats, and a start
 * serves it as is when they still match, so it is written only when the served version is known
 * to be the folder's content: while watching, with no change pending, no reload running or
 * refused, and the same version before and after the folder was stat'd. Otherwise it is skipped
 * and the log says why.
 */
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Corpus, CorpusStore, SegmentBuild } from '../corpus/index.js';
import type { ParseCache } from '../loader/index.js';
import { fingerprintDataDirOffThread, writeSnapshot } from './files.js';
import type { FileFingerprint } from './format.js';

/**
 * Writes `corpus` as a snapshot of `dataDir` whose files were `files`, with the parse cache of
 * the load that made it when given; a merge it needs is built by `build` (a worker) when given.
 */
export async function writeCorpusSnapshot(
  file: string,
  dataDir: string,
  files: FileFingerprint[],
  corpus: Corpus,
  options: { build?: SegmentBuild | undefined; parses?: ParseCache | undefined } = {},
): Promise<{ articles: number; bytes: number }> {
  const { build, parses } = options;
  const { articles, parts, stories, orders } = await corpus.toSnapshotParts(build);
  const bytes = await writeSnapshot(file, {
    dataDir: path.resolve(dataDir),
    createdAt: new Date().toISOString(),
    files,
    articles,
    problems: corpus.problems.slice(),
    stats: corpus.stats,
    segment: parts,
    stories,
    orders,
    ...(parses ? { parses: parses.toStored((id) => corpus.get(id)) } : {}),
  });
  return { articles: articles.length, bytes };
}

export interface SnapshotSaverOptions {
  file: string;
  dataDir: string;
  store: CorpusStore;
  /** True while a reload is running (the served version is about to change). */
  reloading: () => boolean;
  build?: SegmentBuild;
  /** The parse cache of the server's loads (stored so the next start parses only files changed since). */
  parses?: ParseCache;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  /** Minutes between scheduled snapshots; 0: none. */
  everyMinutes: number;
}

export class SnapshotSaver {
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<boolean> | null = null;

  constructor(private readonly o: SnapshotSaverOptions) {
    if (o.everyMinutes > 0) {
      this.timer = setInterval(() => void this.save('scheduled'), o.everyMinutes * 60_000);
      this.timer.unref();
    }
  }

  /** Why the served version may not be the folder's content now, or null when it is. */
  private notNow(): string | null {
    const { store } = this.o;
    if (store.watch.state !== 'watching') return `the folder is not watched (${store.watch.state}), so the files may be newer than the served version`;
    if (store.pendingChanges > 0 || this.o.reloading()) return 'changes are pending';
    if (store.lastReloadError) return `the last reload failed (${store.lastReloadError})`;
    if (store.problems !== store.current.problemReport) return 'the files were read since the served version was made';
    return null;
  }

  /** Writes the snapshot now unless it would not match the folder; true when written. */
  save(reason: string): Promise<boolean> {
    this.saving ??= this.saveOnce(reason).finally(() => (this.saving = null));
    return this.saving;
  }

  private async saveOnce(reason: string): Promise<boolean> {
    const started = performance.now();
    const served = this.o.store.current;
    let why = this.notNow();
    try {
      // stat'd on a worker thread: 100,000 stats through the event loop would hold up requests for seconds
      const files = why ? [] : await fingerprintDataDirOffThread(this.o.dataDir);
      why ??= this.notNow() ?? (this.o.store.current !== served ? 'a reload swapped in another version meanwhile' : null);
      if (why) {
        this.o.logger.warn({ snapshot: this.o.file, reason }, `snapshot not written: ${why}`);
        return false;
      }
      const written = await writeCorpusSnapshot(this.o.file, this.o.dataDir, files, served, { build: this.o.build, parses: this.o.parses });
      this.o.logger.info({ snapshot: this.o.file, reason, ...written, version: served.version, ms: Math.round(performance.now() - started) }, 'snapshot written');
      return true;
    } catch (e) {
      this.o.logger.warn({ snapshot: this.o.file, reason, err: e }, `snapshot not written: ${(e as Error).message}`);
      return false;
    }
  }

  /** Stops the schedule and waits for a snapshot being written. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.saving;
  }
}
