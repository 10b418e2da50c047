import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/articles/schema.js';
import { Corpus, CorpusStore, SegmentMerger } from '../../src/corpus/index.js';
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
  return {
    ...a,
    title: `${a.title} update ${n}`,
    paragraphs: [...a.paragraphs.slice(1), `Correction ${n}: an earlier version of this story misstated the figures.`],
    origin: { ...a.origin, sha256: `${a.origin.sha256.slice(0, 56)}${String(n).padStart(8, '0')}` },
  };
}

/**
 * From `base`, a seeded history of loads (articles removed, restored, edited), each applied
 * with `update` and merges, compared after every step with a full build of the same load.
 */
function history(base: LoadResult, seed: number, steps: number, queries: readonly string[]): void {
  const random = rng(seed);
  const all = base.articles.slice();
  let present = new Map(all.filter(() => random() < 0.6).map((a) => [a.id, a]));
  const loadOf = (): LoadResult => ({ ...base, articles: [...present.values()].sort((x, y) => (x.id < y.id ? -1 : 1)) });
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

const skip = bbcSkipReason();
describe.skipIf(skip !== null)('corpus updates on the BBC corpus', () => {
  it('a seeded history equals full builds', async () => {
    const load = await loadArticles(BBC_DIR);
    history(load, 9, 4, ['economy growth', '"prime minister"', 'blair OR brown', 'title:music', 'elect*']);
  }, 240_000);
});
void HAVE_BBC;
