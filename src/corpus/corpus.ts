/**
 * The corpus snapshot: immutable records plus everything derived from them once (lookup maps,
 * sorted orders, facet columns, the search index). Routes only ever call this.
 */
import { createHash } from 'node:crypto';
import type { Article } from '../articles/schema.js';
import type { LoadProblem, LoadResult, LoadStats } from '../loader/index.js';
import { SearchIndex, parseQuery, topK, type Query } from '../search/index.js';
import { StoryIndex } from '../search/near-duplicates.js';
import type { ArticleFilter, Sort } from './filters.js';
import { SnapshotStories, syncStories, type SnapshotStory, type StorySync } from './stories.js';

export interface FacetValue {
  value: string;
  count: number;
}
export interface SourceCount {
  id: string;
  name: string;
  count: number;
}

export interface SearchOptions extends ArticleFilter {
  sort: 'relevance' | Sort;
  limit: number;
  offset: number;
  fuzzy?: boolean;
  facets?: ReadonlyArray<'source' | 'category' | 'month'>;
  /** One hit per story: its best-ranked matching article (in the requested sort), with the other matches counted. */
  collapse?: boolean;
  /** Facets count distinct stories instead of articles (default: stories when collapsed). */
  facetCount?: 'articles' | 'stories';
}

export interface SearchHit {
  article: Article;
  score: number;
  title: string;
  titleMatched: boolean;
  snippet: string;
  /** When collapsed: other matching articles of the same story. */
  reprints?: number;
}

/** A story's article with the count of the story's other articles in the same result set. */
export interface CollapsedArticle {
  article: Article;
  reprints: number;
}

/** What a story reference on an article says. */
export interface StoryRef {
  id: string;
  size: number;
}

/** A story with its articles, first-published first. */
export interface StoryView {
  id: string;
  first: Article;
  articles: Article[];
  sources: Array<{ id: string; name: string }>;
  /** Earliest and latest published dates of its articles (null when none is dated). */
  fromMs: number | null;
  toMs: number | null;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: Partial<Record<'source' | 'category' | 'month', FacetValue[]>>;
}

const NO_DATE = Number.NaN;

export class Corpus {
  readonly articles: readonly Article[];
  readonly problems: readonly LoadProblem[];
  readonly stats: LoadStats;
  /** Content hash of the snapshot: changes whenever any article's file content or id changes. */
  readonly version: string;
  readonly loadedAt: Date;
  readonly buildMs: number;

  /** Slug → article position; ids need no map, the articles are sorted by id (binary search). */
  private readonly bySlug = new Map<string, number>();
  private readonly dateMs: Float64Array;
  private readonly sourceOf: Int32Array;
  private readonly categoryOf: Int32Array;
  private readonly sourceList: { id: string; name: string }[] = [];
  private readonly categoryList: string[] = [];
  private readonly newest: Uint32Array;
  private readonly oldest: Uint32Array;
  /** Position of each article in `newest`; sorting search hits by date uses it. */
  private readonly newestRank: Uint32Array;
  private readonly oldestRank: Uint32Array;
  private readonly index: SearchIndex;
  /** The incremental near-duplicate index, until the next snapshot takes it over (takeStoryIndex). */
  private storyIndex: StoryIndex | null;
  /** This snapshot's stories, copied out of the story index. */
  private readonly stories: SnapshotStories;
  /** How many articles the story index had to fingerprint or drop for this snapshot. */
  readonly storySync: StorySync;

  /**
   * @param storyIndex the previous snapshot's story index (`previous.takeStoryIndex()`): only
   *   articles added, changed or removed since are re-grouped. Without it, every article is.
   */
  constructor(load: LoadResult, now = new Date(), storyIndex: StoryIndex = new StoryIndex()) {
    const started = performance.now();
    // Sorted by id (the loader already does; kept true here so lookups can binary-search).
    const sorted = load.articles.slice();
    if (!sorted.every((a, i) => i === 0 || sorted[i - 1]!.id < a.id)) sorted.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    this.articles = Object.freeze(sorted);
    this.problems = Object.freeze(load.problems.slice());
    this.stats = load.stats;
    this.loadedAt = now;
    const n = this.articles.length;
    const hash = createHash('sha256');
    this.dateMs = new Float64Array(n);
    this.sourceOf = new Int32Array(n);
    this.categoryOf = new Int32Array(n);
    const sourceIdx = new Map<string, number>();
    const categoryIdx = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const a = this.articles[i]!;
      hash.update(`${a.id}\0${a.origin.sha256}\0${a.origin.line ?? ''}\n`);
      this.dateMs[i] = a.publishedAt ? Date.parse(a.publishedAt) : NO_DATE;
      if (a.source) {
        let s = sourceIdx.get(a.source.id);
        if (s === undefined) {
          s = this.sourceList.push({ id: a.source.id, name: a.source.name }) - 1;
          sourceIdx.set(a.source.id, s);
        }
        this.sourceOf[i] = s;
      } else this.sourceOf[i] = -1;
      if (a.category) {
        let c = categoryIdx.get(a.category);
        if (c === undefined) {
          c = this.categoryList.push(a.category) - 1;
          categoryIdx.set(a.category, c);
        }
        this.categoryOf[i] = c;
      } else this.categoryOf[i] = -1;
    }
    // Slugs resolve too, unless an id already uses the same string; the first article (by id) wins a shared slug.
    for (let i = 0; i < n; i++) {
      const slug = this.articles[i]!.slug;
      if (!this.bySlug.has(slug) && this.positionOfId(slug) < 0) this.bySlug.set(slug, i);
    }
    this.version = hash.digest('hex').slice(0, 32);
    const byDate = (dir: 1 | -1) => (x: number, y: number) => {
      const dx = this.dateMs[x]!;
      const dy = this.dateMs[y]!;
      const nx = Number.isNaN(dx);
      const ny = Number.isNaN(dy);
      if (nx !== ny) return nx ? 1 : -1; // undated articles last either way
      if (!nx && dx !== dy) return dir * (dx - dy);
      return x - y;
    };
    const ids = Uint32Array.from({ length: n }, (_, i) => i);
    this.newest = ids.slice().sort(byDate(-1));
    this.oldest = ids.slice().sort(byDate(1));
    this.newestRank = new Uint32Array(n);
    this.oldestRank = new Uint32Array(n);
    for (let r = 0; r < n; r++) {
      this.newestRank[this.newest[r]!] = r;
      this.oldestRank[this.oldest[r]!] = r;
    }
    this.index = SearchIndex.build(this.articles);
    this.storyIndex = storyIndex;
    this.storySync = syncStories(storyIndex, this.articles, this.dateMs);
    this.stories = new SnapshotStories(storyIndex, this.articles, (id) => this.positionOfId(id), this.dateMs);
    this.buildMs = Math.round(performance.now() - started);
  }

  get size(): number {
    return this.articles.length;
  }

  /** By id, or by slug. */
  get(idOrSlug: string): Article | undefined {
    const i = this.positionOfId(idOrSlug);
    if (i >= 0) return this.articles[i];
    const j = this.bySlug.get(idOrSlug);
    return j === undefined ? undefined : this.articles[j];
  }

  indexOf(article: Article): number {
    return this.positionOfId(article.id);
  }

  /** Position of the article with this id, or -1. */
  private positionOfId(id: string): number {
    let lo = 0;
    let hi = this.articles.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.articles[mid]!.id;
      if (at === id) return mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Hands the story index to the next snapshot, which updates it in place; this snapshot keeps
   * answering from its own copy. A second call (or a failed build after the first) gets a fresh,
   * empty index, so the next snapshot simply groups every article again.
   */
  takeStoryIndex(): StoryIndex {
    const index = this.storyIndex ?? new StoryIndex();
    this.storyIndex = null;
    return index;
  }

  /** Takes back the story index from a snapshot that was built but not swapped in (unchanged, or refused). */
  adoptStoryIndex(from: Corpus): void {
    this.storyIndex ??= from.takeStoryIndex();
  }

  /** The story an article belongs to (a story of one when it has no near-duplicate). */
  storyOf(article: Article): StoryRef {
    return this.storyAt(this.indexOf(article));
  }

  private storyAt(position: number): StoryRef {
    const first = this.stories.firstOf[position]!;
    return { id: this.articles[first]!.id, size: this.stories.sizeOf(position) };
  }

  /** A story by its id; `belongsTo` when the id is an article of another story. */
  story(id: string): { story: StoryView } | { belongsTo: string } | undefined {
    const i = this.positionOfId(id);
    if (i < 0) return undefined;
    const s = this.stories.at(i);
    if (!s) return { belongsTo: this.articles[this.stories.firstOf[i]!]!.id };
    return { story: this.storyView(s) };
  }

  /** Stories, newest first (by their latest article), with at least minSize articles. */
  listStories(o: { limit: number; offset: number; minSize: number }): { total: number; items: StoryView[] } {
    const order = this.stories.newest;
    const picked: SnapshotStory[] = [];
    let total = 0;
    for (const first of order) {
      const s = this.stories.at(first)!;
      if (s.members.length < o.minSize) continue;
      if (total >= o.offset && picked.length < o.limit) picked.push(s);
      total++;
    }
    return { total, items: picked.map((s) => this.storyView(s)) };
  }

  private storyView(s: SnapshotStory): StoryView {
    const sources = new Map<string, { id: string; name: string }>();
    let fromMs = Number.NaN;
    let toMs = Number.NaN;
    for (const m of s.members) {
      const src = this.articles[m]!.source;
      if (src && !sources.has(src.id)) sources.set(src.id, { id: src.id, name: src.name });
      const t = this.dateMs[m]!;
      if (Number.isNaN(t)) continue;
      if (!(t >= fromMs)) fromMs = t;
      if (!(t <= toMs)) toMs = t;
    }
    return {
      id: this.articles[s.first]!.id,
      first: this.articles[s.first]!,
      articles: Array.from(s.members, (m) => this.articles[m]!),
      sources: [...sources.values()],
      fromMs: Number.isNaN(fromMs) ? null : fromMs,
      toMs: Number.isNaN(toMs) ? null : toMs,
    };
  }

  private matcher(f: ArticleFilter): ((i: number) => boolean) | null {
    const checks: Array<(i: number) => boolean> = [];
    // Source ids and categories match whatever their case (category=Business finds business).
    if (f.source !== undefined) {
      const wanted = f.source.toLowerCase();
      const s = this.sourceList.findIndex((x) => x.id === wanted);
      checks.push((i) => this.sourceOf[i] === s && s >= 0);
    }
    if (f.category !== undefined) {
      const wanted = f.category.toLowerCase();
      const cs = new Set(this.categoryList.flatMap((c, k) => (c.toLowerCase() === wanted ? [k] : [])));
      checks.push((i) => cs.has(this.categoryOf[i]!));
    }
    if (f.fromMs !== undefined) {
      const from = f.fromMs;
      checks.push((i) => this.dateMs[i]! >= from);
    }
    if (f.toMs !== undefined) {
      const to = f.toMs;
      checks.push((i) => this.dateMs[i]! <= to);
    }
    if (checks.length === 0) return null;
    return (i) => checks.every((c) => c(i));
  }

  /** Listing: filtered, sorted by date, paged. */
  list(f: ArticleFilter & { sort: Sort; limit: number; offset: number }): { total: number; items: Article[] } {
    const order = f.sort === 'oldest' ? this.oldest : this.newest;
    const match = this.matcher(f);
    if (!match) {
      return { total: order.length, items: Array.from(order.subarray(f.offset, f.offset + f.limit), (i) => this.articles[i]!) };
    }
    const items: Article[] = [];
    let total = 0;
    for (let r = 0; r < order.length; r++) {
      const i = order[r]!;
      if (!match(i)) continue;
      if (total >= f.offset && items.length < f.limit) items.push(this.articles[i]!);
      total++;
    }
    return { total, items };
  }

  /**
   * Listing with one article per story: the story's first-published article among those that
   * match the filters, placed by its own date in the requested sort; `reprints` counts the
   * story's other matching articles, so the totals of the two listings relate (articles =
   * stories + reprints).
   */
  listCollapsed(f: ArticleFilter & { sort: Sort; limit: number; offset: number }): { total: number; items: CollapsedArticle[] } {
    const match = this.matcher(f);
    // Walking oldest first meets each story's first-published matching article first.
    const byStory = new Map<number, { rep: number; count: number }>();
    for (const i of this.oldest) {
      if (match && !match(i)) continue;
      const key = this.stories.firstOf[i]!;
      const seen = byStory.get(key);
      if (seen) seen.count++;
      else byStory.set(key, { rep: i, count: 1 });
    }
    const reps = [...byStory.values()];
    if (f.sort === 'newest') reps.sort((x, y) => this.newestRank[x.rep]! - this.newestRank[y.rep]!);
    return {
      total: reps.length,
      items: reps.slice(f.offset, f.offset + f.limit).map((r) => ({ article: this.articles[r.rep]!, reprints: r.count - 1 })),
    };
  }

  /** Parses the query (throws QuerySyntaxError) and searches. */
  search(q: string, o: SearchOptions): SearchResult {
    return this.searchQuery(parseQuery(q), o);
  }

  searchQuery(query: Query, o: SearchOptions): SearchResult {
    const matched = this.index.match(query, { fuzzy: o.fuzzy ?? false });
    let docs = matched.docs;
    let scores: ArrayLike<number> = matched.scores;
    const match = this.matcher(o);
    if (match) {
      const keepDocs: number[] = [];
      const keepScores: number[] = [];
      for (let k = 0; k < docs.length; k++) {
        if (match(docs[k]!)) {
          keepDocs.push(docs[k]!);
          keepScores.push(scores[k]!);
        }
      }
      docs = Uint32Array.from(keepDocs);
      scores = Float64Array.from(keepScores);
    }
    const facetByStory = (o.facetCount ?? (o.collapse ? 'stories' : 'articles')) === 'stories';
    // Positions into docs/scores of the page's hits.
    let page: ArrayLike<number>;
    let reprints: number[] | null = null;
    let total = docs.length;
    if (o.collapse) {
      // Every match ranked, then the first (best-ranked) of each story kept: a story's rank is its best article's.
      const positions = Uint32Array.from({ length: docs.length }, (_, k) => k);
      const d = docs;
      const sc = scores;
      if (o.sort === 'relevance') positions.sort((x, y) => sc[y]! - sc[x]! || d[x]! - d[y]!);
      else {
        const rank = o.sort === 'newest' ? this.newestRank : this.oldestRank;
        positions.sort((x, y) => rank[d[x]!]! - rank[d[y]!]!);
      }
      const kept: number[] = [];
      const countOf = new Map<number, number>();
      for (const k of positions) {
        const key = this.stories.firstOf[d[k]!]!;
        const c = countOf.get(key);
        if (c === undefined) kept.push(k);
        countOf.set(key, (c ?? 0) + 1);
      }
      total = kept.length;
      page = kept.slice(o.offset, o.offset + o.limit);
      reprints = Array.from(page, (k) => countOf.get(this.stories.firstOf[d[k]!]!)! - 1);
    } else if (o.sort === 'relevance') {
      page = topK(docs, scores, o.limit, o.offset);
    } else {
      const positions = Uint32Array.from({ length: docs.length }, (_, k) => k);
      const rank = (k: number) => (o.sort === 'newest' ? this.newestRank[docs[k]!]! : this.oldestRank[docs[k]!]!);
      positions.sort((x, y) => rank(x) - rank(y));
      page = positions.subarray(o.offset, o.offset + o.limit);
    }
    const plan = this.index.prepareHighlight(query, { fuzzy: o.fuzzy ?? false });
    const hits = Array.from(page, (k, j) => {
      const d = docs[k]!;
      const h = this.index.highlight(d, plan);
      const hit: SearchHit = { article: this.articles[d]!, score: scores[k]!, title: h.title, titleMatched: h.titleMatched, snippet: h.snippet };
      if (reprints) hit.reprints = reprints[j]!;
      return hit;
    });
    return { total, hits, facets: this.facets(docs, o.facets ?? [], facetByStory) };
  }

  /**
   * Facet counts over a whole result set (not just a page): articles, or with `byStory`
   * distinct stories (a story with articles from two sources counts once for each).
   */
  facets(docs: ArrayLike<number>, which: ReadonlyArray<'source' | 'category' | 'month'>, byStory = false): SearchResult['facets'] {
    const out: SearchResult['facets'] = {};
    // Counting stories: a (value, story) pair counts once.
    const counted = new Set<string>();
    const once = (value: number | string, doc: number) => {
      if (!byStory) return true;
      const key = `${value}\0${this.stories.firstOf[doc]!}`;
      if (counted.has(key)) return false;
      counted.add(key);
      return true;
    };
    if (which.includes('source')) {
      const counts = new Uint32Array(this.sourceList.length);
      for (let k = 0; k < docs.length; k++) {
        const s = this.sourceOf[docs[k]!]!;
        if (s >= 0 && once(`s${s}`, docs[k]!)) counts[s]!++;
      }
      out.source = toFacet(this.sourceList.map((s) => s.id), counts);
    }
    if (which.includes('category')) {
      const counts = new Uint32Array(this.categoryList.length);
      for (let k = 0; k < docs.length; k++) {
        const c = this.categoryOf[docs[k]!]!;
        if (c >= 0 && once(`c${c}`, docs[k]!)) counts[c]!++;
      }
      out.category = toFacet(this.categoryList, counts);
    }
    if (which.includes('month')) {
      const months = new Map<string, number>();
      for (let k = 0; k < docs.length; k++) {
        const t = this.dateMs[docs[k]!]!;
        if (Number.isNaN(t)) continue;
        const key = new Date(t).toISOString().slice(0, 7);
        if (!once(`m${key}`, docs[k]!)) continue;
        months.set(key, (months.get(key) ?? 0) + 1);
      }
      out.month = [...months].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count }));
    }
    return out;
  }

  /** Articles most like one article. */
  related(article: Article, limit: number): Array<{ article: Article; score: number }> {
    return this.index.moreLikeThis(this.indexOf(article), limit).map((r) => ({ article: this.articles[r.doc]!, score: r.score }));
  }

  sources(): SourceCount[] {
    const counts = new Uint32Array(this.sourceList.length);
    for (const s of this.sourceOf) if (s >= 0) counts[s]!++;
    return this.sourceList.map((s, i) => ({ ...s, count: counts[i]! })).sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  }

  categories(): FacetValue[] {
    const counts = new Uint32Array(this.categoryList.length);
    for (const c of this.categoryOf) if (c >= 0) counts[c]!++;
    return toFacet(this.categoryList, counts);
  }
}

function toFacet(values: readonly string[], counts: Uint32Array): FacetValue[] {
  const out: FacetValue[] = [];
  for (let i = 0; i < values.length; i++) if (counts[i]! > 0) out.push({ value: values[i]!, count: counts[i]! });
  return out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}
