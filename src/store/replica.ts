/**
 * A replica follows the shared store: it loads a whole snapshot once, then applies the changes
 * after the last change number it has seen. LISTEN/NOTIFY only wakes it up; the change number is
 * the truth, and a poll every `pollMs` runs anyway, so a dropped connection or a notification
 * sent while it was away loses nothing: the next catch-up asks for everything after its number.
 *
 * Changes reach the served corpus through one seam, `build(articles, previous)`: the served
 * version updated by what changed (Corpus.update: only changed articles indexed), swapped into
 * the CorpusStore in one assignment as the folder reloader does, so a request never sees half a
 * batch.
 *
 * Given a snapshot file (SNAPSHOT), a replica starts from it when that snapshot was written by a
 * replica of the same store (its identity row) at a change number the store has reached, then
 * catches up with the changes after that number, as it does while running; otherwise (given a
 * shelf of published snapshots, SNAPSHOT_IN_DATABASE) it copies the newest snapshot published in
 * the database to that file and starts from it the same way, and failing both it loads the whole
 * store. The server has it write the file (atomically, with its change number) after a start
 * that could not use one, and publish it, so the next start of any replica of that store is quicker.
 *
 * While PostgreSQL is unreachable the replica keeps serving its last corpus, retries with
 * backoff (250 ms doubling to 10 s), and says so in `status()` (/health, and /ready when the
 * operator asks for strict readiness).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { Article } from '../articles/schema.js';
import { Corpus, SegmentBuilder, type CorpusStore } from '../corpus/index.js';
import { knownOrdersOf } from '../corpus/corpus.js';
import { unpackFingerprint } from '../corpus/segment-builder.js';
import { addFingerprinted } from '../corpus/stories.js';
import type { LoadResult } from '../loader/index.js';
import { StoryIndex } from '../search/near-duplicates.js';
import { openSnapshot } from '../snapshot/files.js';
import { SnapshotError, type SnapshotContent } from '../snapshot/format.js';
import type { PublishedSnapshot } from './published-snapshots.js';
import { startModuleWorker } from '../worker-module.js';
import type { SnapshotWorkerMessage } from './snapshot-worker.js';
import { ListenerSlot } from './listen.js';
import type { Segment } from '../search/index.js';
import type { ArticleChange, ArticleChangeSource, SnapshotPageSink } from './types.js';

export interface DatabaseStatus {
  state: 'connected' | 'reconnecting';
  /** The last change number this replica has applied. */
  lastChange: number;
  lastContactAt: Date | null;
  lastError: string | null;
}

export interface ReplicaOptions {
  source: ArticleChangeSource;
  /** Settings of the connection that LISTENs (the primary: notifications do not cross to standbys). */
  listen: pg.ClientConfig;
  /**
   * The seam: the served corpus for this article set, made from the one served now when there is
   * one; `set` names the article set and says what changed since the one `previous` was made from.
   */
  build: (articles: readonly Article[], previous?: Corpus, set?: ArticleSet) => Corpus;
  /** The first corpus, built from every article (sorted by id); `build(articles)` when absent. */
  buildFirst?: (articles: readonly Article[], set: ArticleSet) => Promise<Corpus>;
  /**
   * A first build that starts while the store's snapshot is read, page by page (see
   * {@link corpusWhileReading}); when it cannot give the first corpus (too few articles, the
   * store's id order not ours), `buildFirst` makes it after the read as without one.
   */
  streamFirst?: () => FirstBuildStream;
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Safety-net poll when no notification arrives. */
  pollMs?: number;
  /** Wait after a wake-up before catching up, so a burst of commits is applied as one. */
  settleMs?: number;
  /** Snapshots published in the database: the start's second choice when its own snapshot file cannot be used. */
  published?: PublishedSnapshotShelf;
}

/**
 * Names an article set a replica's corpus is made from (LoadResult.token) and, from the second
 * on, what changed since the set before (LoadResult.delta): updating a corpus of that set, the
 * corpus looks up the changed ids alone instead of comparing all 100,000 articles (0.1-0.2 s of
 * each one-article change at 100k, on a loaded machine).
 */
export interface ArticleSet {
  token: object;
  delta?: { since: object; added: Article[]; removed: string[] };
}

/** Where replicas publish snapshot files for each other (PublishedSnapshots: PostgreSQL). */
export interface PublishedSnapshotShelf {
  /** Copies the newest published snapshot to `file`; null when none is published. */
  copyNewestTo(file: string): Promise<PublishedSnapshot | null>;
  /** Publishes the snapshot file `file` (its articles include every change up to `change`) unless one as new is published. */
  publish(file: string, change: number): Promise<PublishedSnapshot | null>;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

export class Replica {
  private articles = new Map<string, Article>();
  /** The values of `articles` sorted by id, kept up to date by merging (a full sort of 100,000 ids costs about 0.1 s a change). */
  private order: Article[] = [];
  private seq = 0;
  /** Names the article set of the last corpus made (see ArticleSet). */
  private token: object = {};
  private store: CorpusStore | null = null;
  /** The corpus load() returned, until follow() hands over a store. */
  private first: Corpus | null = null;
  private readonly listener = new ListenerSlot();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private backoff = MIN_BACKOFF_MS;
  private closed = false;
  /** Aborted by close(): a snapshot being written stops (its temporary file removed; the snapshot file is never half written). */
  private readonly closing = new AbortController();
  private current: DatabaseStatus = { state: 'reconnecting', lastChange: 0, lastContactAt: null, lastError: null };
  /** Catch-ups that applied changes (tests). */
  applied = 0;

  constructor(private readonly o: ReplicaOptions) {}

  /**
   * The first corpus: from `snapshotFile` when given and usable (then brought up to the store's
   * last change), else from a whole snapshot of the store. Throws when the store cannot be read.
   */
  async load(snapshotFile?: string): Promise<Corpus> {
    if (snapshotFile !== undefined) {
      const started = performance.now();
      try {
        const corpus = await this.fromSnapshotFile(snapshotFile);
        this.o.logger.info({ snapshot: snapshotFile, articles: corpus.size, lastChange: this.seq, ms: Math.round(performance.now() - started) }, 'replica: started from the snapshot, caught up with the store');
        this.startedFrom = 'snapshot';
        return (this.first = corpus);
      } catch (e) {
        if (!(e instanceof SnapshotError)) throw e;
        this.o.logger.warn(`snapshot ${snapshotFile} not used (${e.message}); ${this.o.published ? 'trying the one published in the database' : 'loading every article from the database'}`);
      }
      const published = this.o.published ? await this.fromPublished(this.o.published, snapshotFile) : null;
      if (published) return (this.first = published);
    }
    const asked = performance.now();
    const stream = this.o.streamFirst?.();
    try {
      const snap = await this.o.source.snapshot(stream?.page);
      const fetchMs = Math.round(performance.now() - asked);
      // One set() an article: no [id, article] pair made for each of 100,000 articles.
      this.articles = new Map();
      for (const a of snap.articles) this.articles.set(a.id, a);
      this.seq = snap.seq;
      this.contact();
      const built = performance.now();
      // Read in id order (keyset pages): checked in one pass, sorted only when the store's collation orders ids otherwise.
      this.order = inIdOrder(snap.articles) ? snap.articles : byId([...this.articles.values()]);
      const set = { token: (this.token = {}) };
      const streamed = (await stream?.finish(this.order, set)) ?? null;
      if (streamed && stream?.timeline) this.o.logger.info({ timeline: stream.timeline() }, 'replica: first build timeline');
      this.first = streamed ?? (this.o.buildFirst ? await this.o.buildFirst(this.order, set) : this.o.build(this.order, undefined, set));
      // buildMs: what the build took after the read (a streamed build began during it).
      this.o.logger.info({ articles: this.first.size, lastChange: this.seq, fetchMs, buildMs: Math.round(performance.now() - built), streamed: streamed !== null }, 'replica: loaded every article from the database');
      return this.first;
    } finally {
      await stream?.close();
    }
  }

  /** Where load() started from: its own snapshot file, a snapshot published in the database (copied to that file), or every article in the database. */
  startedFrom: 'snapshot' | 'published' | 'database' = 'database';

  /** True when load() started from a snapshot (its own file or one published in the database). */
  get startedFromSnapshot(): boolean {
    return this.startedFrom !== 'database';
  }

  /** The change number of the snapshot file load() started from (its articles include every change up to it). */
  snapshotChange: number | null = null;

  /**
   * The newest snapshot published in the database, copied to `file` and started from as from the
   * replica's own; null (said in the log) when none is published or it cannot be used, and the
   * whole store is loaded instead.
   */
  private async fromPublished(published: PublishedSnapshotShelf, file: string): Promise<Corpus | null> {
    const started = performance.now();
    try {
      const copied = await published.copyNewestTo(file);
      if (!copied) {
        this.o.logger.info('replica: no snapshot of this format published in the database; loading every article from the database');
        return null;
      }
      const copyMs = Math.round(performance.now() - started);
      const corpus = await this.fromSnapshotFile(file);
      this.o.logger.info(
        { snapshot: file, published: copied.id, publishedChange: copied.change, bytes: copied.bytes, copyMs, articles: corpus.size, lastChange: this.seq, ms: Math.round(performance.now() - started) },
        'replica: started from the snapshot published in the database, caught up with the store',
      );
      this.startedFrom = 'published';
      return corpus;
    } catch (e) {
      this.o.logger.warn(`the snapshot published in the database not used (${(e as Error).message}); loading every article from the database`);
      return null;
    }
  }

  /**
   * Publishes the snapshot file `file` (written by saveSnapshot, or the one load() started from)
   * for other replicas, unless one as new is published already. Null when nothing was published.
   */
  async publishSnapshot(file: string, change: number): Promise<{ id: number; change: number; bytes: number } | null> {
    if (!this.o.published) throw new Error('this replica has no database to publish snapshots in');
    return this.o.published.publish(file, change);
  }

  private async fromSnapshotFile(file: string): Promise<Corpus> {
    // The store's name and last change are asked while the file is read.
    const asked = Promise.all([this.o.source.identity?.(), this.o.source.lastChange?.()]);
    asked.catch(() => undefined); // awaited below, unless the file cannot be read
    // Its checksum is verified on a worker thread meanwhile: nothing is served or kept before `verified`.
    const { content, verified } = await openSnapshot(file);
    if (!content.store) throw new SnapshotError(`made from the data folder ${content.dataDir}, not from this database`);
    const [id, high] = await asked;
    if (id === undefined || high === undefined) throw new SnapshotError('this store cannot name itself');
    if (content.store.id !== id) throw new SnapshotError(`made from another database (store ${content.store.id}, this is ${id})`);
    // A database restored to an earlier point would never send the changes the snapshot holds beyond it.
    if (content.store.change > high) throw new SnapshotError(`it holds change ${content.store.change}, the database only reaches ${high}`);
    const restored = Corpus.fromSegment({ articles: content.articles, problems: content.problems, stats: content.stats, token: (this.token = {}) }, content.segment, content.stories, undefined, content.orders);
    await verified;
    // The corpus's own id order (stored in the snapshot): no sort of the articles here.
    this.order = restored.articles as Article[];
    this.articles = new Map(this.order.map((a) => [a.id, a]));
    this.seq = content.store.change;
    this.snapshotChange = content.store.change;
    const batch = await this.o.source.changesSince(this.seq);
    const corpus = this.apply(batch.changes, batch.seq, restored) ?? restored;
    this.contact();
    return corpus;
  }

  /**
   * Writes the served corpus and its change number to `file` (atomically: a temporary file, then
   * a rename), for the next start of a replica of this store.
   */
  async saveSnapshot(file: string): Promise<{ articles: number; change: number; bytes: number }> {
    const id = await this.o.source.identity?.();
    if (id === undefined) throw new Error('this store cannot name itself');
    // Read together, with no await between: the corpus served is the one of this change number.
    const corpus = this.store?.current ?? this.first;
    const change = this.seq;
    if (!corpus) throw new Error('nothing loaded yet');
    const { articles, parts, stories, orders } = corpus.snapshotSource();
    const bytes = await writeSnapshotOnWorker(file, articles, parts, this.closing.signal, {
      dataDir: `postgres-store:${id}`,
      createdAt: new Date().toISOString(),
      files: [],
      problems: [],
      stats: corpus.stats,
      stories,
      ...(orders ? { orders } : {}),
      store: { id, change },
    });
    return { articles: articles.length, change, bytes };
  }

  /** Starts following changes into `store` (whose corpus came from load()). */
  follow(store: CorpusStore): void {
    this.store = store;
    this.wake(0);
  }

  status(): DatabaseStatus {
    return { ...this.current };
  }

  /** Runs a catch-up now (or right after the running one) and resolves when it is done. */
  async catchUp(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.cycle().finally(() => {
      this.running = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.catchUp();
      }
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running.catch(() => undefined);
    await this.dropListener();
  }

  /** Schedules a catch-up in `delayMs`, unless one is already due sooner (a stream of wake-ups never postpones it). */
  private wake(delayMs = this.o.settleMs ?? 50): void {
    if (this.closed) return;
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.catchUp();
    }, delayMs);
  }

  private async cycle(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.listener.connected) await this.connectListener();
      const asked = performance.now();
      const batch = await this.o.source.changesSince(this.seq);
      const fetchMs = Math.round(performance.now() - asked);
      if (batch.changes.length > 0) {
        const previous = this.store?.current;
        const next = this.apply(batch.changes, batch.seq, previous)!;
        this.store?.swap(next);
        this.applied++;
        this.o.logger.info({ version: next.version, previous: previous?.version, articles: next.size, changes: batch.changes.length, lastChange: this.seq, fetchMs, buildMs: next.buildMs }, 'replica: changes applied');
      } else {
        this.seq = batch.seq;
        // Back in contact after an outage: the corpus is current again.
        if (this.current.lastError !== null && this.store) this.store.swap(this.store.current);
      }
      this.contact();
      this.backoff = MIN_BACKOFF_MS;
      this.wake(this.o.pollMs ?? 5000);
    } catch (e) {
      const why = `database unreachable: ${(e as Error).message}; still serving version ${this.store?.current.version ?? '(none)'}, retrying in ${this.backoff} ms`;
      if (this.current.state === 'connected' || this.current.lastError === null) this.o.logger.error({ err: e }, why);
      this.current = { ...this.current, state: 'reconnecting', lastError: why };
      this.store?.fail(why);
      await this.dropListener();
      this.wake(this.backoff);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /** Applies changes up to `seq`: the corpus made from `previous` by them, or null when there were none. */
  private apply(changes: readonly ArticleChange[], seq: number, previous: Corpus | undefined): Corpus | null {
    this.seq = Math.max(this.seq, seq);
    if (changes.length === 0) return null;
    const touched = new Set<string>();
    for (const c of changes) {
      touched.add(c.id);
      if (c.article) this.articles.set(c.id, c.article);
      else this.articles.delete(c.id);
    }
    // The untouched articles keep their order; the changed ones, sorted, are merged in.
    const kept = this.order.filter((a) => !touched.has(a.id));
    const changed = byId([...touched].flatMap((id) => this.articles.get(id) ?? []));
    const merged: Article[] = new Array(kept.length + changed.length);
    for (let i = 0, j = 0, k = 0; k < merged.length; k++) merged[k] = j >= changed.length || (i < kept.length && kept[i]!.id < changed[j]!.id) ? kept[i++]! : changed[j++]!;
    this.order = merged;
    const set: ArticleSet = { token: {}, delta: { since: this.token, added: changed, removed: [...touched].filter((id) => !this.articles.has(id)) } };
    this.token = set.token;
    return this.o.build(merged, previous, set);
  }

  private contact(): void {
    if (this.current.state !== 'connected' && this.current.lastError) this.o.logger.info({ lastChange: this.seq }, 'replica: database reachable again; caught up');
    this.current = { state: 'connected', lastChange: this.seq, lastContactAt: new Date(), lastError: null };
  }

  private connectListener(): Promise<void> {
    return this.listener.connect(
      this.o.listen,
      () => this.wake(),
      (e) => {
        // The server went away (restart, network): the slot dropped this client; the next cycle reconnects and catches up.
        this.o.logger.warn({ err: e }, 'replica: notification connection lost');
        this.wake(0);
      },
    );
  }

  private dropListener(): Promise<void> {
    return this.listener.drop();
  }
}

function byId(articles: Article[]): Article[] {
  return articles.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** True when every id is greater than the one before (our order, and no id twice). */
function inIdOrder(articles: readonly Article[]): boolean {
  for (let i = 1; i < articles.length; i++) if (!(articles[i - 1]!.id < articles[i]!.id)) return false;
  return true;
}

/**
 * The seam: the replica's article set as a Corpus (no load problems: those stay with the ingest).
 * With the version served now, an update (only changed articles indexed, as a folder reload does);
 * without, a full build.
 */
function languageCounts(articles: readonly Article[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of articles) counts[a.language] = (counts[a.language] ?? 0) + 1;
  return counts;
}

export function corpusFromArticles(articles: readonly Article[], loadMs = 0, previous?: Corpus, set?: ArticleSet): Corpus {
  const load = loadOf(articles, loadMs, set);
  return previous ? previous.update(load) : new Corpus(load);
}

/** The replica's whole article set as its stats say (no load problems: those stay with the ingest), named by `set` when given. */
function loadOf(articles: readonly Article[], loadMs: number, set?: ArticleSet): LoadResult {
  return {
    ...(set ? { token: set.token, ...(set.delta ? { delta: set.delta } : {}) } : {}),
    articles: articles as Article[],
    problems: [],
    stats: {
      filesRead: 0,
      filesIgnored: 0,
      articles: articles.length,
      problems: 0,
      chromeLinesRemoved: 0,
      duplicateLinesRemoved: 0,
      durationMs: loadMs,
      // Read from the database, not from files: no per-format counts.
      byFormat: {},
      byLanguage: languageCounts(articles),
      languagesDetected: 0,
    },
  };
}

/** Below this many articles one segment built here is about as quick as starting workers (each imports the search modules). */
const PARALLEL_BUILD_MIN = 10_000;

/**
 * {@link corpusFromArticles} for a full build on `workers` threads, when every article is at
 * hand: the same build as {@link corpusWhileReading} fed one page of all of them (the index as
 * `2 × workers` consecutive segments, the stories fingerprinted on those threads and grouped on
 * this one as each segment comes back). Same articles, same version and answers as one segment
 * (document frequencies are summed over segments); the merge policy leaves so few large
 * segments alone. Below `minArticles`, one segment built here.
 */
export async function corpusOnWorkers(articles: readonly Article[], workers: number, loadMs = 0, minArticles = PARALLEL_BUILD_MIN, set?: ArticleSet): Promise<Corpus> {
  const build = new PagedBuild(workers, () => loadMs, minArticles);
  try {
    build.page(articles, articles.length);
    return (await build.finish(articles, set)) ?? corpusFromArticles(articles, loadMs, undefined, set);
  } finally {
    await build.close();
  }
}

/** A first build made while the articles are read (ReplicaOptions.streamFirst). */
export interface FirstBuildStream {
  /** Given to the store's snapshot read: each page of articles, in the store's id order. */
  page: SnapshotPageSink;
  /**
   * The corpus of every article paged in, when `articles` (sorted by id) are those articles in
   * the order they were paged; else null, and nothing is built (the caller builds as without).
   */
  finish(articles: readonly Article[], set?: ArticleSet): Promise<Corpus | null>;
  /** Stops its worker threads. */
  close(): Promise<void>;
  /** What happened when, for the log (see {@link BuildTimeline}); after finish(). */
  timeline?(): BuildTimeline;
}

/**
 * A streamed first build's timeline, so its balance can be seen (bench:store --cold-only prints it): each event (`count`: the read
 * knows the total; `sent k`: batch k handed to worker `worker`; `prints k`, `grouped k`,
 * `segment k`: its fingerprints back, its stories grouped here, its segment back; `read`: the
 * last page read; `orders`: the digests and orders made; `built`: the corpus made) at `at` ms
 * after the stream began, with how long this thread's event loop (`main`) and each worker's
 * (`workers`) had been busy by then and the process's CPU (`cpu`, every thread), all in ms.
 */
export interface BuildTimeline {
  /** When the stream began, in ms since the process started. */
  began: number;
  events: { at: number; event: string; worker?: number; articles?: number; main: number; workers: number[]; cpu: number }[];
}

/** The share of the articles in the first round of batches (one a worker): small, so the workers start early in the read. */
const FIRST_ROUND_SHARE = 0.3;

/**
 * Where each batch of a streamed first build ends (an article count; the last is `total`): two
 * rounds of one batch a worker, batch k to worker k % workers (two segments a worker: four cost
 * more CPU, each segment having its own dictionary; session 9). The first round is small and
 * grows (worker i's first batch ∝ i + 1, the round 30 % of the articles), so the first worker
 * starts after a tenth of the read with two workers instead of a quarter, and the second soon
 * after; each worker's second batch makes its share up to 1 / workers, so the last batch,
 * which can only start when the read ends, is the smallest of the second round and the workers
 * end together (with two workers: 10 %, 20 %, 40 %, 30 % of the articles; equal quarters left
 * one core idle for ~1.6 s at the start and the workers ending ~1.6 s apart, bench/RESULTS.md,
 * session 10).
 */
export function batchEnds(total: number, workers: number): number[] {
  const triangle = (workers * (workers + 1)) / 2;
  const first = Array.from({ length: workers }, (_, i) => (FIRST_ROUND_SHARE * (i + 1)) / triangle);
  const shares = [...first, ...first.map((f) => 1 / workers - f)];
  const ends: number[] = [];
  let sum = 0;
  for (const share of shares.slice(0, -1)) {
    const end = Math.round((sum += share) * total);
    // A batch of no articles is left out (a read of fewer articles than batches).
    if (end > (ends[ends.length - 1] ?? 0) && end < total) ends.push(end);
  }
  if (total > 0) ends.push(total);
  return ends;
}

/**
 * The first build on worker threads, begun while the store is read: as pages come in (in id order), the
 * consecutive batches of {@link batchEnds} go to the next of `workers` worker threads in turn,
 * which fingerprint them for the story index, then index them as one segment; this thread
 * groups each batch's stories from those fingerprints, in article order, as they come back.
 * The workers start when the read starts. Same version, answers and stories as one segment
 * built from the same articles (tests/store/replica.test.ts).
 */
export function corpusWhileReading(workers: number, loadMs: () => number = () => 0, minArticles = PARALLEL_BUILD_MIN): FirstBuildStream {
  return new PagedBuild(workers, loadMs, minArticles);
}

class PagedBuild implements FirstBuildStream {
  private builders: SegmentBuilder[] = [];
  private readonly paged: Article[] = [];
  /** Articles sent to a worker so far (`paged[0, sent)`). */
  private sent = 0;
  /** Where each batch ends (batchEnds); empty until the first page says how many articles there are. */
  private ends: number[] = [];
  /** Off when the read is too small to be worth the workers (the caller builds after the read). */
  private off = false;
  private readonly segments: Promise<Segment>[] = [];
  private readonly stories = new StoryIndex();
  /** The stories of the batches sent, grouped in order. */
  private grouped: Promise<void> = Promise.resolve();
  private readonly began = performance.now();
  private readonly mainAtStart = performance.eventLoopUtilization();
  private readonly cpuAtStart = process.cpuUsage();
  private readonly events: BuildTimeline['events'] = [];

  constructor(
    private readonly workers: number,
    private readonly loadMs: () => number,
    private readonly minArticles: number,
  ) {}

  page: SnapshotPageSink = (page, total) => {
    if (this.off) return;
    if (this.ends.length === 0) {
      if (this.workers < 2 || total < this.minArticles) {
        this.off = true;
        return;
      }
      this.ends = batchEnds(total, this.workers);
      this.builders = Array.from({ length: this.workers }, () => new SegmentBuilder());
      for (const b of this.builders) b.warm();
      this.stories.reserve(total);
      this.mark('count', { articles: total });
    }
    for (const a of page) this.paged.push(a);
    // The last batch goes when the last page comes (the read's end and the caller's checks follow).
    for (let k = this.segments.length; k < this.ends.length && this.paged.length >= this.ends[k]!; k++) this.send(this.ends[k]!);
  };

  /** Notes an event in the timeline. */
  private mark(event: string, extra: { worker?: number; articles?: number } = {}): void {
    const cpu = process.cpuUsage(this.cpuAtStart);
    this.events.push({
      at: Math.round(performance.now() - this.began),
      event,
      ...extra,
      main: Math.round(performance.eventLoopUtilization(this.mainAtStart).active),
      workers: this.builders.map((b) => Math.round(b.busyMs())),
      cpu: Math.round((cpu.user + cpu.system) / 1000),
    });
  }

  timeline(): BuildTimeline {
    return { began: Math.round(this.began), events: this.events };
  }

  private send(end: number): void {
    const articles = this.paged.slice(this.sent, end);
    const k = this.segments.length;
    const worker = k % this.builders.length;
    const built = this.builders[worker]!.buildWithFingerprints(articles, this.stories.options);
    this.mark(`sent ${k}`, { worker, articles: articles.length });
    built.segment.catch(() => undefined); // awaited in finish(), unless the read failed or its order was not ours
    built.prints.catch(() => undefined); // the same
    void built.prints.then(() => this.mark(`prints ${k}`), () => undefined);
    void built.segment.then(() => this.mark(`segment ${k}`), () => undefined);
    this.segments.push(built.segment);
    const options = this.stories.options;
    // The fingerprints come back before the segment: stories are grouped while the worker indexes.
    this.grouped = this.grouped.then(async () => {
      const prints = await built.prints;
      addFingerprinted(this.stories, articles, (k) => unpackFingerprint(prints, k, options));
      this.mark(`grouped ${k}`);
    });
    this.grouped.catch(() => undefined); // the same
    this.sent = end;
  }

  async finish(articles: readonly Article[], set?: ArticleSet): Promise<Corpus | null> {
    if (this.off || this.ends.length === 0) return null;
    this.mark('read');
    if (this.sent < this.paged.length) this.send(this.paged.length);
    // The store's id order (its collation) differs from ours: these segments are in the wrong order.
    if (articles.length !== this.paged.length || articles.some((a, i) => a !== this.paged[i])) return null;
    // Made while the workers index the last batches, not after them: the digests and sorted orders need no index.
    const known = knownOrdersOf(articles);
    this.mark('orders');
    const segments = await Promise.all(this.segments);
    await this.grouped;
    // Every article's stories were grouped here from its own fingerprints (addFingerprinted): nothing to check again.
    const corpus = Corpus.fromSegments(loadOf(articles, this.loadMs(), set), segments, this.stories, new Date(), known, true);
    this.mark('built');
    return corpus;
  }

  async close(): Promise<void> {
    await Promise.all(this.builders.map((b) => b.close()));
  }
}

/** Articles per message to the snapshot worker: each copy holds the event loop for a few milliseconds only. */
const SNAPSHOT_SLICE = 2000;

/**
 * Writes a snapshot on a worker thread (snapshot-worker.ts): the articles go over in slices
 * between turns of the event loop, and the worker indexes them as one segment when `parts` is
 * null, encodes and writes the file, so a replica serving meanwhile is never held up for long.
 */
async function writeSnapshotOnWorker(
  file: string,
  articles: readonly Article[],
  parts: SnapshotContent['segment'] | null,
  signal: AbortSignal,
  content: Omit<SnapshotContent, 'articles' | 'segment'>,
): Promise<number> {
  if (signal.aborted) throw new Error('replica closed');
  const worker = startModuleWorker(import.meta.url, 'snapshot-worker');
  const stop = () => void worker.terminate();
  signal.addEventListener('abort', stop);
  try {
    const done = new Promise<number>((resolve, reject) => {
      worker.on('message', (m: { bytes?: number; error?: string }) => (m.error !== undefined ? reject(new Error(m.error)) : resolve(m.bytes!)));
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`snapshot worker exited (${code})`)));
    });
    done.catch(() => undefined);
    const send = (m: SnapshotWorkerMessage) => worker.postMessage(m);
    for (let i = 0; i < articles.length; i += SNAPSHOT_SLICE) {
      send({ articles: articles.slice(i, i + SNAPSHOT_SLICE) });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    send({ write: { file, content, segment: parts } });
    return await done;
  } finally {
    signal.removeEventListener('abort', stop);
    await worker.terminate();
    // Stopped half way (the replica closed): its temporary file (writeSnapshot names it `<file>.<pid>.<time>.tmp`) goes too.
    if (signal.aborted) await removeTemporaries(file);
  }
}

async function removeTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.${process.pid}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}
