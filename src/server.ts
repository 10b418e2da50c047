/** The process: read config, load the corpus, listen, shut down gracefully. */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import type { FastifyBaseLogger } from 'fastify';
import { isMainModule } from './main-module.js';
import { buildApp } from './app.js';
import { ConfigError, DEFAULT_DATA_DIR, loadConfig, openFilesLimit, safeConnections, type Config } from './config.js';
import { Corpus, CorpusStore, Reloader, SegmentBuilder, SegmentMerger, type Changes, type SegmentBuild } from './corpus/index.js';
import { DataDirError, loadArticles, logProblems, ParseCache } from './loader/index.js';
import { RefusalTally } from './http/request-log.js';
import type { DatabaseProbe } from './http/routes/options.js';
import { createLogger } from './logger.js';
import { fingerprintDataDirOffThread, openSnapshot, sameFiles } from './snapshot/files.js';
import { SnapshotError, storedParsesOf } from './snapshot/format.js';
import { SnapshotSaver } from './snapshot/save.js';
import { databaseSettings, openPool } from './store/connection.js';
import { ingestDirectory, ingestSummary } from './store/ingest.js';
import { migrate } from './store/migrate.js';
import { PostgresChangeSource } from './store/postgres.js';
import { PublishedSnapshots } from './store/published-snapshots.js';
import { Replica, corpusFromArticles, corpusOnWorkers, corpusWhileReading } from './store/replica.js';
import { PostgresReaders } from './store/search/postgres-readers.js';
import type { ReaderStore } from './corpus/article-reader.js';

/**
 * `startup`: nothing is served yet, so files are read with blocking calls (faster); reloads read
 * asynchronously. With a `previous` version the result is that version updated by what changed
 * (only changed articles are indexed); without, a full build.
 */
async function loadCorpus(
  config: Pick<Config, 'dataDir' | 'maxFileBytes' | 'followSymlinksOutside'>,
  startup = false,
  previous?: Corpus,
  build?: SegmentBuild,
  cache?: ParseCache,
  changes?: Changes,
): Promise<Corpus> {
  const result = await loadArticles(config.dataDir ?? DEFAULT_DATA_DIR, {
    maxFileBytes: config.maxFileBytes,
    followSymlinksOutside: config.followSymlinksOutside,
    syncRead: startup,
    cache,
    changedPaths: changes,
  });
  if (!previous) return new Corpus(result);
  return build ? previous.updateWith(result, build) : previous.update(result);
}

/**
 * The first version of the corpus: from the snapshot file when one is configured and valid
 * (then brought up to date with the folder: when any file's path, size or modification time
 * differs, the files are loaded and only the changed articles indexed), else a full build. A
 * missing, corrupt, truncated, old-format or foreign snapshot is reported in one log line and
 * the files are used instead.
 */
export async function startCorpus(
  config: Pick<Config, 'dataDir' | 'maxFileBytes' | 'followSymlinksOutside' | 'snapshot'>,
  logger: Pick<FastifyBaseLogger, 'info' | 'warn'>,
  cache?: ParseCache,
): Promise<Corpus> {
  if (config.snapshot !== undefined) {
    const started = performance.now();
    const dataDir = config.dataDir ?? DEFAULT_DATA_DIR;
    // The folder's files are stat'd on a worker thread (the other core) while the snapshot is decoded.
    const fingerprints = fingerprintDataDirOffThread(dataDir);
    fingerprints.catch(() => undefined); // awaited below; a folder that cannot be listed is reported by the load
    try {
      // Its checksum is verified on a worker thread meanwhile: nothing is served or kept before `verified`.
      const { content, verified } = await openSnapshot(config.snapshot);
      if (path.resolve(content.dataDir) !== path.resolve(dataDir)) throw new SnapshotError(`made from ${content.dataDir}, not ${path.resolve(dataDir)}`);
      const restored = Corpus.fromSegment({ articles: content.articles, problems: content.problems, stats: content.stats }, content.segment, content.stories, undefined, content.orders);
      await verified;
      // The files' parses as the snapshot's load left them (made when a load first reads them): a catch-up (now or later) parses only files changed since.
      if (cache) cache.restoreLater(storedParsesOf(content), (id) => restored.get(id));
      if (sameFiles(await fingerprints.catch(() => []), content.files)) {
        logger.info({ snapshot: config.snapshot, createdAt: content.createdAt, articles: restored.size, ms: Math.round(performance.now() - started) }, 'started from the snapshot');
        return restored;
      }
      const updated = restored.update(await loadArticles(dataDir, { maxFileBytes: config.maxFileBytes, followSymlinksOutside: config.followSymlinksOutside, syncRead: true, cache }));
      logger.info({ snapshot: config.snapshot, createdAt: content.createdAt, change: updated.change, ms: Math.round(performance.now() - started) }, 'started from the snapshot, brought up to date with the files');
      return updated;
    } catch (e) {
      logger.warn(`snapshot ${config.snapshot} not used (${e instanceof SnapshotError ? e.message : (e as Error).message}); building from the files`);
    }
  }
  return loadCorpus(config, true, undefined, undefined, cache);
}

type Logger = ReturnType<typeof createLogger>;

/** What serves the articles: a folder (the default), a PostgreSQL store followed as a replica, or PostgreSQL answering by SQL. */
interface Source {
  corpus: Corpus;
  /** What the routes read (default: `corpus` and the versions after it, in memory). */
  readers?: ReaderStore;
  database?: DatabaseProbe;
  /** Starts live updates once the store serves `corpus`; returns how to stop them. */
  follow(store: CorpusStore): Promise<() => Promise<void>>;
}

async function folderSource(config: Config, logger: Logger, segments: SegmentBuild): Promise<Source> {
  // Each file's parse, kept between loads so a change re-parses only the files that changed.
  const parses = new ParseCache();
  let corpus: Corpus;
  try {
    corpus = await startCorpus(config, logger, parses);
  } catch (e) {
    if (e instanceof DataDirError) {
      process.stderr.write(`news-api: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  logProblems(logger, corpus.problems);
  if (config.strict && corpus.problems.length > 0) {
    process.stderr.write(`news-api: --strict: ${corpus.problemReport.total} problem(s) in the files; not starting\n`);
    process.exit(1);
  }
  logger.info(
    { dataDir: config.dataDir ?? DEFAULT_DATA_DIR, articles: corpus.size, problems: corpus.problems.length, loadMs: corpus.stats.durationMs, buildMs: corpus.buildMs, version: corpus.version },
    'corpus loaded',
  );
  return {
    corpus,
    async follow(store) {
      // A file change updates the served version by what changed; SIGHUP rebuilds everything.
      let fullRebuildNext = false;
      const build = (changes?: Changes): Promise<Corpus> => {
        const full = fullRebuildNext || config.fullReload;
        fullRebuildNext = false;
        // A full rebuild parses every file again (the operator's way round anything cached); an
        // update reads only the files the watcher named (all of them stat'd when it could not say).
        if (!full) return loadCorpus(config, false, store.current, segments, parses, changes);
        // A fresh cache, taken over once the full load succeeds: later updates trust what it read, not the cache before it.
        const fresh = new ParseCache();
        return loadCorpus(config, false, undefined, undefined, fresh).then((corpus) => {
          parses.files = fresh.files;
          parses.walk = fresh.walk;
          parses.last = fresh.last;
          return corpus;
        });
      };
      const reloader = new Reloader({ build, store, logger, strict: config.strict, maxDropPercent: config.reloadMaxDropPercent });
      // SIGHUP always rebuilds the corpus from the files (the operator asked: the drop guard does not
      // apply); --watch updates it when files change.
      process.on('SIGHUP', () => {
        logger.info('SIGHUP: reloading the corpus (a full rebuild from the files)');
        fullRebuildNext = true;
        void reloader.reload('SIGHUP', { force: true });
      });
      if (config.watch) await reloader.watch(config.dataDir ?? DEFAULT_DATA_DIR);
      // The served version written back to the snapshot file (at shutdown, on a schedule), so the next start is quick.
      const saves = config.snapshot !== undefined && (config.snapshotOnExit || config.snapshotSaveMinutes > 0);
      if (saves && !config.watch) logger.warn('SNAPSHOT_ON_EXIT and SNAPSHOT_SAVE_MINUTES write snapshots only while watching (--watch): none will be written');
      const saver =
        saves && config.watch
          ? new SnapshotSaver({ file: config.snapshot!, dataDir: config.dataDir ?? DEFAULT_DATA_DIR, store, reloading: () => reloader.busy, build: segments, parses, logger, everyMinutes: config.snapshotSaveMinutes })
          : null;
      return async () => {
        if (saver && config.snapshotOnExit) await saver.save('shutdown');
        await saver?.close();
        await reloader.close();
      };
    },
  };
}

/**
 * A replica of the PostgreSQL store: migrations applied, a snapshot loaded (retrying with backoff
 * while the database is not up yet), then changes followed. Given a data directory as well, the
 * server first ingests it (and again on SIGHUP, and on file changes with --watch).
 */
/** The database's pools (reads to DATABASE_READ_URL when given) and the ingest of DATA_DIR when one is given. */
function openDatabase(config: Config & { databaseUrl: string }, logger: Logger) {
  let primary, reads;
  try {
    primary = databaseSettings(config.databaseUrl);
    reads = config.databaseReadUrl ? databaseSettings(config.databaseReadUrl) : primary;
  } catch (e) {
    process.stderr.write(`news-api: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const onPoolError = (e: Error) => logger.warn({ err: e }, 'database connection lost');
  const writePool = openPool(primary, onPoolError);
  const readPool = reads === primary ? writePool : openPool(reads, onPoolError);
  // Each file's parse, kept between this server's ingests: a watched change parses only the changed files.
  const parses = new ParseCache();
  const ingest = async () => {
    if (!config.dataDir) return;
    const o = await ingestDirectory(writePool, config.dataDir, { maxFileBytes: config.maxFileBytes, followSymlinksOutside: config.followSymlinksOutside, cache: parses });
    logProblems(logger, o.load.problems);
    logger.info({ dataDir: config.dataDir, ...ingestSummary(o) }, 'data directory ingested');
  };
  const end = () => Promise.all([writePool.end(), readPool === writePool ? undefined : readPool.end()]);
  return { primary, reads, writePool, readPool, ingest, end };
}

/** Retries `first` (migrations, ingest, the first read) with backoff while the database is not up yet; exits after ten tries. */
async function whenReachable<T>(display: string, logger: Logger, first: () => Promise<T>): Promise<T> {
  for (let attempt = 1, wait = 500; ; attempt++, wait = Math.min(wait * 2, 5000)) {
    try {
      return await first();
    } catch (e) {
      if (e instanceof DataDirError) {
        process.stderr.write(`news-api: ${e.message}\n`);
        process.exit(1);
      }
      if (attempt >= 10) {
        process.stderr.write(`news-api: database ${display}: ${(e as Error).message}\n`);
        process.exit(1);
      }
      logger.warn({ database: display, attempt, err: e }, `database not reachable yet; retrying in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * SEARCH_BACKEND=postgres: no corpus in memory; every route answers by SQL
 * (src/store/search/). A data directory given too is ingested at start, on SIGHUP and, with
 * --watch, when its files change.
 */
async function postgresSearchSource(config: Config & { databaseUrl: string }, logger: Logger): Promise<Source> {
  const db = openDatabase(config, logger);
  const started = performance.now();
  const readers = await whenReachable(db.primary.display, logger, async () => {
    await migrate(db.writePool);
    await db.ingest();
    return PostgresReaders.open({ pool: db.readPool, listen: db.primary.pool, logger, pollMs: config.databasePollMs, rankWindow: config.searchRankWindow, prewarm: config.searchPrewarm });
  });
  logger.info({ database: db.primary.display, reads: db.reads.display, articles: readers.current.size, version: readers.current.version, ms: Math.round(performance.now() - started) }, 'answering from PostgreSQL (SEARCH_BACKEND=postgres)');
  return {
    // An empty corpus: /health's reload and watch state only; the articles are the readers'.
    corpus: corpusFromArticles([]),
    readers,
    database: { status: () => readers.status(), requiredForReady: config.readyRequiresDatabase },
    async follow(store) {
      const reloader = await followDataDir(config, store, logger, {
        ingest: db.ingest,
        catchUp: () => readers.refresh().catch((e: Error) => logger.error({ err: e }, 'SIGHUP: reading the current version failed')),
        catchUpAlone: 'SIGHUP: reading the current version',
      });
      return async () => {
        await reloader?.close();
        await readers.close();
        await db.end();
      };
    },
  };
}

/**
 * With a data directory beside the database: SIGHUP (and --watch, on file changes) ingest it
 * again through a Reloader (bursts coalesced, a failed ingest retried), then `catchUp` reads what
 * the ingest wrote, as any other change. Without one, SIGHUP only catches up (logged as
 * `catchUpAlone`). Returns the reloader, null without a data directory.
 */
async function followDataDir(
  config: Config,
  store: CorpusStore,
  logger: Logger,
  o: { ingest: () => Promise<void>; catchUp: () => Promise<void>; catchUpAlone: string },
): Promise<Reloader | null> {
  const reloader = config.dataDir
    ? new Reloader({
        build: async () => {
          await o.ingest();
          await o.catchUp();
          return store.current;
        },
        store,
        logger,
      })
    : null;
  process.on('SIGHUP', () => {
    logger.info(reloader ? 'SIGHUP: ingesting the data directory again' : o.catchUpAlone);
    void (reloader ? reloader.reload('SIGHUP') : o.catchUp());
  });
  if (reloader && config.watch) await reloader.watch(config.dataDir!);
  return reloader;
}

async function databaseSource(config: Config & { databaseUrl: string }, logger: Logger): Promise<Source> {
  const { primary, reads, writePool, readPool, ingest, end } = openDatabase(config, logger);
  const started = performance.now();
  const replica = new Replica({
    source: new PostgresChangeSource(readPool),
    listen: primary.pool,
    // The seam: the served version updated by what changed (only changed articles are indexed).
    build: (articles, previous, set) => corpusFromArticles(articles, Math.round(performance.now() - started), previous, set),
    // The first corpus: its index built on every core while this thread groups stories.
    buildFirst: (articles, set) => corpusOnWorkers(articles, availableParallelism(), Math.round(performance.now() - started), undefined, set),
    // ... begun while the articles are read, their stories fingerprinted on those threads too.
    streamFirst: () => corpusWhileReading(availableParallelism(), () => Math.round(performance.now() - started)),
    logger,
    pollMs: config.databasePollMs,
    ...(config.snapshotInDatabase ? { published: new PublishedSnapshots(writePool) } : {}),
  });
  const corpus = await whenReachable(primary.display, logger, async () => {
    await migrate(writePool);
    await ingest();
    return replica.load(config.snapshot);
  });
  logger.info({ database: primary.display, reads: reads.display, articles: corpus.size, lastChange: replica.status().lastChange, ms: Math.round(performance.now() - started), version: corpus.version }, 'corpus loaded from the database');
  return {
    corpus,
    database: { status: () => replica.status(), requiredForReady: config.readyRequiresDatabase },
    async follow(store) {
      replica.follow(store);
      // A replica given SNAPSHOT writes one after a start that could not use it, while it serves:
      // on a worker thread (indexing and encoding there; the articles are handed over in slices),
      // so no request waits for it. Not at shutdown (close() stops a write under way): that write
      // could outlast the grace period, and an older snapshot only means a longer catch-up by
      // change number.
      const saveSnapshot = async (why: string) => {
        if (config.snapshot === undefined) return;
        try {
          const started = performance.now();
          const saved = await replica.saveSnapshot(config.snapshot);
          logger.info({ snapshot: config.snapshot, ...saved, why, writeMs: Math.round(performance.now() - started) }, 'replica: snapshot written');
          if (config.snapshotInDatabase) await publishSnapshot(saved.change);
        } catch (e) {
          logger.warn({ snapshot: config.snapshot, err: e }, 'replica: snapshot not written');
        }
      };
      // SNAPSHOT_IN_DATABASE: the snapshot file written (or started from, when none is published yet) goes
      // to PostgreSQL too, for replicas with no snapshot of their own; one as new there already is kept.
      const publishSnapshot = async (change: number) => {
        try {
          const started = performance.now();
          const published = await replica.publishSnapshot(config.snapshot!, change);
          if (published) logger.info({ snapshot: config.snapshot, ...published, publishMs: Math.round(performance.now() - started) }, 'replica: snapshot published in the database');
          else logger.info({ snapshot: config.snapshot, change }, 'replica: snapshot not published (one as new is there)');
        } catch (e) {
          logger.warn({ snapshot: config.snapshot, err: e }, 'replica: snapshot not published in the database');
        }
      };
      if (!replica.startedFromSnapshot) void saveSnapshot('started without a usable snapshot');
      else if (replica.startedFrom === 'snapshot' && config.snapshotInDatabase) void publishSnapshot(replica.snapshotChange!);
      const reloader = await followDataDir(config, store, logger, { ingest, catchUp: () => replica.catchUp(), catchUpAlone: 'SIGHUP: catching up with the database' });
      return async () => {
        await reloader?.close();
        await replica.close();
        await end();
      };
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`news-api: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config);
  // new and merged index segments are built on a worker thread, off the event loop
  const segments = new SegmentBuilder();
  const source =
    config.databaseUrl && config.searchBackend === 'postgres'
      ? await postgresSearchSource({ ...config, databaseUrl: config.databaseUrl }, logger)
      : config.databaseUrl
        ? await databaseSource({ ...config, databaseUrl: config.databaseUrl }, logger)
        : await folderSource(config, logger, segments.build);
  const store = new CorpusStore(source.corpus);
  const app = await buildApp({ store, readers: source.readers, config, loggerInstance: logger, database: source.database });
  // Updates add index segments; the merger folds them together between requests (both modes).
  const merger = new SegmentMerger(store, logger, undefined, segments.build);
  store.onSwap(() => merger.schedule());
  const stopFollowing = await source.follow(store);

  closeWithGrace({ delay: 10_000, logger, skip: ['SIGHUP'] }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await stopFollowing();
    merger.close();
    await segments.close();
    await app.close();
  });

  // Idle connections hold a descriptor each: past the cap new ones are closed at once, so the
  // descriptors left stay for data files, logs and reloads (counted in the log, not a line each).
  app.server.maxConnections = config.maxConnections;
  const drops = new RefusalTally(logger, 10_000);
  app.server.on('drop', () => drops.note('connections over MAX_CONNECTIONS'));
  app.addHook('onClose', (_app, done) => {
    drops.close();
    done();
  });
  const limit = openFilesLimit();
  const safe = safeConnections(limit);
  if (config.maxConnections > safe)
    logger.warn(`MAX_CONNECTIONS=${config.maxConnections} leaves too few of the ${limit ?? 'unknown'} open files (ulimit -n) for data files and reloads; ${safe} would`);
  logger.info({ maxConnections: config.maxConnections, openFilesLimit: limit }, 'connection cap');

  await app.listen({ port: config.port, host: config.host });
}

if (isMainModule(import.meta.url)) await main();
