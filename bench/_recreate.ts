import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Corpus, CorpusStore, Reloader } from '../src/corpus/index.js';
import { loadArticles } from '../src/loader/index.js';
const src = '../shared/corpora/bbc-news';
const work = mkdtempSync(path.join(tmpdir(), 'rec-'));
const dir = path.join(work, 'data');
execFileSync('cp', ['-r', src, dir]);
const build = async () => new Corpus(await loadArticles(dir));
const store = new CorpusStore(await build());
const log = (...a: unknown[]) => console.log(new Date().toISOString().slice(17, 23), ...a);
const logger = { info: (o: unknown, m?: string) => log('info', m ?? o), warn: (o: unknown, m?: string) => log('warn', m ?? o), error: (o: unknown, m?: string) => log('error', typeof o === 'string' ? o : m) };
const reloader = new Reloader({ build, store, logger, watchCheckMs: 1000 });
await reloader.watch(dir);
log('size', store.current.size, store.watch);
await promisify(execFile)('rm', ['-rf', dir]);
log('removed');
await promisify(execFile)('cp', ['-r', src, dir]);
log('copied');
for (let i = 0; i < 16; i++) {
  await new Promise((r) => setTimeout(r, 500));
  log('size', store.current.size, 'err', store.lastReloadError?.slice(0, 80), 'watch', store.watch.state, store.watch.folders);
}
await reloader.close();
rmSync(work, { recursive: true, force: true });
