/**
 * Writes the OpenAPI document to openapi/openapi.json (or checks it with --check).
 * The document depends only on the schemas, so an empty corpus is enough.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.js';
import { Corpus, CorpusStore } from '../corpus/index.js';
import { openapiText } from '../http/docs.js';
import { isMainModule } from '../main-module.js';

export const OPENAPI_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi/openapi.json');

async function generateOpenapi(): Promise<string> {
  const empty = new Corpus({
    articles: [],
    problems: [],
    stats: { filesRead: 0, filesIgnored: 0, articles: 0, problems: 0, chromeLinesRemoved: 0, duplicateLinesRemoved: 0, byFormat: {}, byLanguage: {}, languagesDetected: 0, durationMs: 0 },
  });
  const app = await buildApp({ store: new CorpusStore(empty), logger: false });
  await app.ready();
  const text = openapiText(app);
  await app.close();
  return text;
}

if (isMainModule(import.meta.url)) {
  const text = await generateOpenapi();
  if (process.argv.includes('--check')) {
    const committed = await readFile(OPENAPI_PATH, 'utf8').catch(() => '');
    if (committed !== text) {
      process.stderr.write(`${OPENAPI_PATH} is out of date: run npm run openapi\n`);
      process.exit(1);
    }
    process.stdout.write('openapi/openapi.json is up to date\n');
  } else {
    await writeFile(OPENAPI_PATH, text);
    process.stdout.write(`wrote ${OPENAPI_PATH}\n`);
  }
}
