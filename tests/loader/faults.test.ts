/**
 * Faults a data directory can throw at the loader, none of which may stop the server: a file
 * that disappears between listing and reading, a 50 MB file, a file of one huge line.
 */
import { paragraphsOf } from '../../src/articles/record.js';
import { promises as fsp, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { Health } from '../../src/http/schemas/index.js';
import { DEFAULT_MAX_FILE_BYTES, loadArticles } from '../../src/loader/index.js';
import { okJson } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';

const good = 'A good headline\n\nA paragraph of the story.\n';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('loader faults', () => {
  it('reports a file deleted between listing and reading as unreadable and loads the rest', async () => {
    const dir = tempDataDir({ 'a.txt': good, 'vanish.txt': 'Another headline\n\nAnother story.\n', 'z.txt': 'Third headline\n\nA third story.\n' });
    // The race, made certain: the file is really deleted after the walk listed it and just
    // before the loader reads it.
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation((async (file: Parameters<typeof fsp.open>[0], ...rest: unknown[]) => {
      if (String(file).endsWith('vanish.txt')) unlinkSync(String(file));
      return (open as (...a: unknown[]) => ReturnType<typeof fsp.open>)(file, ...rest);
    }) as typeof fsp.open);
    const r = await loadArticles(dir);
    expect(r.articles.map((a) => a.id)).toEqual(['a', 'z']);
    expect(r.problems).toEqual([{ path: 'vanish.txt', line: null, kind: 'unreadable', reason: expect.stringMatching(/^ENOENT/) }]);
  });

  it('reports a 50 MB file as too-large by default without reading it', async () => {
    const dir = tempDataDir({ 'ok.txt': good, 'huge.txt': good });
    truncateSync(path.join(dir, 'huge.txt'), 50 * 1024 * 1024); // sparse: 50 MB by stat
    // Record which opened files get read.
    const read: string[] = [];
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation((async (file: Parameters<typeof fsp.open>[0], ...rest: unknown[]) => {
      const handle = await (open as (...a: unknown[]) => ReturnType<typeof fsp.open>)(file, ...rest);
      const readFile = handle.readFile.bind(handle);
      handle.readFile = ((...args: unknown[]) => {
        read.push(path.basename(String(file)));
        return (readFile as (...a: unknown[]) => Promise<Buffer>)(...args);
      }) as typeof handle.readFile;
      return handle;
    }) as typeof fsp.open);
    const r = await loadArticles(dir);
    expect(r.problems).toEqual([{ path: 'huge.txt', line: null, kind: 'too-large', reason: `file is ${50 * 1024 * 1024} bytes; the limit is ${DEFAULT_MAX_FILE_BYTES}` }]);
    expect(read).toEqual(['ok.txt']);
    expect(r.articles).toHaveLength(1);
  });

  it('loads or reports files of one huge line under the limit, without hanging', async () => {
    const line = Array.from({ length: 400_000 }, (_, i) => ['markets', 'rallied', 'on', 'news', 'of', 'growth'][i % 6]).join(' '); // ~2.8 MB
    const dir = tempDataDir({ 'para.txt': `A headline over one huge paragraph\n\n${line}.\n`, 'oneline.txt': line, 'nospace.txt': 'x'.repeat(3_000_000) });
    const r = await loadArticles(dir);
    const para = r.articles.find((a) => a.id === 'para');
    expect(para && paragraphsOf(para)).toHaveLength(1);
    expect(para!.wordCount).toBe(400_000);
    // The others are each either an article or a reported problem, never lost.
    for (const f of ['oneline.txt', 'nospace.txt']) {
      const loaded = r.articles.some((a) => a.origin.path === f);
      const reported = r.problems.some((p) => p.path === f);
      expect(loaded || reported, f).toBe(true);
    }
  });

  it('serves what loaded and reports the rest in /health when all of these are in one folder', async () => {
    const dir = tempDataDir({ 'good.txt': good, 'huge.txt': good, 'oneline.txt': `Headline\n\n${'word '.repeat(500_000)}\n` });
    truncateSync(path.join(dir, 'huge.txt'), 50 * 1024 * 1024);
    writeFileSync(path.join(dir, 'binary.txt'), Buffer.from([0, 1, 2, 3]));
    const app = await buildApp({ store: new CorpusStore(new Corpus(await loadArticles(dir))), logger: false });
    const h = okJson(await app.inject({ method: 'GET', url: '/health' }), Health);
    expect(h).toMatchObject({ status: 'degraded', articles: 2, problems: 2, problemsByKind: { 'too-large': 1, binary: 1 } });
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/articles/good' })).statusCode).toBe(200);
    await app.close();
  });
});
