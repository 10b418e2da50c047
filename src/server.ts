/** The process: read config, load the corpus, listen, shut down gracefully. */
import closeWithGrace from 'close-with-grace';
import { isMainModule } from './main-module.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { Corpus, CorpusStore, Reloader } from './corpus/index.js';
import { DataDirError, loadArticles } from './loader/index.js';
import { createLogger } from './logger.js';

/** `startup`: nothing is served yet, so files are read with blocking calls (faster); reloads read asynchronously. */
export async function loadCorpus(config: Pick<Config, 'dataDir' | 'maxFileBytes'>, startup = false): Promise<Corpus> {
  const result = await loadArticles(config.dataDir, { maxFileBytes: config.maxFileBytes, syncRead: startup });
  return new Corpus(result);
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
  for (const p of corpus.problems) logger.warn({ path: p.path, line: p.line, kind: p.kind }, `skipped ${p.path}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
  if (config.strict && corpus.problems.length > 0) {
    process.stderr.write(`news-api: --strict: ${corpus.problems.length} file(s) have problems; not starting\n`);
    process.exit(1);
  }
  logger.info(
    { dataDir: config.dataDir, articles: corpus.size, problems: corpus.problems.length, loadMs: corpus.stats.durationMs, buildMs: corpus.buildMs, version: corpus.version },
    'corpus loaded',
  );
  const store = new CorpusStore(corpus);
  const app = await buildApp({ store, config, loggerInstance: logger });

  const reloader = new Reloader({ build: () => loadCorpus(config), store, logger, strict: config.strict });
  // SIGHUP always rebuilds the corpus; --watch also rebuilds when files change.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading the corpus');
    void reloader.reload('SIGHUP');
  });
  if (config.watch) reloader.watch(config.dataDir);

  closeWithGrace({ delay: 10_000, logger, skip: ['SIGHUP'] }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await reloader.close();
    await app.close();
  });

  await app.listen({ port: config.port, host: config.host });
}

if (isMainModule(import.meta.url)) await main();
