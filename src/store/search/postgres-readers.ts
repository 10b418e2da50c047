/**
 * The version SEARCH_BACKEND=postgres serves: the store's last change number, followed as a
 * replica follows it (LISTEN/NOTIFY as the wake-up, a poll as the safety net), so answers are
 * cached per change and `X-Corpus-Version` / ETags move when the articles do. Replicas reading
 * one database name the same version. Nothing but that number and the article count is kept.
 */
import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { ReaderStore } from '../../corpus/article-reader.js';
import { ListenerSlot } from '../listen.js';
import { lastChange } from '../postgres.js';
import type { DatabaseStatus } from '../replica.js';
import { PostgresReader } from './postgres-reader.js';
import { prewarmSearch, type PrewarmMode } from './prewarm.js';

export interface PostgresReadersOptions {
  /** Reads (DATABASE_READ_URL when given). */
  pool: pg.Pool;
  /** Where notifications come from (the primary: a streaming replica delivers none). */
  listen: pg.ClientConfig;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  pollMs: number;
  /** Matches a relevance search ranks (SEARCH_RANK_WINDOW; DEFAULT_SEARCH_RANK_WINDOW unless given). */
  rankWindow?: number;
  /** SEARCH_PREWARM: what to read into the database host's memory before the first search (prewarm.ts); nothing unless given. */
  prewarm?: PrewarmMode;
}

export class PostgresReaders implements ReaderStore {
  private reader: PostgresReader;
  private readonly listener = new ListenerSlot();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private closed = false;
  private state: DatabaseStatus = { state: 'connected', lastChange: 0, lastContactAt: null, lastError: null };

  private constructor(private readonly o: PostgresReadersOptions, first: PostgresReader) {
    this.reader = first;
    this.state = { ...this.state, lastChange: first.seq, lastContactAt: new Date() };
  }

  /** Reads the current version (throws when the database cannot be read), then follows changes. */
  static async open(o: PostgresReadersOptions): Promise<PostgresReaders> {
    const first = await PostgresReaders.readVersion(o);
    if (o.prewarm !== undefined && o.prewarm !== 'off') await PostgresReaders.prewarm(o, o.prewarm);
    const readers = new PostgresReaders(o, first);
    readers.schedule(0);
    return readers;
  }

  /**
   * Warms what searches read (prewarm.ts) before the server says it is ready. A failure is logged,
   * not thrown: a cold cache makes the first searches slower, it does not make them wrong.
   */
  private static async prewarm({ pool, logger }: PostgresReadersOptions, mode: PrewarmMode): Promise<void> {
    const started = performance.now();
    try {
      const out = await prewarmSearch(pool, mode);
      if (out.skipped) logger.info({ mode }, `search prewarm skipped: ${out.skipped}`);
      else logger.info({ mode, relations: out.relations, budgetBlocks: out.budgetBlocks, ms: Math.round(performance.now() - started) }, 'search prewarm: read into the database host\'s page cache');
    } catch (e) {
      logger.warn({ err: e, mode }, 'search prewarm failed; the first searches read from disk');
    }
  }

  private static async readVersion({ pool, rankWindow }: PostgresReadersOptions, previous?: PostgresReader): Promise<PostgresReader> {
    const started = performance.now();
    const seq = await lastChange(pool);
    if (previous && previous.seq === seq) return previous;
    const n = Number((await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM articles')).rows[0]!.n);
    return new PostgresReader(pool, seq, n, new Date(), Math.round(performance.now() - started), rankWindow);
  }

  get current(): PostgresReader {
    return this.reader;
  }

  /** Only the version being served: SQL always reads the current rows, so an older version cannot be answered. */
  version(version: string): PostgresReader | undefined {
    return version === this.reader.version ? this.reader : undefined;
  }

  status(): DatabaseStatus {
    return this.state;
  }

  /** Brings the version up to date now (tests, SIGHUP). */
  refresh(): Promise<void> {
    this.refreshing ??= this.cycle().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule(this.o.pollMs)), ms);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    try {
      if (!this.listener.connected) await this.connectListener();
      const next = await PostgresReaders.readVersion(this.o, this.reader);
      if (next !== this.reader) this.o.logger.info({ version: next.version, articles: next.size }, 'search backend: new version');
      this.reader = next;
      if (this.state.lastError) this.o.logger.info({ lastChange: next.seq }, 'search backend: database reachable again');
      this.state = { state: 'connected', lastChange: next.seq, lastContactAt: new Date(), lastError: null };
    } catch (e) {
      const why = `database unreachable: ${(e as Error).message}; answering from version ${this.reader.version} when it returns`;
      if (this.state.lastError === null) this.o.logger.warn({ err: e }, why);
      this.state = { ...this.state, state: 'reconnecting', lastError: why };
      await this.dropListener();
    }
  }

  private connectListener(): Promise<void> {
    return this.listener.connect(
      this.o.listen,
      () => void this.refresh(),
      () => this.schedule(0),
    );
  }

  private dropListener(): Promise<void> {
    return this.listener.drop();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.refreshing?.catch(() => undefined);
    await this.dropListener();
  }
}
