import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../src/cli/snapshot.js';
import { Corpus } from '../../src/corpus/index.js';
import { loadArticles, ParseCache } from '../../src/loader/index.js';
import { startCorpus } from '../../src/server.js';
import { SNAPSHOT_FORMAT } from '../../src/snapshot/format.js';
import { BBC_DIR, bbcSkipReason, FIXTURES } from '../helpers/paths.js';

const work = mkdtempSync(path.join(tmpdir(), 'news-api-snapshot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the fixture corpus to change freely. */
function dataCopy(name: string, from = path.join(FIXTURES, 'corpus')): string {
  const dir = path.join(work, name);
  cpSync(from, dir, { recursive: true });
  return dir;
}

function recorder(): { lines: string[]; logger: { info: (o: unknown, m?: string) => void; warn: (o: unknown, m?: string) => void } } {
  const lines: string[] = [];
  const log = (o: unknown, m?: string) => lines.push(typeof o === 'string' ? o : `${m} ${JSON.stringify(o)}`);
  return { lines, logger: { info: log, warn: log } };
}

/** Everything a route can ask, as plain data. */
function answers(corpus: Corpus): unknown {
  const search = (q: string) => corpus.search(q, { sort: 'relevance', limit: 50, offset: 0, facets: ['source', 'category', 'month'] });
  return {
    version: corpus.version,
    problems: corpus.problems,
    articles: corpus.articles,
    newest: corpus.list({ sort: 'newest', limit: 100, offset: 0 }),
    sources: corpus.sources(),
    categories: corpus.categories(),
    searches: ['oil', 'bank rates', '"oil prices"', 'gov*', 'title:election', 'budget -oil'].map((q) => ({ q, r: search(q) })),
    fuzzy: corpus.search('goverment', { sort: 'relevance', limit: 50, offset: 0, fuzzy: true }),
    related: corpus.articles.map((a) => corpus.related(a, 5).map((r) => [r.article.id, r.score])),
    stories: corpus.listStories({ limit: 1000, offset: 0, minSize: 1 }).items.map((st) => [st.id, st.articles.map((a) => a.id)]),
    storyOf: corpus.articles.map((a) => corpus.storyOf(a)),
  };
}

describe('start-up from a snapshot', () => {
  it('stores the story index: restored without fingerprinting, it groups as a full build, also after an update adds a reprint', async () => {
    const dir = dataCopy('stories', path.join(FIXTURES, 'stories'));
    cpSync(path.join(FIXTURES, 'corpus'), path.join(dir, 'desk'), { recursive: true });
    const reprint = 'desk/business/oil-prices-climb-copy.txt';
    writeFileSync(path.join(dir, 'wire-copy.txt'), readFileSync(path.join(dir, 'port-strike-wire.txt'), 'utf8').replace(/^[^\n]*/u, 'Port strike: wire copy'));
    const file = path.join(work, 'stories.snapshot');
    await makeSnapshot(dir, file);
    const { logger } = recorder();
    const restored = await startCorpus({ dataDir: dir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, logger);
    expect(restored.storySync.added).toBe(0);
    const full = new Corpus(await loadArticles(dir));
    expect(full.listStories({ limit: 100, offset: 0, minSize: 2 }).total).toBeGreaterThan(0);
    expect(answers(restored)).toEqual(answers(full));
    const text = readFileSync(path.join(dir, 'desk/business/oil-prices-climb.txt'), 'utf8');
    writeFileSync(path.join(dir, reprint), text.replace(/^[^\n]*/u, 'Oil climbs, a reprint'));
    const load = await loadArticles(dir);
    expect(answers(restored.update(load))).toEqual(answers(new Corpus(load)));
  });

  it('a valid snapshot of an unchanged folder gives exactly the full build, without reading the files', async () => {
    const dir = dataCopy('unchanged');
    const file = path.join(work, 'unchanged.snapshot');
    const made = await makeSnapshot(dir, file);
    expect(made.articles).toBeGreaterThan(3);
    const { lines, logger } = recorder();
    const corpus = await startCorpus({ dataDir: dir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, logger);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^started from the snapshot /);
    expect(answers(corpus)).toEqual(answers(new Corpus(await loadArticles(dir))));
  });

  it('is brought up to date with the folder: added, changed and deleted files', async () => {
    const dir = dataCopy('changed');
    const file = path.join(work, 'changed.snapshot');
    await makeSnapshot(dir, file);
    writeFileSync(path.join(dir, 'business', 'port-strike.txt'), 'Port strike enters second week\n\nDock workers stayed off the job on March 3, 2022. Oil shipments waited.\n');
    rmSync(path.join(dir, 'sport', 'cup-final.txt'));
    const budget = path.join(dir, 'politics', 'budget-talks.txt');
    writeFileSync(budget, `${readFileSync(budget, 'utf8')}\nA late paragraph about oil revenue.\n`);
    const { lines, logger } = recorder();
    const parses = new ParseCache();
    const corpus = await startCorpus({ dataDir: dir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, logger, parses);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/brought up to date/);
    expect(corpus.change).toEqual({ added: 1, changed: 1, deleted: 1 });
    // The snapshot's parse cache: only the added and the changed file were read and parsed.
    expect(corpus.stats.filesReused).toBe(corpus.stats.filesRead - 2);
    expect(corpus.stats.filesUnread).toBe(corpus.stats.filesRead - 2);
    const full = new Corpus(await loadArticles(dir));
    expect(answers(corpus)).toEqual(answers(full));
    expect(corpus.stats.languagesDetected).toBe(full.stats.languagesDetected);
    // ...and the cache it left serves the next reload as well as a full load's would.
    writeFileSync(path.join(dir, 'sport', 'late-goal.txt'), 'Late goal settles derby\n\nA header in the last minute won it.\n');
    const next = await loadArticles(dir, { cache: parses, changedPaths: [{ path: 'sport/late-goal.txt' }] });
    expect(next.stats.filesUnread).toBe(next.stats.filesRead - 1);
    expect(answers(corpus.update(next))).toEqual(answers(new Corpus(await loadArticles(dir))));
  });

  it("an unchanged folder: the parse cache is restored when a reload first reads it, and that reload reads only the changed file and equals a full build", async () => {
    const dir = dataCopy('deferred');
    const file = path.join(work, 'deferred.snapshot');
    await makeSnapshot(dir, file);
    const parses = new ParseCache();
    const corpus = await startCorpus({ dataDir: dir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, recorder().logger, parses);
    expect(answers(corpus)).toEqual(answers(new Corpus(await loadArticles(dir))));
    writeFileSync(path.join(dir, 'sport', 'late-goal.txt'), 'Late goal settles derby\n\nA header in the last minute won it.\n');
    const budget = path.join(dir, 'politics', 'budget-talks.txt');
    writeFileSync(budget, `${readFileSync(budget, 'utf8')}\nA late paragraph about oil revenue.\n`);
    const next = await loadArticles(dir, { cache: parses });
    // every other file came from the restored cache, unparsed
    expect(next.stats.filesReused).toBe(next.stats.filesRead - 2);
    const updated = corpus.update(next);
    expect(updated.change).toEqual({ added: 1, changed: 1, deleted: 0 });
    expect(answers(updated)).toEqual(answers(new Corpus(await loadArticles(dir))));
  });

  it('notices a file rewritten with the same size (modification time)', async () => {
    const dir = dataCopy('touched');
    const file = path.join(work, 'touched.snapshot');
    await makeSnapshot(dir, file);
    const target = path.join(dir, 'business', 'oil-prices-climb.txt');
    const text = readFileSync(target, 'utf8');
    writeFileSync(target, text.replace(/prices/u, 'burden'));
    expect(readFileSync(target, 'utf8')).not.toBe(text);
    const later = new Date(Date.now() + 5000);
    utimesSync(target, later, later);
    const corpus = await startCorpus({ dataDir: dir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, recorder().logger);
    expect(corpus.change).toMatchObject({ added: 0, deleted: 0 });
    expect(corpus.change!.changed).toBeGreaterThanOrEqual(1); // the article, and any whose related link names its headline
    expect(answers(corpus)).toEqual(answers(new Corpus(await loadArticles(dir))));
  });

  const fallbacks: Array<[string, (file: string, dir: string) => void, RegExp]> = [
    ['missing', (file) => rmSync(file), /missing/],
    ['corrupt', (file) => {
      const bytes = readFileSync(file);
      bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      writeFileSync(file, bytes);
    }, /checksum mismatch \(corrupt\)/],
    ['truncated', (file) => writeFileSync(file, readFileSync(file).subarray(0, 5000)), /truncated/],
    ['old-format', (file) => {
      const bytes = readFileSync(file);
      bytes.writeUInt32LE(SNAPSHOT_FORMAT - 1, 8);
      writeFileSync(file, bytes);
    }, new RegExp(`format ${SNAPSHOT_FORMAT - 1}, this server reads format ${SNAPSHOT_FORMAT}`)],
    ['not a snapshot', (file) => writeFileSync(file, '{"hello": "world"}'), /not a snapshot file/],
    ['another folder', (_file, dir) => cpSync(dir, `${dir}-moved`, { recursive: true }), /made from .*, not /],
  ];
  for (const [name, damage, why] of fallbacks) {
    it(`a ${name} snapshot falls back to the files with one log line`, async () => {
      const dir = dataCopy(`fallback-${name.replace(/ /g, '-')}`);
      const file = path.join(work, `${name.replace(/ /g, '-')}.snapshot`);
      await makeSnapshot(dir, file);
      damage(file, dir);
      const dataDir = name === 'another folder' ? `${dir}-moved` : dir;
      const { lines, logger } = recorder();
      const corpus = await startCorpus({ dataDir, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, logger);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^snapshot .* not used \\(.*${why.source}.*\\); building from the files$`));
      expect(corpus.change).toBeNull();
      expect(answers(corpus)).toEqual(answers(new Corpus(await loadArticles(dataDir))));
    });
  }
});

const skip = bbcSkipReason();
describe.skipIf(skip !== null)('a snapshot of the BBC corpus', () => {
  it('restores to exactly the full build', async () => {
    const file = path.join(work, 'bbc.snapshot');
    await makeSnapshot(BBC_DIR, file);
    const { lines, logger } = recorder();
    const restored = await startCorpus({ dataDir: BBC_DIR, maxFileBytes: 5 << 20, followSymlinksOutside: false, snapshot: file }, logger);
    expect(lines[0]).toMatch(/^started from the snapshot /);
    const full = new Corpus(await loadArticles(BBC_DIR));
    expect(restored.version).toBe(full.version);
    expect(restored.storySync.added).toBe(0); // the stored story index, not one made again
    const stories = (c: Corpus) => c.listStories({ limit: 5000, offset: 0, minSize: 1 }).items.map((st) => [st.id, st.articles.map((a) => a.id)]);
    expect(stories(restored)).toEqual(stories(full));
    for (const q of ['economy growth', '"prime minister"', 'elect*', 'title:music', 'blair OR brown']) {
      const o = { sort: 'relevance' as const, limit: 100, offset: 0, facets: ['category' as const] };
      expect(restored.search(q, o)).toEqual(full.search(q, o));
    }
    expect(restored.list({ sort: 'newest', limit: 100, offset: 500 })).toEqual(full.list({ sort: 'newest', limit: 100, offset: 500 }));
  }, 120_000);
});
