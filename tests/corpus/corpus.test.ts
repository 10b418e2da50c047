/**
 * The corpus's listing, filters and facets, called directly (the HTTP tests reach them only
 * through routes). Expectations are computed from the records themselves by brute force.
 */
import { paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/articles/schema.js';
import { Corpus, toArticleFilter } from '../../src/corpus/index.js';
import { buildSegment } from '../../src/search/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { tempDataDir } from '../helpers/paths.js';

const SOURCES = ['wire-one', 'daily-two', 'radio-three'];
const CATEGORIES = ['business', 'politics', 'sport', 'tech'];
const WORDS = ['harbour', 'strike', 'election', 'budget', 'striker', 'chip', 'market', 'minister', 'league', 'export'];

/** 60 articles from a small seeded generator: varied sources, categories and dates (some undated). */
function ndjson(): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const day = 1 + Math.floor(next() * 28);
    const month = 1 + Math.floor(next() * 6);
    const words = Array.from({ length: 12 }, () => pick(WORDS)).join(' ');
    lines.push(
      JSON.stringify({
        title: `Report ${i} on ${pick(WORDS)} and ${pick(WORDS)}`,
        text: `${words} in paragraph one of report ${i}.\n\nA second paragraph about ${pick(WORDS)}.`,
        source: pick(SOURCES),
        category: pick(CATEGORIES),
        ...(i % 7 === 3 ? {} : { date_publish: `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z` }),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

const corpus = new Corpus(await loadArticles(tempDataDir({ 'feed.ndjson': ndjson() })));
const all = corpus.articles;
const time = (a: Article) => (a.publishedAt ? Date.parse(a.publishedAt) : Number.NaN);
const everything = { sort: 'newest' as const, limit: 100, offset: 0 };

describe('Corpus.list', () => {
  it('holds every article', () => {
    expect(corpus.size).toBe(60);
    expect(corpus.list(everything).total).toBe(60);
  });

  it('sorts newest first and oldest first, undated articles last either way', () => {
    for (const sort of ['newest', 'oldest'] as const) {
      const items = corpus.list({ ...everything, sort }).items;
      const dated = items.filter((a) => a.publishedAt);
      const undated = items.filter((a) => !a.publishedAt);
      expect(undated.length).toBeGreaterThan(0);
      expect(items.slice(dated.length)).toEqual(undated);
      for (let i = 1; i < dated.length; i++) {
        const [a, b] = [time(dated[i - 1]!), time(dated[i]!)];
        expect(sort === 'newest' ? a >= b : a <= b).toBe(true);
      }
    }
  });

  it('pages without gaps or repeats', () => {
    const whole = corpus.list(everything).items.map((a) => a.id);
    const paged: string[] = [];
    for (let offset = 0; offset < 60; offset += 7) paged.push(...corpus.list({ ...everything, limit: 7, offset }).items.map((a) => a.id));
    expect(paged).toEqual(whole);
    expect(corpus.list({ ...everything, offset: 60 }).items).toEqual([]);
  });

  it('filters by source, category and inclusive date bounds, combined with AND', () => {
    const source = SOURCES[1]!;
    const category = CATEGORIES[2]!;
    const from = '2024-02-01';
    const to = '2024-04-30';
    const [fromMs, toMs] = [Date.parse('2024-02-01T00:00:00Z'), Date.parse('2024-04-30T23:59:59.999Z')];
    const cases: Array<[Parameters<typeof toArticleFilter>[0], (a: Article) => boolean]> = [
      [{ source }, (a) => a.source?.id === source],
      [{ category }, (a) => a.category === category],
      [{ from }, (a) => time(a) >= fromMs],
      [{ to }, (a) => time(a) <= toMs],
      [{ source, category, from, to }, (a) => a.source?.id === source && a.category === category && time(a) >= fromMs && time(a) <= toMs],
    ];
    for (const [params, keep] of cases) {
      const got = corpus.list({ ...everything, ...toArticleFilter(params) });
      const want = all.filter(keep);
      expect(want.length, JSON.stringify(params)).toBeGreaterThan(0);
      expect(got.total, JSON.stringify(params)).toBe(want.length);
      expect(new Set(got.items.map((a) => a.id))).toEqual(new Set(want.map((a) => a.id)));
    }
  });

  it('treats a date-only `to` as the end of that day', () => {
    const dated = all.find((a) => a.publishedAt && !a.publishedAt.includes('T00:00:00'))!;
    const day = dated.publishedAt!.slice(0, 10);
    const ids = corpus.list({ ...everything, ...toArticleFilter({ from: day, to: day }) }).items.map((a) => a.id);
    expect(ids).toContain(dated.id);
  });

  it('finds nothing for a source or category no article has', () => {
    expect(corpus.list({ ...everything, source: 'no-such-source' }).total).toBe(0);
    expect(corpus.list({ ...everything, category: 'weather' }).total).toBe(0);
  });
});

describe('Corpus.sources and Corpus.categories', () => {
  it('count every article once, most articles first, ties by name', () => {
    const sources = corpus.sources();
    expect(sources.reduce((n, s) => n + s.count, 0)).toBe(60);
    for (const s of sources) expect(s.count).toBe(all.filter((a) => a.source?.id === s.id).length);
    for (let i = 1; i < sources.length; i++) expect(sources[i - 1]!.count >= sources[i]!.count).toBe(true);
    const categories = corpus.categories();
    expect(categories.map((c) => c.value).sort()).toEqual([...new Set(all.map((a) => a.category))].sort());
    for (const c of categories) expect(c.count).toBe(all.filter((a) => a.category === c.value).length);
  });
});

describe('Corpus.search facets and filters', () => {
  it('counts facets over the whole result set, not the page', () => {
    const r = corpus.search('harbour', { sort: 'relevance', limit: 3, offset: 0, facets: ['source', 'category', 'month'] });
    const matching = all.filter((a) => /harbour/i.test(`${a.title} ${paragraphsOf(a).join(' ')}`));
    expect(r.total).toBe(matching.length);
    expect(r.hits.length).toBe(3);
    expect(r.facets.source!.reduce((n, f) => n + f.count, 0)).toBe(matching.length);
    for (const f of r.facets.category!) expect(f.count).toBe(matching.filter((a) => a.category === f.value).length);
    const months = new Map<string, number>();
    for (const a of matching) if (a.publishedAt) months.set(a.publishedAt.slice(0, 7), (months.get(a.publishedAt.slice(0, 7)) ?? 0) + 1);
    expect(r.facets.month).toEqual([...months].sort().map(([value, count]) => ({ value, count })));
  });

  it('applies the listing filters to search results', () => {
    const category = CATEGORIES[0]!;
    const r = corpus.search('market', { sort: 'relevance', limit: 100, offset: 0, category });
    expect(r.total).toBeGreaterThan(0);
    expect(r.hits.every((h) => h.article.category === category)).toBe(true);
    expect(r.total).toBe(all.filter((a) => a.category === category && /market/i.test(`${a.title} ${paragraphsOf(a).join(' ')}`)).length);
  });

  it('orders search hits by date like the listing when sort=newest', () => {
    const r = corpus.search('budget', { sort: 'newest', limit: 100, offset: 0 });
    const order = corpus.list(everything).items.map((a) => a.id);
    const positions = r.hits.map((h) => order.indexOf(h.article.id));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('Corpus.get', () => {
  it('finds an article by id and by slug, and nothing for an unknown one', () => {
    const a = all[17]!;
    expect(corpus.get(a.id)).toBe(a);
    expect(corpus.get(a.slug)?.slug).toBe(a.slug);
    expect(corpus.get('no-such-article')).toBeUndefined();
  });

  it('a slug shared by several articles finds the first by id, in a version and after updates drop it or add one before it', async () => {
    // Three files with one headline (one slug), and one alone; then the first by id goes, then one sorting before all comes.
    const article = (title: string, n: number) => `${title}\n\nA paragraph about the harbour strike, long enough to be a body, number ${n}.\n`;
    const files = { 'b.txt': article('Harbour strike ends', 1), 'c.txt': article('Harbour strike ends', 2), 'd.txt': article('Harbour strike ends', 3), 'e.txt': article('Budget vote today', 4) };
    const dir = tempDataDir(files);
    const first = new Corpus(await loadArticles(dir));
    const shared = first.get('harbour-strike-ends');
    expect(shared?.slug).toBe('harbour-strike-ends');
    const sameSlug = first.articles.filter((a) => a.slug === 'harbour-strike-ends').map((a) => a.id);
    expect(sameSlug).toHaveLength(3);
    expect(shared?.id).toBe([...sameSlug].sort()[0]);
    expect(first.get('budget-vote-today')?.title).toBe('Budget vote today');
    const without = first.update(await loadArticles(tempDataDir({ 'c.txt': files['c.txt'], 'd.txt': files['d.txt'], 'e.txt': files['e.txt'] })));
    expect(without.get('harbour-strike-ends')?.id).toBe([...sameSlug].sort()[1]);
    const withEarlier = without.update(await loadArticles(tempDataDir({ 'a.txt': article('Harbour strike ends', 5), 'c.txt': files['c.txt'], 'd.txt': files['d.txt'], 'e.txt': files['e.txt'] })));
    const ids = withEarlier.articles.filter((a) => a.slug === 'harbour-strike-ends').map((a) => a.id).sort();
    expect(ids).toHaveLength(3);
    expect(withEarlier.get('harbour-strike-ends')?.id).toBe(ids[0]);
    expect(ids[0]).not.toBe(sameSlug.sort()[1]);
  });
});

describe('a version from several segments (Corpus.fromSegments, a replica first build in pages)', () => {
  it('finds every article by slug and by id, whichever segment holds it, as a build of one segment does', async () => {
    const load = await loadArticles(tempDataDir({ 'feed.ndjson': ndjson() }));
    const pages = [load.articles.slice(0, 25), load.articles.slice(25, 40), load.articles.slice(40)];
    const paged = Corpus.fromSegments(load, pages.map((page) => buildSegment(page)));
    const whole = new Corpus(load);
    expect(paged.size).toBe(whole.size);
    for (const a of load.articles) {
      expect(paged.get(a.slug)?.id).toBe(whole.get(a.slug)?.id);
      expect(paged.get(a.id)?.slug).toBe(a.slug);
    }
    expect(paged.get('no-such-slug')).toBeUndefined();
  });
});
