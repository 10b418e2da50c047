import { bodyOf, paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/articles/schema.js';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore, SegmentBuilder, SegmentMerger } from '../../src/corpus/index.js';
import { buildSegment } from '../../src/search/index.js';
import { Health } from '../../src/http/schemas/index.js';
import { loadArticles, type LoadResult } from '../../src/loader/index.js';
import { rng } from '../search/bbc-corpus.js';
import { BBC_DIR, bbcSkipReason, DATA_DIR, FIXTURES, HAVE_BBC } from '../helpers/paths.js';
import path from 'node:path';

/** Everything the routes can ask a corpus, as plain data. */
function everything(corpus: Corpus, queries: readonly string[]): unknown {
  const out: Record<string, unknown> = { size: corpus.size, version: corpus.version, sources: corpus.sources(), categories: corpus.categories() };
  const categories = corpus.categories().map((c) => c.value);
  const sources = corpus.sources().map((s) => s.id);
  for (const sort of ['newest', 'oldest'] as const) {
    out[`list ${sort}`] = corpus.list({ sort, limit: 100_000, offset: 0 }).items.map((a) => a.id);
    out[`list ${sort} page`] = corpus.list({ sort, limit: 7, offset: 3 });
    for (const category of categories.slice(0, 3)) out[`list ${sort} ${category}`] = corpus.list({ sort, category, limit: 50, offset: 1 }).items.map((a) => a.id);
    for (const source of sources.slice(0, 3)) out[`list ${sort} ${source}`] = corpus.list({ sort, source, limit: 50, offset: 0 });
  }
  for (const q of queries) {
    for (const sort of ['relevance', 'newest', 'oldest'] as const) {
      const r = corpus.search(q, { sort, limit: 20, offset: 0, facets: ['source', 'category', 'month'] });
      out[`search ${q} ${sort}`] = { total: r.total, facets: r.facets, hits: r.hits.map((h) => ({ id: h.article.id, score: h.score, title: h.title, snippet: h.snippet })) };
    }
    out[`search ${q} fuzzy page 2`] = corpus.search(q, { sort: 'relevance', limit: 5, offset: 5, fuzzy: true }).hits.map((h) => [h.article.id, h.score]);
  }
  // Stories (near-duplicate groups): every one, in the order served, and each article's.
  out.stories = corpus.listStories({ limit: 1_000_000, offset: 0, minSize: 1 }).items.map((s) => ({ id: s.id, articles: s.articles.map((a) => a.id), fromMs: s.fromMs, toMs: s.toMs }));
  out.storyOf = corpus.articles.map((a) => [a.id, corpus.storyOf(a)]);
  out.collapsed = corpus.listCollapsed({ sort: 'newest', limit: 100_000, offset: 0 }).items.map((c) => [c.article.id, c.reprints]);
  const ids = corpus.articles.map((a) => a.id);
  for (const id of ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 15)) === 0)) {
    const a = corpus.get(id)!;
    out[`get ${id}`] = a;
    out[`slug ${a.slug}`] = corpus.get(a.slug)?.id;
    out[`related ${id}`] = corpus.related(a, 5).map((r) => [r.article.id, r.score]);
  }
  return out;
}

function edited(a: Article, n: number): Article {
  const paragraphs = [...paragraphsOf(a).slice(1), `Correction ${n}: an earlier version of this story misstated the figures.`];
  return {
    ...a,
    title: `${a.title} update ${n}`,
    lead: paragraphs[0]!,
    body: bodyOf(paragraphs),
    origin: { ...a.origin, sha256: `${a.origin.sha256.slice(0, 56)}${String(n).padStart(8, '0')}` },
  };
}

/**
 * `present` (sorted by id) with one or two articles changed: one removed (with probability
 * `removeShare`) or else edited, and one of `all` restored if it is not present.
 */
function oneOrTwoChanged(present: readonly Article[], all: readonly Article[], random: () => number, step: number, removeShare: number): Article[] {
  const victim = present[Math.floor(random() * present.length)]!;
  const next = random() < removeShare ? present.filter((a) => a !== victim) : present.map((a) => (a === victim ? edited(a, step) : a));
  const restored = all[Math.floor(random() * all.length)]!;
  return next.some((a) => a.id === restored.id) ? next : [...next, restored].sort((x, y) => (x.id < y.id ? -1 : 1));
}

/**
 * From `base`, a seeded history of loads (articles removed, restored, edited), each applied
 * with `update` and merges, compared after every step with a full build of the same load.
 */
function history(base: LoadResult, seed: number, steps: number, queries: readonly string[], withDelta = false): void {
  const random = rng(seed);
  const all = base.articles.slice();
  let present = new Map(all.filter(() => random() < 0.6).map((a) => [a.id, a]));
  let previous: LoadResult | null = null;
  /**
   * The load of `present`; `withDelta`, each names the load before it and says what changed
   * since, as the loader does for a named change (the corpus then looks up those ids alone).
   */
  const loadOf = (): LoadResult => {
    const articles = [...present.values()].sort((x, y) => (x.id < y.id ? -1 : 1));
    if (!withDelta) return { ...base, articles };
    const now = new Set(articles);
    const before = new Set(previous?.articles ?? []);
    const delta = previous?.token ? { since: previous.token, removed: previous.articles.filter((a) => !now.has(a)).map((a) => a.id), added: articles.filter((a) => !before.has(a)) } : undefined;
    previous = { ...base, articles, token: {}, ...(delta ? { delta } : {}) };
    return previous;
  };
  let corpus = new Corpus(loadOf());
  const pinned = corpus;
  const pinnedAnswers = everything(pinned, queries);
  for (let step = 0; step < steps; step++) {
    const next = new Map(present);
    for (const a of all) {
      const roll = random();
      if (roll < 0.05) next.delete(a.id);
      else if (roll < 0.1) next.set(a.id, a);
      else if (roll < 0.13 && next.has(a.id)) next.set(a.id, edited(next.get(a.id)!, step));
    }
    present = next;
    corpus = corpus.update(loadOf());
    for (let merge = corpus.pendingMerge({ mergeFactor: 3, floorSize: 2, deletedShareToRewrite: 0.3 }); merge; merge = corpus.pendingMerge({ mergeFactor: 3, floorSize: 2, deletedShareToRewrite: 0.3 })) {
      const before = corpus.version;
      corpus = corpus.merged(...merge);
      expect(corpus.version).toBe(before);
    }
    expect(everything(corpus, queries), `step ${step}`).toEqual(everything(new Corpus(loadOf()), queries));
  }
  // a reader that pinned the first version still answers from it, whole
  expect(everything(pinned, queries)).toEqual(pinnedAnswers);
  expect(corpus.segments.segments).toBeGreaterThan(0);
}

describe('corpus updates equal full builds', () => {
  it('fixtures and the seed article: a seeded history of removals, restorations and edits', async () => {
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    const seed = await loadArticles(DATA_DIR);
    const base = { ...fixtures, articles: [...fixtures.articles, ...seed.articles] };
    expect(base.articles.length).toBeGreaterThan(3);
    history(base, 5, 12, ['oil', 'taliban', 'market -shares', '"security forces"', 'gov*', 'title:bank']);
  });

  it('loads that say what they changed since the served one (a named change taken alone): only those ids are looked up, and a seeded history equals full builds', async () => {
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    const stories = await loadArticles(path.join(FIXTURES, 'stories'));
    const seed = await loadArticles(DATA_DIR);
    const base = { ...fixtures, articles: [...fixtures.articles, ...stories.articles, ...seed.articles] };
    history(base, 9, 14, ['oil', 'port strike', 'gov*'], true);
    // A load whose delta names another load than the served one's is diffed whole (the served version was never that load).
    const first = new Corpus({ ...base, token: {} });
    const stray = { ...base, articles: base.articles.slice(1), token: {}, delta: { since: {}, removed: [], added: [] } };
    expect(first.update(stray).size).toBe(base.articles.length - 1);
  });

  it('near-duplicate stories: a seeded history that splits and joins stories, copied out by the change alone', async () => {
    const stories = await loadArticles(path.join(FIXTURES, 'stories'));
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    // reprints of the fixtures' articles under other ids: stories of two and more that edits split and restores join
    const copies = [...stories.articles, ...fixtures.articles].flatMap((a) => [1, 2].map((n) => ({ ...a, id: `${a.id}-copy-${n}`, slug: `${a.slug}-copy-${n}`, origin: { ...a.origin, path: `copies/${n}/${a.origin.path}` } })));
    const base = { ...fixtures, articles: [...stories.articles, ...fixtures.articles, ...copies] };
    expect(new Corpus(base).listStories({ limit: 1000, offset: 0, minSize: 2 }).total).toBeGreaterThan(2);
    history(base, 11, 12, ['oil', 'port strike']);
  });

  it('a few changes among many (orders updated by binary search, not a full merge): a seeded history equals full builds', async () => {
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    // 40 copies of each fixture under ids that interleave with the originals': hundreds of articles
    const copies = Array.from({ length: 40 }, (_, n) =>
      fixtures.articles.map((a) => ({ ...a, id: `${a.id.slice(0, 3)}${String(n).padStart(2, '0')}-${a.id}`, slug: `${a.slug}-${n}`, origin: { ...a.origin, path: `copy-${n}/${a.origin.path}`, sha256: `${a.origin.sha256.slice(0, 60)}${String(n).padStart(4, '0')}` } })),
    ).flat();
    const base = { ...fixtures, articles: [...fixtures.articles, ...copies].sort((x, y) => (x.id < y.id ? -1 : 1)) };
    expect(base.articles.length).toBeGreaterThan(250);
    let corpus = new Corpus(base);
    const random = rng(3);
    let present = base.articles.slice();
    for (let step = 0; step < 8; step++) {
      present = oneOrTwoChanged(present, base.articles, random, step, 0.5);
      const load = { ...base, articles: present };
      corpus = corpus.update(load);
      expect(everything(corpus, ['oil', 'bank']), `step ${step}`).toEqual(everything(new Corpus(load), ['oil', 'bank']));
    }
  });

  it('stories after many single-article changes and merges (the layers of the story table folded over an earlier whole table, which is copied only after many changes) equal full builds', async () => {
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    // copies of each fixture under other ids: stories of many reprints, which edits split and restores join
    const copies = Array.from({ length: 12 }, (_, n) =>
      fixtures.articles.map((a) => ({ ...a, id: `${a.id}-copy-${n}`, slug: `${a.slug}-copy-${n}`, origin: { ...a.origin, path: `copy-${n}/${a.origin.path}`, sha256: `${a.origin.sha256.slice(0, 60)}${String(n).padStart(4, '0')}` } })),
    ).flat();
    const base = { ...fixtures, articles: [...fixtures.articles, ...copies].sort((x, y) => (x.id < y.id ? -1 : 1)) };
    const storiesOf = (corpus: Corpus) => ({
      stories: corpus.listStories({ limit: 1_000_000, offset: 0, minSize: 1 }).items.map((s) => ({ id: s.id, articles: s.articles.map((a) => a.id), fromMs: s.fromMs, toMs: s.toMs })),
      storyOf: corpus.articles.map((a) => [a.id, corpus.storyOf(a)]),
      collapsed: corpus.listCollapsed({ sort: 'newest', limit: 100_000, offset: 0 }).items.map((c) => [c.article.id, c.reprints]),
    });
    let corpus = new Corpus(base);
    const random = rng(17);
    let present = base.articles.slice();
    const policy = { mergeFactor: 4, floorSize: 2, deletedShareToRewrite: 0.3 };
    // more steps than the table has layers (16), and enough changes over the bottom table that it is copied at last
    for (let step = 0; step < 70; step++) {
      present = oneOrTwoChanged(present, base.articles, random, step, 0.4);
      const load = { ...base, articles: present };
      corpus = corpus.update(load);
      for (let merge = corpus.pendingMerge(policy); merge; merge = corpus.pendingMerge(policy)) corpus = corpus.merged(...merge);
      expect(storiesOf(corpus), `step ${step}`).toEqual(storiesOf(new Corpus(load)));
    }
  });

  it('two versions made from one (the first never served) each equal a full build, and so do the versions after: the second syncs the stories whole', async () => {
    const stories = await loadArticles(path.join(FIXTURES, 'stories'));
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    const originals = [...stories.articles, ...fixtures.articles];
    const reprints = originals.map((a) => ({ ...a, id: `${a.id}-reprint`, slug: `${a.slug}-reprint`, origin: { ...a.origin, path: `reprints/${a.origin.path}` } }));
    const all = [...originals, ...reprints].sort((x, y) => (x.id < y.id ? -1 : 1));
    const reprinted = new Corpus({ ...fixtures, articles: all }).listStories({ limit: 10, offset: 0, minSize: 2 }).items[0]!;
    const [firstCopy, secondCopy] = reprinted.articles.map((a) => a.id);
    const without = (...ids: string[]) => ({ ...fixtures, articles: all.filter((a) => !ids.includes(a.id)) });
    const base = new Corpus({ ...fixtures, articles: all });
    base.update(without(firstCopy!)); // made and refused: the shared story index moved on without one reprint
    const other = all.find((a) => !reprinted.articles.some((r) => r.id === a.id))!.id;
    const second = base.update(without(other));
    expect(everything(second, ['oil'])).toEqual(everything(new Corpus(without(other)), ['oil']));
    const third = second.update(without(other, secondCopy!));
    expect(everything(third, ['oil'])).toEqual(everything(new Corpus(without(other, secondCopy!)), ['oil']));
  });

  it('two versions that each add articles to one version keep their own columns (the shared arrays are appended to by one only)', async () => {
    const fixtures = await loadArticles(path.join(FIXTURES, 'corpus'));
    const [kept, ...rest] = fixtures.articles;
    const base = new Corpus({ ...fixtures, articles: [kept!] });
    const loadOf = (articles: Article[]) => ({ ...fixtures, articles: articles.slice().sort((x, y) => (x.id < y.id ? -1 : 1)) });
    const first = base.update(loadOf([kept!, ...rest.slice(0, 2)]));
    const firstAnswers = everything(first, ['oil', 'bank']);
    const second = base.update(loadOf([kept!, ...rest.slice(2).map((a, n) => edited(a, n))]));
    const third = first.update(loadOf([kept!, ...rest.slice(0, 3)]));
    expect(everything(first, ['oil', 'bank'])).toEqual(firstAnswers);
    expect(everything(first, ['oil', 'bank'])).toEqual(everything(new Corpus(loadOf([kept!, ...rest.slice(0, 2)])), ['oil', 'bank']));
    expect(everything(second, ['oil', 'bank'])).toEqual(everything(new Corpus(loadOf([kept!, ...rest.slice(2).map((a, n) => edited(a, n))])), ['oil', 'bank']));
    expect(everything(third, ['oil', 'bank'])).toEqual(everything(new Corpus(loadOf([kept!, ...rest.slice(0, 3)])), ['oil', 'bank']));
  });

  it('an update reports what it changed and keeps unchanged records', async () => {
    const load = await loadArticles(path.join(FIXTURES, 'corpus'));
    const first = new Corpus(load);
    const [a, b, ...rest] = load.articles;
    const next = first.update({ ...load, articles: [edited(a!, 1), ...rest] });
    expect(next.change).toEqual({ added: 0, changed: 1, deleted: 1 });
    expect(next.get(rest[0]!.id)).toBe(first.get(rest[0]!.id));
    expect(next.get(b!.id)).toBeUndefined();
    expect(next.segments).toMatchObject({ segments: 2, deleted: 2 });
    const same = next.update({ ...load, articles: [edited(a!, 1), ...rest] });
    expect(same.change).toEqual({ added: 0, changed: 0, deleted: 0 });
    expect(same.version).toBe(next.version);
  });
});

describe('the segment merger', () => {
  it('merges small segments after reloads, off the request, keeping content and version; pinned versions still answer', async () => {
    const load = await loadArticles(path.join(FIXTURES, 'corpus'));
    const articles = load.articles;
    const store = new CorpusStore(new Corpus({ ...load, articles: articles.slice(0, 1) }));
    const merger = new SegmentMerger(store, { info: () => {} }, { mergeFactor: 3, floorSize: 100, deletedShareToRewrite: 0.3 });
    store.onSwap(() => merger.schedule());
    const queries = ['oil', 'bank', 'market'];
    let pinned: { corpus: Corpus; answers: unknown } | null = null;
    for (let n = 2; n <= articles.length; n++) {
      store.swap(store.current.update({ ...load, articles: articles.slice(0, n) }));
      if (n === 3) pinned = { corpus: store.current, answers: everything(store.current, queries) };
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
    merger.close();
    expect(merger.merges).toBeGreaterThan(0);
    expect(store.current.segments.segments).toBeLessThan(articles.length);
    expect(everything(store.current, queries)).toEqual(everything(new Corpus(load), queries));
    expect(everything(pinned!.corpus, queries)).toEqual(pinned!.answers);
  });
});

describe('segments built on a worker thread', () => {
  it('equal the in-process build, and updates and merges made with them equal full builds', async () => {
    const builder = new SegmentBuilder();
    try {
      const load = await loadArticles(path.join(FIXTURES, 'corpus'));
      const segment = await builder.build(load.articles);
      expect(segment.documents).toBe(load.articles);
      expect(segment.parts).toEqual(buildSegment(load.articles).parts);
      // the language travels too: it chooses each document's stemmer
      const multilingual = [
        { title: 'Die Häuser der Stadt', paragraphs: ['Neue Häuser und alte Hauses.'], language: 'de' },
        { title: 'Les maisons de la ville', paragraphs: ['Des maisons neuves.'], language: 'fr' },
        { title: 'Houses in town', paragraphs: ['New houses.'] },
      ];
      expect((await builder.build(multilingual)).parts).toEqual(buildSegment(multilingual).parts);
      expect(buildSegment(multilingual).parts).not.toEqual(buildSegment(multilingual.map((d) => ({ title: d.title, paragraphs: d.paragraphs }))).parts);
      const [first, second, ...rest] = load.articles;
      let corpus = new Corpus({ ...load, articles: [first!] });
      corpus = await corpus.updateWith({ ...load, articles: [first!, second!] }, builder.build);
      corpus = await corpus.updateWith({ ...load, articles: [edited(first!, 3), second!, ...rest] }, builder.build);
      const queries = ['oil', 'bank rates', 'election', 'update'];
      const full = new Corpus({ ...load, articles: [edited(first!, 3), second!, ...rest] });
      expect(everything(corpus, queries)).toEqual(everything(full, queries));
      const merged = await corpus.mergedWith(0, corpus.segments.segments, builder.build);
      expect(merged.segments).toEqual({ segments: 1, documents: load.articles.length, deleted: 0 });
      expect(everything(merged, queries)).toEqual(everything(full, queries));
    } finally {
      await builder.close();
    }
  });
});

describe('requests during updates and merges', () => {
  it('each answers whole from one version (its X-Corpus-Version) while updates and worker-built merges swap versions', async () => {
    const load = await loadArticles(path.join(FIXTURES, 'corpus'));
    const extra = Array.from({ length: 24 }, (_, n) => edited({ ...load.articles[n % load.articles.length]!, id: `extra-${n}`, slug: `extra-${n}` }, n));
    const store = new CorpusStore(new Corpus(load));
    const builder = new SegmentBuilder();
    const merger = new SegmentMerger(store, { info: () => {} }, { mergeFactor: 3, floorSize: 100, deletedShareToRewrite: 0.3 }, builder.build);
    store.onSwap(() => merger.schedule());
    const app = await buildApp({ store, logger: false });
    // every version ever served: its article count and its search total for 'update'
    const versions = new Map<string, { size: number; updates: number }>();
    const note = (c: Corpus) => versions.set(c.version, { size: c.size, updates: c.search('update', { sort: 'relevance', limit: 1, offset: 0 }).total });
    note(store.current);
    try {
      let checked = 0;
      const requests = (async () => {
        for (let i = 0; i < 150; i++) {
          const [list, search] = await Promise.all([app.inject('/articles?limit=100'), app.inject('/search?q=update&limit=100')]);
          for (const [res, field] of [[list, 'size'], [search, 'updates']] as const) {
            expect(res.statusCode).toBe(200);
            const version = versions.get(String(res.headers['x-corpus-version']));
            expect(version).toBeDefined();
            expect((res.json() as { total: number }).total).toBe(version![field]);
            checked++;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      for (let n = 1; n <= extra.length; n++) {
        const next = await store.current.updateWith({ ...load, articles: [...load.articles, ...extra.slice(0, n)] }, builder.build);
        note(next);
        store.swap(next);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await requests;
      await merger.idle();
      expect(checked).toBe(300);
      expect(merger.merges).toBeGreaterThan(0);
      expect(everything(store.current, ['update', 'oil'])).toEqual(everything(new Corpus({ ...load, articles: [...load.articles, ...extra] }), ['update', 'oil']));
    } finally {
      merger.close();
      await builder.close();
      await app.close();
    }
  });
});

describe('/health after an update', () => {
  it('shows the index segments, the deleted share, what the update changed and how long it took', async () => {
    const load = await loadArticles(path.join(FIXTURES, 'corpus'));
    const store = new CorpusStore(new Corpus(load));
    const app = await buildApp({ store, logger: false });
    try {
      const before = Health.parse((await app.inject('/health')).json());
      expect(before.index).toEqual({ segments: 1, documents: load.articles.length, deletedShare: 0 });
      expect(before.reload).toMatchObject({ lastChange: null, pendingChanges: 0, lastMs: null });
      const [first, ...rest] = load.articles;
      store.pendingChanges = 2;
      store.swap(store.current.update({ ...load, articles: [edited(first!, 1), ...rest] }), 12);
      const after = Health.parse((await app.inject('/health')).json());
      expect(after.index).toEqual({ segments: 2, documents: load.articles.length + 1, deletedShare: 1 / (load.articles.length + 1) });
      expect(after.reload).toMatchObject({ lastChange: { added: 0, changed: 1, deleted: 0 }, pendingChanges: 2, lastMs: 12 });
    } finally {
      await app.close();
    }
  });
});

const skip = bbcSkipReason();
describe.skipIf(skip !== null)('corpus updates on the BBC corpus', () => {
  it('a seeded history equals full builds', async () => {
    const load = await loadArticles(BBC_DIR);
    history(load, 9, 4, ['economy growth', '"prime minister"', 'blair OR brown', 'title:music', 'elect*']);
  }, 240_000);
});
void HAVE_BBC;
