/** The process: read config, load the corpus, listen, shut down gracefully. */
import closeWithGrace from 'close-with-grace';
import { isMainModule } from './main-module.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, openFilesLimit, safeConnections, type Config } from './config.js';
import { Corpus, CorpusStore, Reloader, SegmentMerger } from './corpus/index.js';
import { DataDirError, loadArticles, logProblems } from './loader/index.js';
import { RefusalTally } from './http/request-log.js';
import { createLogger } from './logger.js';

/**
 * `startup`: nothing is served yet, so files are read with blocking calls (faster); reloads read
 * asynchronously. With a `previous` version the result is that version updated by what changed
 * (only changed articles are indexed); without, a full build.
 */
export async function loadCorpus(
  config: Pick<Config, 'dataDir' | 'maxFileBytes' | 'followSymlinksOutside'>,
  startup = false,
  previous?: Corpus,
): Promise<Corpus> {
  const result = await loadArticles(config.dataDir, { maxFileBytes: config.maxFileBytes, followSymlinksOutside: config.followSymlinksOutside, syncRead: startup });
  return previous ? previous.update(result) : new Corpus(result);
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
  let corpus: Corpus;
  try {
    corpus = await loadCorpus(config, true);
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
    { dataDir: config.dataDir, articles: corpus.size, problems: corpus.problems.length, loadMs: corpus.stats.durationMs, buildMs: corpus.buildMs, version: corpus.version },
    'corpus loaded',
  );
  const store = new CorpusStore(corpus);
  const app = await buildApp({ store, config, loggerInstance: logger });

const merger = new SegmentMerger(store, logger);
  store.onSwap(() => merger.schedule());
  // A file change updates the served version by what changed; SIGHUP rebuilds everything.
  let fullRebuildNext = false;
  const build = (): Promise<Corpus> => {
    const full = fullRebuildNext;
    fullRebuildNext = false;
    return loadCorpus(config, false, full ? undefined : store.current);
  };
  const reloader = new Reloader({ build, store, logger, strict: config.strict, maxDropPercent: config.reloadMaxDropPercent });
  // SIGHUP always rebuilds the corpus from the files (the operator asked: the drop guard does not
  // apply); --watch updates it when files change.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading the corpus (a full rebuild from the files)');
    fullRebuildNext = true;
    void reloader.reload('SIGHUP', { force: true });
  });
  if (config.watch) await reloader.watch(config.dataDir);

  closeWithGrace({ delay: 10_000, logger, skip: ['SIGHUP'] }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await reloader.close();
    merger.close();
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
