/**
 * What the routes read articles through: one version of the articles, asked asynchronously, so
 * the same routes serve the in-memory corpus (the default: {@link MemoryReaders}, a thin adapter
 * over {@link Corpus}) and PostgreSQL answering by SQL (SEARCH_BACKEND=postgres, see
 * src/store/search/). Routes pin one reader per request (`request.reader`) and never know which.
 */
import type { Article } from '../articles/schema.js';
import type { CollapsedArticle, Corpus, CorpusChange, FacetValue, PageKey, SearchOptions, SearchResult, SegmentSummary, SourceCount, StoryRef, StoryView } from './corpus.js';
import type { ArticleFilter, Sort } from './filters.js';
import type { CorpusStore } from './store.js';

export type ListOptions = ArticleFilter & { sort: Sort; limit: number; offset: number; after?: PageKey | undefined };

/** One version of the articles, as the routes read it. */
export interface ArticleReader {
  /** Names the version (`X-Corpus-Version`, answer-cache keys). */
  readonly version: string;
  readonly loadedAt: Date;
  /** Live articles in this version. */
  readonly size: number;
  /** What /health says about how this version was made. */
  readonly made: { loadMs: number; buildMs: number; change: CorpusChange | null; segments: SegmentSummary };
  /** By id, or by slug. */
  get(idOrSlug: string): Promise<Article | undefined>;
  /** By id only (cards: `ids=`), in the order asked, undefined where missing. */
  getMany(ids: readonly string[]): Promise<Array<Article | undefined>>;
  list(o: ListOptions): Promise<{ total: number; offset: number; items: Article[] }>;
  /** One article per story (its lead: the first-published matching one); `after` is the page key of the last lead shown. */
  listCollapsed(o: ListOptions): Promise<{ total: number; offset: number; items: CollapsedArticle[] }>;
  /** The page key of an article in a date order (for the next page's cursor). */
  dateKey(article: Article): PageKey;
  /** Throws QuerySyntaxError, QueryTooCostly, or {@link ReadTimeout} / {@link ReadUnavailable}. */
  search(q: string, o: SearchOptions): Promise<SearchResult>;
  related(article: Article, limit: number): Promise<Array<{ article: Article; score: number }>>;
  sources(): Promise<SourceCount[]>;
  categories(): Promise<FacetValue[]>;
  /** The story an article of this version belongs to. */
  storyOf(article: Article): StoryRef;
  story(id: string): Promise<{ story: StoryView } | { belongsTo: string } | undefined>;
  listStories(o: { limit: number; offset: number; minSize: number }): Promise<{ total: number; items: StoryView[] }>;
}

/** The reader being served, and recent ones (a relevance cursor continues on its own version while kept). */
export interface ReaderStore {
  readonly current: ArticleReader;
  version(version: string): ArticleReader | undefined;
}

/** A read that ran past the database's statement timeout (the route answers 503). */
export class ReadTimeout extends Error {
  override name = 'ReadTimeout';
}

/** The article store could not be reached (the route answers 503). */
export class ReadUnavailable extends Error {
  override name = 'ReadUnavailable';
}

/** The in-memory corpus as an ArticleReader: every call answered synchronously, wrapped in a settled promise. */
class CorpusReader implements ArticleReader {
  readonly made: ArticleReader['made'];
  constructor(private readonly corpus: Corpus) {
    this.made = { loadMs: corpus.stats.durationMs, buildMs: corpus.buildMs, change: corpus.change, segments: corpus.segments };
  }
  get version() {
    return this.corpus.version;
  }
  get loadedAt() {
    return this.corpus.loadedAt;
  }
  get size() {
    return this.corpus.size;
  }
  get(idOrSlug: string) {
    return Promise.resolve(this.corpus.get(idOrSlug));
  }
  getMany(ids: readonly string[]) {
    return Promise.resolve(
      ids.map((id) => {
        const a = this.corpus.get(id);
        return a && a.id === id ? a : undefined;
      }),
    );
  }
  list(o: ListOptions) {
    return Promise.resolve(this.corpus.list(o));
  }
  listCollapsed(o: ListOptions) {
    return Promise.resolve(this.corpus.listCollapsed(o));
  }
  dateKey(article: Article) {
    return this.corpus.dateKey(article);
  }
  search(q: string, o: SearchOptions) {
    try {
      return Promise.resolve(this.corpus.search(q, o));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  related(article: Article, limit: number) {
    return Promise.resolve(this.corpus.related(article, limit));
  }
  sources() {
    return Promise.resolve(this.corpus.sources());
  }
  categories() {
    return Promise.resolve(this.corpus.categories());
  }
  storyOf(article: Article) {
    return this.corpus.storyOf(article);
  }
  story(id: string) {
    return Promise.resolve(this.corpus.story(id));
  }
  listStories(o: { limit: number; offset: number; minSize: number }) {
    return Promise.resolve(this.corpus.listStories(o));
  }
}

/**
 * The corpus store's versions as readers. One adapter per version, made when the version is
 * first read and kept with it (the last one made), so a request costs no allocation.
 */
export class MemoryReaders implements ReaderStore {
  private last: { corpus: Corpus; reader: CorpusReader } | null = null;
  constructor(private readonly store: CorpusStore) {}

  private readerOf(corpus: Corpus): CorpusReader {
    if (this.last?.corpus === corpus) return this.last.reader;
    const reader = new CorpusReader(corpus);
    if (corpus === this.store.current) this.last = { corpus, reader };
    return reader;
  }

  get current(): ArticleReader {
    return this.readerOf(this.store.current);
  }

  version(version: string): ArticleReader | undefined {
    const corpus = this.store.version(version);
    return corpus ? this.readerOf(corpus) : undefined;
  }
}
