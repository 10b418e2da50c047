/**
 * One version of the corpus: the articles, everything derived from them (lookup by id and slug,
 * sorted orders, facet columns) and the search index. Immutable: routes pin one version per
 * request. The next version is made from this one by {@link Corpus.update} (the changed
 * articles only: a new index segment, alive bits cleared for the old versions of changed and
 * deleted articles, the orders and columns updated by merging, not re-sorted) or by
 * {@link Corpus.merged} (index segments merged; same content, same `version`).
 */
import { createHash } from 'node:crypto';
import type { Article } from '../articles/schema.js';
import { countProblems, PhaseClock, type LoadProblem, type LoadResult, type LoadStats, type PhaseTimes } from '../loader/index.js';
import { analyzerFor, buildSegment, escapeHtml, parseQuery, SearchIndex, Segment, selectMerge, topK, type MergePolicy, type Query, type SearchDocument, type SegmentParts, type WorkBudget, withoutWord } from '../search/index.js';
import { StoryIndex, type StoryIndexDump } from '../search/near-duplicates.js';
import { authorsOf, takeScopes, valueKey, wordsOf } from './filters.js';
import type { ArticleFilter, Sort } from './filters.js';
import { SlugTable } from './slug-table.js';
import { SnapshotStories, syncStories, syncStoryChanges, type SnapshotStory, type StorySync } from './stories.js';
import { mergeOrder, ranksOf } from './orders.js';
import type { ProblemReport } from './store.js';

export type FacetName = 'source' | 'category' | 'month' | 'language' | 'author' | 'tag';

export interface FacetValue {
  value: string;
  count: number;
}
export interface SourceCount {
  id: string;
  name: string;
  count: number;
}

/**
 * Where a page starts in keyset paging: just after the article with this id and sort key
 * (published date in epoch ms or null for undated, or the relevance score). Unlike an offset,
 * it does not shift when articles are added or removed before it.
 */
export interface PageKey {
  /** `date` for the date orders, `score` for relevance. */
  readonly key: number | null;
  readonly id: string;
  /**
   * How many results the pages before this key showed (from the cursor), for a backend that
   * cannot count them cheaply; the memory corpus counts them itself.
   */
  readonly shown?: number | undefined;
}

export interface SearchOptions extends ArticleFilter {
  sort: 'relevance' | Sort;
  limit: number;
  offset: number;
  /** Start after this key instead of skipping `offset` results. */
  after?: PageKey | undefined;
  fuzzy?: boolean;
  facets?: ReadonlyArray<FacetName>;
  /**
   * Relevance with recency (sort `relevance` only): each score is multiplied by
   * `0.5 ^ (age / recency)`, the age in days counted back from the newest article of the
   * version (not the clock, so an answer stays a function of the version and the URL), as
   * Elasticsearch's exponential decay with `decay: 0.5` does. Undated articles count as old as
   * the oldest dated one.
   */
  recency?: number | undefined;
  /** Charged with the work this search does (throws QueryTooCostly past its limits); none: unbounded. */
  budget?: WorkBudget;
  /** One hit per story: its best-ranked matching article (in the requested sort), with the other matches counted. */
  collapse?: boolean;
  /** Facets count distinct stories instead of articles (default: stories when collapsed). */
  facetCount?: 'articles' | 'stories';
  /**
   * Add the proximity and headline bonuses to every match before ranking, instead of only to
   * those that can reach the page: the same answer, slower (tests compare the two).
   */
  exhaustive?: boolean;
}

export interface SearchHit {
  article: Article;
  /** The story the article belongs to, found from the hit's document number (no lookup by id). */
  story: StoryRef;
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
  /** `total` is an estimate (SEARCH_BACKEND=postgres, a match larger than its ranking window); absent: exact. */
  totalEstimated?: boolean;
  /** Matching articles ranked before this page. */
  offset: number;
  hits: SearchHit[];
  facets: Partial<Record<FacetName, FacetValue[]>>;
  /** "Did you mean": the query with misspelt words corrected, when fuzzy matching answered it. */
  suggestion: string | null;
}

/** Builds the index segment of a batch of articles, possibly elsewhere (`segment-builder.ts`); `documents[i]` becomes its document i. */
export type SegmentBuild = (documents: readonly SearchDocument[]) => Promise<Segment>;

/** What one update changed (for the log and /health). */
export interface CorpusChange {
  added: number;
  changed: number;
  deleted: number;
}

/** Shape of the search index of a version (for /health). */
export interface SegmentSummary {
  segments: number;
  documents: number;
  deleted: number;
}

const NO_DATE = Number.NaN;

/** Per version document number columns (deleted documents keep their slots). */
interface Columns {
  dateMs: Float64Array;
  sourceOf: Int32Array;
  categoryOf: Int32Array;
  /** 128 bits of sha256(id, file hash, line) per document, for the order-free version hash. */
  digest: Uint32Array;
  /** The arrays these are views of (the first `documentSpace` entries), with room to grow. */
  store?: ColumnStore;
}

/**
 * Column arrays with room beyond the documents of the version that filled them. A document's
 * entries never change once written (an update only appends documents), so the next version
 * made by an update writes its new documents after `filled` and views a longer prefix of the
 * same arrays: no copy of every document's entries per version, and a version kept for paging
 * costs its views only. Only the version that filled the store last may append to it (a second
 * version made from an older one copies), so no version ever sees another's documents change.
 */
interface ColumnStore {
  dateMs: Float64Array;
  sourceOf: Int32Array;
  categoryOf: Int32Array;
  digest: Uint32Array;
  filled: number;
}

/** A store for `space` documents and a sixteenth more, its first `space` entries the version's columns. */
function columnStore(space: number): Columns {
  const capacity = space + (space >>> 4) + 64;
  const store: ColumnStore = { dateMs: new Float64Array(capacity), sourceOf: new Int32Array(capacity), categoryOf: new Int32Array(capacity), digest: new Uint32Array(4 * capacity), filled: space };
  return viewsOf(store, space);
}

function viewsOf(store: ColumnStore, space: number): Columns {
  return { dateMs: store.dateMs.subarray(0, space), sourceOf: store.sourceOf.subarray(0, space), categoryOf: store.categoryOf.subarray(0, space), digest: store.digest.subarray(0, 4 * space), store };
}

/**
 * What a snapshot stores beside its one segment so a restore neither hashes nor sorts: each
 * document's digest (4 lanes) and the three sorted orders, as the version that wrote it had them.
 */
export interface KnownOrders {
  digest: Uint32Array;
  byId: Uint32Array;
  newest: Uint32Array;
  oldest: Uint32Array;
}

/** Sorted orders of the live documents, with each document's rank in them. */
interface Orders {
  byId: Uint32Array;
  newest: Uint32Array;
  oldest: Uint32Array;
  idRank: Uint32Array;
  newestRank: Uint32Array;
  oldestRank: Uint32Array;
}

/** What a version shares with the next one unless the change touches it. */
interface VersionState {
  index: SearchIndex;
  columns: Columns;
  orders: Orders;
  sources: readonly { id: string; name: string }[];
  categories: readonly string[];
  /** Per index segment: slug → its documents (segment numbers) with that slug. */
  slugs: ReadonlyMap<unknown, SlugTable>;
  /** Sum of the digests, lane by lane (mod 2^32). */
  digestSum: Uint32Array;
}

/** Problem counts by kind, made once per version (/health reads them on every call). */
/** True counts (a file's summary problem stands for the problems it did not list). */
function reportOf(problems: readonly LoadProblem[]): ProblemReport {
  const { total, byKind } = countProblems(problems);
  return Object.freeze({ total, byKind: Object.freeze(byKind) });
}

export class Corpus {
  readonly problems: readonly LoadProblem[];
  /** Problem counts, made once (/health reads them on every call). */
  readonly problemReport: ProblemReport;
  readonly stats: LoadStats;
  /** Content hash of the version: changes whenever any article's file content or id changes. */
  readonly version: string;
  readonly loadedAt: Date;
  /** Milliseconds this version took to make (from the load result: the whole build or the update). */
  readonly buildMs: number;
  /** What made this version from the previous one (null for a full build). */
  readonly change: CorpusChange | null;
  /** Where the update that made this version spent its time (the load's phases, then the corpus's); null when not timed. */
  readonly phases: PhaseTimes | null = null;

  private readonly state: VersionState;
  /** The load this version's articles are (LoadResult.token): a next load made from it says what it changed. */
  private readonly loadToken: object | null;
  /**
   * The near-duplicate index, shared by this version and those made from it (update, merged):
   * making a version syncs it with that version's articles. This version answers from `stories`,
   * its own copy, so a later version moving the index on changes nothing here.
   */
  readonly storyIndex: StoryIndex;
  private readonly stories: SnapshotStories;
  /** How many articles the story index fingerprinted or dropped to make this version. */
  readonly storySync: StorySync;

  /**
   * @param storyIndex a story index to start from (a previous version's `storyIndex`): only the
   *   articles it does not hold as they are now are grouped again. Without it, every article is.
   */
  constructor(load: LoadResult, now = new Date(), storyIndex: StoryIndex = new StoryIndex()) {
    const started = performance.now();
    const articles = load.articles.slice();
    const index = SearchIndex.build(articles);
    this.problems = Object.freeze(load.problems.slice());
    this.problemReport = reportOf(this.problems);
    this.stats = load.stats;
    this.loadedAt = now;
    this.change = null;
    this.loadToken = load.token ?? null;
    this.state = extend(emptyState(index), index, articles, 0);
    this.version = versionOf(this.state.digestSum);
    this.storyIndex = storyIndex;
    this.storySync = syncStories(storyIndex, articles);
    this.stories = this.copyStories(this.state);
    this.buildMs = Math.round(performance.now() - started);
  }

  /**
   * A version from articles already indexed as one segment (document i = `articles[i]`): a
   * restored snapshot. `known`: the digests and sorted orders {@link Corpus.toSnapshotParts}
   * stored with them, taken as they are (no hashing, no sorting) when they fit the articles.
   */
  static fromSegment(load: LoadResult, parts: SegmentParts, stories?: StoryIndexDump, now = new Date(), known?: KnownOrders): Corpus {
    return Corpus.fromSegments(load, [new Segment(load.articles, parts)], stories ? StoryIndex.restore(stories) : new StoryIndex(), now, known);
  }

  /**
   * A version from articles already indexed as consecutive segments (built elsewhere, e.g. on
   * worker threads in parallel): the documents of `segments`, in order, are `load.articles`.
   * `storyIndex` may already hold some of them (only what it does not hold as they are is grouped).
   * A `load.token` given is kept: a next load made from this one (a replica's change) may say what it changed since.
   * `grouped`: the caller made `storyIndex` from exactly these articles (addFingerprinted), so it is not checked again.
   */
  static fromSegments(load: LoadResult, segments: readonly Segment[], storyIndex: StoryIndex = new StoryIndex(), now = new Date(), known?: KnownOrders, grouped = false): Corpus {
    const started = performance.now();
    const index = SearchIndex.fromSegments(segments.map((segment) => ({ segment, alive: null })));
    // The stored story index, checked against the articles (anything it does not hold as they are is grouped again).
    const sync = grouped ? { added: 0, removed: 0 } : syncStories(storyIndex, load.articles);
    const fits = known && known.digest.length === 4 * load.articles.length && [known.byId, known.newest, known.oldest].every((o) => o.length === load.articles.length);
    return Corpus.fromState(extend(emptyState(index), index, load.articles, 0, [], fits ? known : undefined), load, null, started, now, { index: storyIndex, sync, copy: null });
  }

  /**
   * What a snapshot stores: the live articles and their index as one segment (merged first, by
   * `build` on a worker when given, when the index has several segments or deletes) and the story
   * index as these articles group.
   */
  async toSnapshotParts(build?: SegmentBuild): Promise<{ articles: Article[]; parts: SegmentParts; stories: StoryIndexDump; orders: KnownOrders }> {
    const views = this.state.index.views;
    const whole = build && (views.length > 1 || (views[0]?.alive?.deletedCount ?? 0) > 0) ? await this.mergedWith(0, views.length, build) : this;
    const { articles, parts, orders } = whole.toSegment();
    // Moved on by a version made from this one and never served: bring it back to these articles first.
    if (this.storyIndex.edits !== this.stories.edits) syncStories(this.storyIndex, articles);
    return { articles, parts, stories: this.storyIndex.dump(), orders };
  }

  /**
   * What a snapshot stores, made without merging anything here: the live articles, their index
   * segment when the index is one segment with no deletes (else null: whoever writes the
   * snapshot indexes the articles as one segment itself) with their digests and sorted orders,
   * and the story index.
   */
  snapshotSource(): { articles: Article[]; parts: SegmentParts | null; stories: StoryIndexDump; orders?: KnownOrders } {
    const views = this.state.index.views;
    const one = views.length === 1 && (views[0]!.alive?.deletedCount ?? 0) === 0;
    const articles = views.length === 0 ? [] : one ? (views[0]!.segment.documents as Article[]) : (this.state.index.liveDocuments(0, views.length) as Article[]);
    if (this.storyIndex.edits !== this.stories.edits) syncStories(this.storyIndex, articles);
    const { columns, orders } = this.state;
    const known = one ? { orders: { digest: columns.digest, byId: orders.byId, newest: orders.newest, oldest: orders.oldest } } : {};
    return { articles, parts: one ? (views[0]!.segment.parts as SegmentParts) : null, stories: this.storyIndex.dump(), ...known };
  }

  /**
   * The live articles and their index as one segment (merging first when the index has several
   * or deletes), with their digests and sorted orders (document i = `articles[i]`), for a snapshot.
   */
  toSegment(): { articles: Article[]; parts: SegmentParts; orders: KnownOrders } {
    const views = this.state.index.views;
    if (views.length === 0) {
      const none = new Uint32Array(0);
      return { articles: [], parts: buildSegment([]).parts as SegmentParts, orders: { digest: none, byId: none, newest: none, oldest: none } };
    }
    if (views.length !== 1 || (views[0]!.alive?.deletedCount ?? 0) > 0) return this.merged(0, views.length).toSegment();
    const segment = views[0]!.segment;
    const { columns, orders } = this.state;
    return { articles: segment.documents as Article[], parts: segment.parts as SegmentParts, orders: { digest: columns.digest, byId: orders.byId, newest: orders.newest, oldest: orders.oldest } };
  }

  private copyStories(state: VersionState): SnapshotStories {
    return SnapshotStories.copy(this.storyIndex, (id) => docOfIdIn(state, id), state.columns.dateMs, state.orders.idRank);
  }

  private static fromState(
    state: VersionState,
    load: { readonly problems: readonly LoadProblem[]; readonly stats: LoadStats; readonly token?: object | undefined },
    change: CorpusChange | null,
    started: number,
    now: Date,
    stories: { index: StoryIndex; sync: StorySync; copy: SnapshotStories | null },
  ): Corpus {
    const corpus = Object.create(Corpus.prototype) as Corpus;
    const fields = corpus as unknown as Record<string, unknown>;
    fields.storyIndex = stories.index;
    fields.storySync = stories.sync;
    fields.state = state;
    fields.stories = stories.copy ?? corpus.copyStories(state);
    const problems = Object.freeze(load.problems.slice());
    fields.problems = problems;
    fields.problemReport = reportOf(problems);
    fields.stats = load.stats;
    fields.loadedAt = now;
    fields.change = change;
    fields.loadToken = load.token ?? null;
    fields.phases = null;
    fields.state = state;
    fields.version = versionOf(state.digestSum);
    fields.buildMs = Math.round(performance.now() - started);
    return corpus;
  }

  get size(): number {
    return this.state.orders.byId.length;
  }

  /** Live articles sorted by id (made on demand: tools and tests). */
  get articles(): readonly Article[] {
    return Array.from(this.state.orders.byId, (d) => this.articleAt(d));
  }

  /** Index shape: segments, documents in them, deleted ones. */
  get segments(): SegmentSummary {
    const views = this.state.index.views;
    return {
      segments: views.length,
      documents: this.state.index.documentSpace,
      deleted: views.reduce((sum, v) => sum + (v.alive?.deletedCount ?? 0), 0),
    };
  }

  private articleAt(doc: number): Article {
    return this.state.index.document(doc) as Article;
  }

  /**
   * The next version, for a new load of the same folder: articles whose id, file hash, line and
   * related links are unchanged are kept as they are (their index postings too); the others are
   * indexed as one new segment and their old versions deleted. Cost: the changed articles, plus
   * linear merges of the sorted orders (no re-sort, no re-tokenising).
   */
  update(load: LoadResult, now = new Date()): Corpus {
    const started = performance.now();
    const { added, deleted, change } = this.diff(load);
    const unchanged = added.length === 0 && deleted.length === 0;
    return this.next(load, change, started, now, unchanged ? null : applyChanges(this.state, added, deleted), added, deleted);
  }

  /**
   * The version after an update: `state` (null: the same articles), the story index moved on by
   * the same change. When the story index is still where this version left it, only the changed
   * articles are fingerprinted and only their stories copied out again; else (another version
   * was made from it meanwhile and not served) it is synced with every article and copied whole.
   */
  private next(load: LoadResult, change: CorpusChange, started: number, now: Date, state: VersionState | null, added: readonly Article[], deleted: readonly number[]): Corpus {
    const index = this.storyIndex;
    if (index.edits !== this.stories.edits) {
      const sync = syncStories(index, load.articles);
      const stories = { index, sync, copy: null };
      if (state === null) return Corpus.fromState(this.state, load, change, started, now, { ...stories, copy: sync.added + sync.removed === 0 ? this.stories : null });
      return Corpus.fromState(state, load, change, started, now, stories);
    }
    if (state === null) return Corpus.fromState(this.state, load, change, started, now, { index, sync: { added: 0, removed: 0 }, copy: this.stories });
    const addedIds = new Set(added.map((a) => a.id));
    const gone: string[] = [];
    for (const d of deleted) {
      const id = this.articleAt(d).id;
      if (!addedIds.has(id)) gone.push(id);
    }
    const { touched, ...sync } = syncStoryChanges(index, added, gone);
    const lookups = { docOfId: (id: string) => docOfIdIn(state, id), oldDocOfId: (id: string) => docOfIdIn(this.state, id), idOf: (doc: number) => this.articleAt(doc).id, oldIdRank: this.state.orders.idRank };
    const copy = this.stories.updated(index, touched, lookups, state.columns.dateMs, state.orders.idRank);
    return Corpus.fromState(state, load, change, started, now, { index, sync, copy });
  }

  /** {@link Corpus.update} with the new segment built by `build` (on a worker thread: the event loop stays free meanwhile). */
  async updateWith(load: LoadResult, build: SegmentBuild, now = new Date()): Promise<Corpus> {
    const started = performance.now();
    const clock = new PhaseClock();
    const timed = (corpus: Corpus): Corpus => {
      (corpus as { phases: PhaseTimes | null }).phases = { ...load.stats.phases, ...clock.done() };
      return corpus;
    };
    clock.phase('diff');
    const { added, deleted, change } = this.diff(load);
    if (added.length === 0 && deleted.length === 0) return timed(this.next(load, change, started, now, null, added, deleted));
    clock.phase('segment (worker)');
    const segment = added.length > 0 ? await build(added) : undefined;
    const state = applyChanges(this.state, added, deleted, segment, clock);
    // Requests waiting since the orders were updated go first; then the stories (each step linear in the corpus at most).
    await clock.breathe(() => new Promise<void>((resolve) => setImmediate(resolve)));
    clock.phase('stories');
    return timed(this.next(load, change, started, now, state, added, deleted));
  }

  /**
   * Articles of `load` to index (new and changed) and documents of this version to delete
   * (changed and gone). A load sorted by id (as the loader gives it) is walked beside this
   * version's id order, with no map of either; a record the loader kept is the same object.
   */
  private diff(load: LoadResult): { added: Article[]; deleted: number[]; change: CorpusChange } {
    const added: Article[] = [];
    const deleted: number[] = [];
    let changed = 0;
    const delta = load.delta;
    if (delta !== undefined && this.loadToken !== null && delta.since === this.loadToken) {
      // The load says what it changed since this version's: only those ids are looked up.
      const readded = new Set<string>();
      for (const article of delta.added) {
        readded.add(article.id);
        const doc = this.docOfId(article.id);
        if (doc < 0) added.push(article);
        else if (!sameRecord(this.articleAt(doc), article)) {
          deleted.push(doc);
          added.push(article);
          changed++;
        }
      }
      for (const id of delta.removed) {
        if (readded.has(id)) continue;
        const doc = this.docOfId(id);
        if (doc >= 0) deleted.push(doc);
      }
      return { added, deleted, change: { added: added.length - changed, changed, deleted: deleted.length - changed } };
    }
    const compare = (doc: number, article: Article): boolean => {
      if (sameRecord(this.articleAt(doc), article)) return false;
      deleted.push(doc);
      added.push(article);
      changed++;
      return true;
    };
    const articles = load.articles;
    let sorted = true;
    for (let k = 1; k < articles.length && sorted; k++) sorted = articles[k - 1]!.id < articles[k]!.id;
    if (sorted) {
      const byId = this.state.orders.byId;
      let i = 0;
      for (const article of articles) {
        while (i < byId.length && this.articleAt(byId[i]!).id < article.id) deleted.push(byId[i++]!);
        if (i < byId.length && this.articleAt(byId[i]!).id === article.id) compare(byId[i++]!, article);
        else added.push(article);
      }
      while (i < byId.length) deleted.push(byId[i++]!);
    } else {
      const current = new Map<string, number>();
      for (const d of this.state.orders.byId) current.set(this.articleAt(d).id, d);
      for (const article of articles) {
        const doc = current.get(article.id);
        if (doc === undefined) {
          added.push(article);
          continue;
        }
        current.delete(article.id);
        compare(doc, article);
      }
      for (const doc of current.values()) deleted.push(doc);
    }
    return { added, deleted, change: { added: added.length - changed, changed, deleted: deleted.length - changed } };
  }

  /** Which index segments the merge policy would merge next, or null when none. */
  pendingMerge(policy?: MergePolicy): [number, number] | null {
    const shapes = this.state.index.views.map((v) => ({ size: v.segment.size, deleted: v.alive?.deletedCount ?? 0 }));
    return selectMerge(shapes, policy);
  }

  /** The same content with index segments `[first, end)` merged into one (same `version`). */
  merged(first: number, end: number): Corpus {
    const started = performance.now();
    const { state, remap, kept } = mergeState(this.state, first, end);
    // Same articles, renumbered: this version's stories, renumbered (the shared index may have moved on).
    const copy = this.stories.remapped(remap, state.columns.dateMs, kept);
    return Corpus.fromState(state, this.sameLoad(), this.change, started, this.loadedAt, { index: this.storyIndex, sync: { added: 0, removed: 0 }, copy });
  }

  /** {@link Corpus.merged} with the merged segment built by `build` (on a worker thread). */
  async mergedWith(first: number, end: number, build: SegmentBuild): Promise<Corpus> {
    const started = performance.now();
    const segment = await build(this.state.index.liveDocuments(first, end));
    const { state, remap, kept } = mergeState(this.state, first, end, segment);
    const copy = this.stories.remapped(remap, state.columns.dateMs, kept);
    return Corpus.fromState(state, this.sameLoad(), this.change, started, this.loadedAt, { index: this.storyIndex, sync: { added: 0, removed: 0 }, copy });
  }

  /** This version's problems, stats and load, for a version of the same articles (a merge). */
  private sameLoad(): { problems: readonly LoadProblem[]; stats: LoadStats; token: object | undefined } {
    return { problems: this.problems, stats: this.stats, token: this.loadToken ?? undefined };
  }

  /** By id, or by slug. */
  get(idOrSlug: string): Article | undefined {
    const doc = this.docOf(idOrSlug);
    return doc < 0 ? undefined : this.articleAt(doc);
  }

  /** Version document number of an article by id, or by slug (the first article by id wins a shared slug); -1 if none. */
  private docOf(idOrSlug: string): number {
    const byId = this.docOfId(idOrSlug);
    if (byId >= 0) return byId;
    let best = -1;
    const index = this.state.index;
    const idRank = this.state.orders.idRank;
    const consider = (doc: number): void => {
      if (index.isLive(doc) && (best < 0 || idRank[doc]! < idRank[best]!)) best = doc;
    };
    index.segments.forEach((placed) => {
      this.state.slugs.get(placed.segment)?.forEach(idOrSlug, (d) => consider(placed.base + d));
    });
    return best;
  }

  /** Version document number of the article with this id, or -1 (binary search of the id order). */
  private docOfId(id: string): number {
    return docOfIdIn(this.state, id);
  }

  /** The story an article belongs to (a story of one when it has no near-duplicate). */
  storyOf(article: Article): StoryRef {
    return this.storyAt(this.docOfId(article.id));
  }

  /** The story of version document `doc`. */
  private storyAt(doc: number): StoryRef {
    return { id: this.articleAt(this.stories.firstOf[doc]!).id, size: this.stories.sizeOf(doc) };
  }

  /** A story by its id; `belongsTo` when the id is an article of another story. */
  story(id: string): { story: StoryView } | { belongsTo: string } | undefined {
    const doc = this.docOfId(id);
    if (doc < 0) return undefined;
    const s = this.stories.at(doc);
    if (!s) return { belongsTo: this.articleAt(this.stories.firstOf[doc]!).id };
    return { story: this.storyView(s) };
  }

  /** Stories, newest first (by their latest article), with at least minSize articles. */
  listStories(o: { limit: number; offset: number; minSize: number }): { total: number; items: StoryView[] } {
    const picked: SnapshotStory[] = [];
    let total = 0;
    for (const first of this.stories.newest) {
      if (this.stories.sizeOf(first) < o.minSize) continue;
      if (total >= o.offset && picked.length < o.limit) picked.push(this.stories.at(first)!);
      total++;
    }
    return { total, items: picked.map((s) => this.storyView(s)) };
  }

  private storyView(s: SnapshotStory): StoryView {
    const sources = new Map<string, { id: string; name: string }>();
    let fromMs = Number.NaN;
    let toMs = Number.NaN;
    for (const m of s.members) {
      const src = this.articleAt(m).source;
      if (src && !sources.has(src.id)) sources.set(src.id, { id: src.id, name: src.name });
      const t = this.state.columns.dateMs[m]!;
      if (Number.isNaN(t)) continue;
      if (!(t >= fromMs)) fromMs = t;
      if (!(t <= toMs)) toMs = t;
    }
    return {
      id: this.articleAt(s.first).id,
      first: this.articleAt(s.first),
      articles: Array.from(s.members, (m) => this.articleAt(m)),
      sources: [...sources.values()],
      fromMs: Number.isNaN(fromMs) ? null : fromMs,
      toMs: Number.isNaN(toMs) ? null : toMs,
    };
  }

  private matcher(f: ArticleFilter): ((i: number) => boolean) | null {
    const { columns, sources, categories } = this.state;
    const checks: Array<(i: number) => boolean> = [];
    // Source ids and categories match whatever their case (category=Business finds business).
    if (f.source !== undefined) {
      const key = valueKey(f.source);
      const s = sources.findIndex((x) => valueKey(x.id) === key);
      checks.push((i) => columns.sourceOf[i] === s && s >= 0);
    }
    if (f.category !== undefined) {
      const key = valueKey(f.category);
      const wanted = new Set(categories.flatMap((c, i) => (valueKey(c) === key ? [i] : [])));
      checks.push((i) => wanted.has(columns.categoryOf[i]!));
    }
    if (f.authors !== undefined && f.authors.length > 0) {
      const wanted = new Set(f.authors.map(valueKey));
      checks.push((i) => authorsOf(this.articleAt(i).byline).some((a) => wanted.has(valueKey(a))));
    }
    if (f.tags !== undefined && f.tags.length > 0) {
      const wanted = new Set(f.tags.map(valueKey));
      checks.push((i) => this.articleAt(i).tags.some((t) => wanted.has(valueKey(t))));
    }
    const holdsAll = (values: readonly string[], words: readonly string[]): boolean =>
      values.some((v) => {
        const own = wordsOf(v);
        return words.every((w) => own.includes(w));
      });
    for (const words of f.authorWords ?? []) checks.push((i) => holdsAll(authorsOf(this.articleAt(i).byline), words));
    for (const words of f.tagWords ?? []) checks.push((i) => holdsAll(this.articleAt(i).tags, words));
    if (f.language !== undefined) {
      // Read from the record: a language column would be one more to grow and remap on every update.
      const language = f.language;
      checks.push((i) => this.articleAt(i).language === language);
    }
    if (f.fromMs !== undefined) {
      const from = f.fromMs;
      checks.push((i) => columns.dateMs[i]! >= from);
    }
    if (f.toMs !== undefined) {
      const to = f.toMs;
      checks.push((i) => columns.dateMs[i]! <= to);
    }
    if (checks.length === 0) return null;
    return (i) => checks.every((c) => c(i));
  }

  /**
   * Listing: filtered, sorted by date, paged by `offset` or, with `after`, from just after that
   * key. `offset` in the answer is the number of matching articles before the page.
   */
  list(f: ArticleFilter & { sort: Sort; limit: number; offset: number; after?: PageKey | undefined }): { total: number; offset: number; items: Article[] } {
    const order = f.sort === 'oldest' ? this.state.orders.oldest : this.state.orders.newest;
    const match = this.matcher(f);
    // first position of the order after the key (binary search: the order is sorted by (date, id))
    const start = f.after !== undefined ? this.firstAfter(f.sort, f.after, order.length, (k) => order[k]!) : 0;
    if (!match) {
      const from = f.after !== undefined ? start : f.offset;
      return { total: order.length, offset: from, items: Array.from(order.subarray(from, from + f.limit), (i) => this.articleAt(i)) };
    }
    const items: Article[] = [];
    let total = 0;
    let skipped = 0;
    for (let r = 0; r < order.length; r++) {
      const i = order[r]!;
      if (!match(i)) continue;
      total++;
      if (f.after !== undefined ? r < start : total - 1 < f.offset) {
        skipped++;
        continue;
      }
      if (items.length < f.limit) items.push(this.articleAt(i));
    }
    return { total, offset: skipped, items };
  }

  /** First position of `length` documents in the `sort` order (`docAt`) that comes after the key (binary search). */
  private firstAfter(sort: Sort, after: PageKey, length: number, docAt: (position: number) => number): number {
    const beforeOrAt = this.keyComparator(sort);
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (beforeOrAt(docAt(mid), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whether the match at position `k` of `docs`/`scores` ranks after the page key `after` in
   * `sort`: by relevance a lower score, or the same score and a later id; by date the key order.
   */
  private rankedAfter(sort: SearchOptions['sort'], after: PageKey, docs: Uint32Array, scores: ArrayLike<number>): (k: number) => boolean {
    if (sort === 'relevance') {
      const score = after.key ?? Infinity;
      return (k) => scores[k]! < score || (scores[k] === score && this.articleAt(docs[k]!).id > after.id);
    }
    const compare = this.keyComparator(sort);
    return (k) => compare(docs[k]!, after) > 0;
  }

  /** Compares document `doc` with a page key in the `sort` order (negative: doc comes first). */
  private keyComparator(sort: Sort): (doc: number, key: PageKey) => number {
    const dateMs = this.state.columns.dateMs;
    const dir = sort === 'newest' ? -1 : 1;
    return (doc, key) => {
      const date = dateMs[doc]!;
      const undated = Number.isNaN(date);
      if (undated !== (key.key === null)) return undated ? 1 : -1; // undated articles last either way
      if (!undated && date !== key.key) return dir * (date - key.key!);
      const id = this.articleAt(doc).id;
      return id < key.id ? -1 : id > key.id ? 1 : 0;
    };
  }

  /** The page key of an article in a date order (for the next page's cursor). */
  dateKey(article: Article): PageKey {
    return { key: article.publishedAt ? Date.parse(article.publishedAt) : null, id: article.id };
  }

  /**
   * Listing with one article per story: the story's first-published article among those that
   * match the filters (its lead), placed by the lead's date and id in the requested sort (the
   * order of {@link list}); `reprints` counts the story's other matching articles, so the totals
   * of the two listings relate (articles = stories + reprints). Paged by `offset` or, with
   * `after` (the page key of the last lead shown), from the first story whose lead comes after
   * that key; `offset` in the answer is the number of stories before the page.
   */
  listCollapsed(f: ArticleFilter & { sort: Sort; limit: number; offset: number; after?: PageKey | undefined }): { total: number; offset: number; items: CollapsedArticle[] } {
    const { orders } = this.state;
    const match = this.matcher(f);
    // Walking oldest first meets each story's first-published matching article first.
    const byStory = new Map<number, { rep: number; count: number }>();
    for (const i of orders.oldest) {
      if (match && !match(i)) continue;
      const key = this.stories.firstOf[i]!;
      const seen = byStory.get(key);
      if (seen) seen.count++;
      else byStory.set(key, { rep: i, count: 1 });
    }
    const reps = [...byStory.values()];
    if (f.sort === 'newest') reps.sort((x, y) => orders.newestRank[x.rep]! - orders.newestRank[y.rep]!);
    // reps are in the sort's (date, id) order, as the article orders are
    const start = f.after !== undefined ? this.firstAfter(f.sort, f.after, reps.length, (k) => reps[k]!.rep) : f.offset;
    return {
      total: reps.length,
      offset: Math.min(start, reps.length),
      items: reps.slice(start, start + f.limit).map((r) => ({ article: this.articleAt(r.rep), reprints: r.count - 1 })),
    };
  }

  /**
   * Parses the query in the language asked for (English by default; throws QuerySyntaxError)
   * and searches. `author:` and `tag:` scopes are
   * taken out of the query as filters (see `takeScopes`); a query of scopes only lists the
   * articles they match. When the query matches nothing as typed, it is answered with typo
   * tolerance, and `suggestion` says which words were corrected.
   */
  search(q: string, o: SearchOptions): SearchResult {
    const { text, authorWords, tagWords } = takeScopes(q);
    // Object.assign, not a spread into a literal: ~10 µs a search on Node 20 (bench/RESULTS.md, session 7, s14http)
    const scoped: SearchOptions = Object.assign({}, o, { authorWords: [...(o.authorWords ?? []), ...authorWords], tagWords: [...(o.tagWords ?? []), ...tagWords] });
    if (text.trim() === '' && (authorWords.length > 0 || tagWords.length > 0)) return this.browse(scoped);
    return this.searchQuery(parseQuery(text, { analyzer: analyzerFor(o.language) }), scoped, text);
  }

  /** `text`: the string `query` was parsed from, for the spelling suggestion and the fuzzy retry. */
  searchQuery(query: Query, o: SearchOptions, text?: string): SearchResult {
    const { index, orders } = this.state;
    const budget = o.budget;
    // The proximity and headline bonuses are added below, only where the answer reads them.
    // A query that matches nothing as typed is answered with typo tolerance (a misspelling) or
    // else by the articles holding all of it but one word (SearchIndex.answer); `suggestion`
    // then says so: the query corrected, or without the word the best of those articles lacks.
    // (options as literals of one shape: no spread, see search())
    const answered = text !== undefined ? index.answer(query, { fuzzy: o.fuzzy ?? false, budget }) : { result: index.match(query, { fuzzy: o.fuzzy ?? false, bonuses: false, budget }), fuzzy: o.fuzzy ?? false, missing: null };
    const matched = answered.result;
    const fuzzy = answered.fuzzy;
    let suggestion = fuzzy && text !== undefined ? index.suggest(query, text.trim()) : null;
    const missing = answered.missing === null ? null : new Map(Array.from(matched.docs, (d, i) => [d, answered.missing![i]!]));
    let docs = matched.docs;
    let scores = matched.scores;
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
    } else scores = scores.slice(); // the bonuses are added in place
    if (missing !== null && docs.length > 0) {
      const best = docs[index.rankWithBonuses(query, docs, scores.slice(), orders.idRank, 1, 0)[0]!]!;
      suggestion = withoutWord(text!, missing.get(best)!);
    }
    // A relevance page (by offset) needs the bonuses only of the matches that can reach it, a
    // date-sorted page only its own hits'; every other answer reads every score.
    const pruned = o.exhaustive !== true && !o.collapse && o.after === undefined && (o.sort !== 'relevance' || o.recency === undefined);
    if (!pruned) index.addBonuses(query, docs, scores, null);
    if (o.sort === 'relevance' && o.recency !== undefined && docs.length > 0) scores = this.decayed(docs, scores, o.recency);
    const facetByStory = (o.facetCount ?? (o.collapse ? 'stories' : 'articles')) === 'stories';
    // Positions into docs/scores of the page's hits.
    let page: ArrayLike<number>;
    let skipped = o.offset;
    let reprints: number[] | null = null;
    let total = docs.length;
    // with a cursor: whether the match at a position of docs/scores ranks after its key
    const rankedAfter = o.after === undefined ? null : this.rankedAfter(o.sort, o.after, docs, scores);
    if (o.collapse) {
      // Every match ranked, then the first (best-ranked) of each story kept: a story's rank is its best article's.
      const positions = Uint32Array.from({ length: docs.length }, (_, k) => k);
      const d = docs;
      const sc = scores;
      if (o.sort === 'relevance') positions.sort((x, y) => sc[y]! - sc[x]! || orders.idRank[d[x]!]! - orders.idRank[d[y]!]!);
      else {
        const rank = o.sort === 'newest' ? orders.newestRank : orders.oldestRank;
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
      if (rankedAfter) {
        // keyset on the last story's lead as ranked now (the README's rule: a story is placed by its lead now)
        const first = kept.findIndex(rankedAfter);
        const from = first < 0 ? kept.length : first;
        skipped = from;
        page = kept.slice(from, from + o.limit);
      } else page = kept.slice(o.offset, o.offset + o.limit);
      reprints = Array.from(page, (k) => countOf.get(this.stories.firstOf[d[k]!]!)! - 1);
    } else if (o.sort === 'relevance' && pruned) {
      // equal scores rank by id, whatever segment an article sits in
      page = index.rankWithBonuses(query, docs, scores, orders.idRank, o.limit, o.offset);
    } else if (o.sort === 'relevance') {
      // equal scores rank by id, whatever segment an article sits in
      let candidates = Uint32Array.from({ length: docs.length }, (_, k) => k);
      if (rankedAfter) {
        candidates = candidates.filter(rankedAfter);
        skipped = docs.length - candidates.length;
      }
      const ranked = topK(Uint32Array.from(candidates, (k) => orders.idRank[docs[k]!]!), Float64Array.from(candidates, (k) => scores[k]!), o.limit, o.after !== undefined ? 0 : o.offset);
      page = Array.from(ranked, (i) => candidates[i]!);
    } else {
      let positions = Uint32Array.from({ length: docs.length }, (_, k) => k);
      if (rankedAfter) {
        positions = positions.filter(rankedAfter);
        skipped = docs.length - positions.length;
      }
      const ranks = o.sort === 'newest' ? orders.newestRank : orders.oldestRank;
      positions.sort((x, y) => ranks[docs[x]!]! - ranks[docs[y]!]!);
      const from = o.after !== undefined ? 0 : o.offset;
      page = positions.subarray(from, from + o.limit);
      if (pruned) index.addBonuses(query, docs, scores, Uint32Array.from(page).sort());
    }
    // Highlighting costs words × results: charged before it starts.
    o.budget?.chargePage(page.length);
    const plan = index.prepareHighlight(query, { fuzzy });
    const hits = Array.from(page, (k, j) => {
      const d = docs[k]!;
      const h = index.highlight(d, plan);
      const hit: SearchHit = { article: this.articleAt(d), story: this.storyAt(d), score: scores[k]!, title: h.title, titleMatched: h.titleMatched, snippet: h.snippet };
      if (reprints) hit.reprints = reprints[j]!;
      return hit;
    });
    return { total, offset: skipped, hits, facets: this.facets(docs, o.facets ?? [], facetByStory), suggestion };
  }

  /** Scores times `0.5 ^ (age in days / halfLife)`, the age counted from the version's newest article. */
  private decayed(docs: Uint32Array, scores: ArrayLike<number>, halfLifeDays: number): Float64Array {
    const { columns, orders } = this.state;
    const newest = orders.newest.length > 0 ? columns.dateMs[orders.newest[0]!]! : Number.NaN;
    const oldest = orders.oldest.length > 0 ? columns.dateMs[orders.oldest[0]!]! : Number.NaN;
    const out = Float64Array.from(scores);
    if (Number.isNaN(newest)) return out; // no dated article: nothing to decay by
    const perMs = 1 / (halfLifeDays * 86_400_000);
    for (let k = 0; k < docs.length; k++) {
      const t = columns.dateMs[docs[k]!]!;
      out[k]! *= 0.5 ** ((newest - (Number.isNaN(t) ? oldest : t)) * perMs);
    }
    return out;
  }

  /** A query of `author:` / `tag:` scopes only: the articles they match, newest first (or oldest). */
  private browse(o: SearchOptions): SearchResult {
    const { total, offset, items } = this.list({ ...o, sort: o.sort === 'oldest' ? 'oldest' : 'newest' });
    const match = this.matcher(o);
    const order = o.sort === 'oldest' ? this.state.orders.oldest : this.state.orders.newest;
    const docs = match ? order.filter((d) => match(d)) : order;
    const hits = items.map((a) => unrankedHit(a, this.storyOf(a)));
    return { total, offset, hits, facets: this.facets(docs, o.facets ?? []), suggestion: null };
  }

  /**
   * Facet counts over a whole result set (not just a page): articles, or with `byStory`
   * distinct stories (a story with articles from two sources counts once for each).
   */
  facets(docs: ArrayLike<number>, which: ReadonlyArray<FacetName>, byStory = false): SearchResult['facets'] {
    const { columns, sources, categories } = this.state;
    const out: SearchResult['facets'] = {};
    // Counting stories: a (value, story) pair counts once.
    const counted = new Set<string>();
    const once = (value: string, doc: number) => {
      if (!byStory) return true;
      const key = `${value}\0${this.stories.firstOf[doc]!}`;
      if (counted.has(key)) return false;
      counted.add(key);
      return true;
    };
    if (which.includes('author')) out.author = this.valueFacet(docs, (a) => authorsOf(a.byline));
    if (which.includes('tag')) out.tag = this.valueFacet(docs, (a) => a.tags);
    if (which.includes('source')) {
      const counts = new Uint32Array(sources.length);
      for (let k = 0; k < docs.length; k++) {
        const s = columns.sourceOf[docs[k]!]!;
        if (s >= 0 && once(`s${s}`, docs[k]!)) counts[s]!++;
      }
      out.source = toFacet(sources.map((s) => s.id), counts);
    }
    if (which.includes('category')) {
      const counts = new Uint32Array(categories.length);
      for (let k = 0; k < docs.length; k++) {
        const c = columns.categoryOf[docs[k]!]!;
        if (c >= 0 && once(`c${c}`, docs[k]!)) counts[c]!++;
      }
      out.category = toFacet(categories, counts);
    }
    if (which.includes('month')) {
      const months = new Map<string, number>();
      for (let k = 0; k < docs.length; k++) {
        const t = columns.dateMs[docs[k]!]!;
        if (Number.isNaN(t)) continue;
        const key = new Date(t).toISOString().slice(0, 7);
        if (!once(`m${key}`, docs[k]!)) continue;
        months.set(key, (months.get(key) ?? 0) + 1);
      }
      out.month = [...months].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([value, count]) => ({ value, count }));
    }
    if (which.includes('language')) {
      const languages = new Map<string, number>();
      for (let k = 0; k < docs.length; k++) {
        const language = this.articleAt(docs[k]!).language;
        if (once(`l${language}`, docs[k]!)) languages.set(language, (languages.get(language) ?? 0) + 1);
      }
      out.language = [...languages].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    }
    return out;
  }

  /** Counts of the values `of` each article (grouped case-insensitively, shown as first met), most frequent first. */
  private valueFacet(docs: ArrayLike<number>, of: (a: Article) => readonly string[]): FacetValue[] {
    const counts = new Map<string, FacetValue>();
    for (let k = 0; k < docs.length; k++) {
      const seen = new Set<string>();
      for (const value of of(this.articleAt(docs[k]!))) {
        const key = valueKey(value);
        if (seen.has(key)) continue;
        seen.add(key);
        const entry = counts.get(key);
        if (entry) entry.count++;
        else counts.set(key, { value, count: 1 });
      }
    }
    return [...counts.values()].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  }

  /** Articles most like one article. */
  related(article: Article, limit: number): Array<{ article: Article; score: number }> {
    const doc = this.docOfId(article.id);
    if (doc < 0) return [];
    const ranks = this.state.orders.idRank;
    // all candidates, so that equal scores can rank by id whatever segment they sit in
    const similar = this.state.index.moreLikeThis(doc, this.size);
    similar.sort((a, b) => b.score - a.score || ranks[a.doc]! - ranks[b.doc]!);
    return similar.slice(0, limit).map((r) => ({ article: this.articleAt(r.doc), score: r.score }));
  }

  sources(): SourceCount[] {
    const { columns, sources, orders } = this.state;
    const counts = new Uint32Array(sources.length);
    for (const d of orders.byId) {
      const s = columns.sourceOf[d]!;
      if (s >= 0) counts[s]!++;
    }
    return sources
      .map((s, i) => ({ ...s, count: counts[i]! }))
      .filter((s) => s.count > 0)
      .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
  }

  categories(): FacetValue[] {
    const { columns, categories, orders } = this.state;
    const counts = new Uint32Array(categories.length);
    for (const d of orders.byId) {
      const c = columns.categoryOf[d]!;
      if (c >= 0) counts[c]!++;
    }
    return toFacet(categories, counts);
  }
}

/**
 * A hit of a query with nothing to rank or highlight (only `author:` / `tag:` scopes), as both
 * search backends answer it: the escaped headline and the start of the lead.
 */
export function unrankedHit(article: Article, story: StoryRef): SearchHit {
  return { article, story, score: 0, title: escapeHtml(article.title), titleMatched: false, snippet: escapeHtml(leadSnippet(article.lead)) };
}

/** The start of a lead, cut at a word boundary near 200 characters, with `…` where cut. */
function leadSnippet(lead: string): string {
  if (lead.length <= 200) return lead;
  const cut = lead.lastIndexOf(' ', 200);
  return `${lead.slice(0, cut > 100 ? cut : 200)}…`;
}

function toFacet(values: readonly string[], counts: Uint32Array): FacetValue[] {
  const out: FacetValue[] = [];
  for (let i = 0; i < values.length; i++) if (counts[i]! > 0) out.push({ value: values[i]!, count: counts[i]! });
  return out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
}

/** Same record for the index and the routes: same id, file content, line and resolved related links. */
function sameRecord(a: Article, b: Article): boolean {
  if (a === b) return true;
  if (a.id !== b.id || a.origin.sha256 !== b.origin.sha256 || a.origin.line !== b.origin.line || a.origin.path !== b.origin.path) return false;
  if (a.related.length !== b.related.length) return false;
  return a.related.every((r, i) => r.title === b.related[i]!.title && r.id === b.related[i]!.id);
}

/** Document number of the article with this id in a version, or -1 (binary search of the id order). */
function docOfIdIn(state: VersionState, id: string): number {
  const byId = state.orders.byId;
  let lo = 0;
  let hi = byId.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (state.index.document(byId[mid]!) as Article).id;
    if (at === id) return byId[mid]!;
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function versionOf(digestSum: Uint32Array): string {
  return Array.from(digestSum, (x) => x.toString(16).padStart(8, '0')).join('');
}

function emptyState(index: SearchIndex): VersionState {
  const none = new Uint32Array(0);
  return {
    index,
    columns: { dateMs: new Float64Array(0), sourceOf: new Int32Array(0), categoryOf: new Int32Array(0), digest: none },
    orders: { byId: none, newest: none, oldest: none, idRank: none, newestRank: none, oldestRank: none },
    sources: [],
    categories: [],
    slugs: new Map(),
    digestSum: new Uint32Array(4),
  };
}

/** Comparators of the sorted orders over a version's columns and articles. */
/** An article's digest (its id and the file content it came from): four lanes of the version's ETag sum. */
function digestOf(a: Article): Buffer {
  return createHash('sha256').update(`${a.id}\0${a.origin.sha256}\0${a.origin.line ?? ''}`).digest();
}

/**
 * The digests and sorted orders a full build of `articles` (document i = `articles[i]`) makes,
 * made without their index: a caller that builds the index elsewhere (worker threads) makes them
 * meanwhile and hands them to {@link Corpus.fromSegments}, so they are not made after the index.
 */
export function knownOrdersOf(articles: readonly Article[]): KnownOrders {
  const n = articles.length;
  const dateMs = new Float64Array(n);
  const digest = new Uint32Array(4 * n);
  articles.forEach((a, k) => {
    dateMs[k] = a.publishedAt ? Date.parse(a.publishedAt) : NO_DATE;
    const d = digestOf(a);
    for (let lane = 0; lane < 4; lane++) digest[4 * k + lane] = d.readUInt32BE(4 * lane);
  });
  const { byId, byDate } = comparators((d) => articles[d]!.id, dateMs);
  const all = Uint32Array.from(articles, (_, k) => k);
  return { digest, byId: all.slice().sort(byId), newest: all.slice().sort(byDate(-1)), oldest: all.slice().sort(byDate(1)) };
}

function comparators(idOf: (d: number) => string, dateMs: Float64Array): { byId: (x: number, y: number) => number; byDate: (dir: 1 | -1) => (x: number, y: number) => number } {
  const byId = (x: number, y: number): number => {
    const a = idOf(x);
    const b = idOf(y);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const byDate = (dir: 1 | -1) => (x: number, y: number) => {
    const dx = dateMs[x]!;
    const dy = dateMs[y]!;
    const nx = Number.isNaN(dx);
    const ny = Number.isNaN(dy);
    if (nx !== ny) return nx ? 1 : -1; // undated articles last either way
    if (!nx && dx !== dy) return dir * (dx - dy);
    return byId(x, y);
  };
  return { byId, byDate };
}

/**
 * `state` (whose columns cover documents below `from`) with the columns, orders, lookups and
 * digests of `index`'s documents `[from, index.documentSpace)` added: `articles` are those
 * documents, in order, all live.
 */
function extend(state: VersionState, index: SearchIndex, articles: readonly Article[], from: number, removed: readonly number[] = [], known?: KnownOrders, clock?: PhaseClock): VersionState {
  clock?.phase('columns');
  const space = index.documentSpace;
  const store = state.columns.store;
  let columns: Columns;
  if (store !== undefined && store.filled === from && store.dateMs.length >= space) {
    // The last version to fill these arrays: append after it.
    store.filled = space;
    columns = viewsOf(store, space);
  } else {
    columns = columnStore(space);
    columns.dateMs.set(state.columns.dateMs.subarray(0, from));
    columns.sourceOf.set(state.columns.sourceOf.subarray(0, from));
    columns.categoryOf.set(state.columns.categoryOf.subarray(0, from));
    columns.digest.set(state.columns.digest.subarray(0, 4 * from));
  }
  const sources = state.sources.slice();
  const categories = state.categories.slice();
  const sourceIndex = new Map(sources.map((s, i) => [s.id, i]));
  const categoryIndex = new Map(categories.map((c, i) => [c, i]));
  const digestSum = state.digestSum.slice();
  articles.forEach((a, k) => {
    const i = from + k;
    columns.dateMs[i] = a.publishedAt ? Date.parse(a.publishedAt) : NO_DATE;
    if (a.source) {
      let s = sourceIndex.get(a.source.id);
      if (s === undefined) {
        s = sources.push({ id: a.source.id, name: a.source.name }) - 1;
        sourceIndex.set(a.source.id, s);
      }
      columns.sourceOf[i] = s;
    } else columns.sourceOf[i] = -1;
    if (a.category) {
      let c = categoryIndex.get(a.category);
      if (c === undefined) {
        c = categories.push(a.category) - 1;
        categoryIndex.set(a.category, c);
      }
      columns.categoryOf[i] = c;
    } else columns.categoryOf[i] = -1;
    const digest = known ? null : digestOf(a);
    for (let lane = 0; lane < 4; lane++) {
      const x = digest ? digest.readUInt32BE(4 * lane) : known!.digest[4 * k + lane]!;
      columns.digest[4 * i + lane] = x;
      digestSum[lane] = (digestSum[lane]! + x) >>> 0;
    }
  });
  clock?.phase('slugs');
  const slugs = slugTablesOf(state, index);
  clock?.phase('orders');
  // the new documents sorted, then merged into each order
  const { byId, byDate } = comparators((d) => (index.document(d) as Article).id, columns.dateMs);
  const added = Uint32Array.from(articles, (_, k) => from + k);
  // the removed documents leave each order at their ranks (no pass over the others), in the same pass as the merge
  const { idRank, newestRank, oldestRank } = state.orders;
  const ranksIn = (rank: Uint32Array): Uint32Array => Uint32Array.from(removed, (d) => rank[d]!).sort();
  // a restore (nothing before `from`) takes the stored orders as they are
  const sorted = (order: Uint32Array | undefined, compare: (x: number, y: number) => number): Uint32Array =>
    order && from === 0 ? order : added.slice().sort(compare);
  const idOrder = mergeOrder(state.orders.byId, ranksIn(idRank), sorted(known?.byId, byId), byId);
  const newest = mergeOrder(state.orders.newest, ranksIn(newestRank), sorted(known?.newest, byDate(-1)), byDate(-1));
  const oldest = mergeOrder(state.orders.oldest, ranksIn(oldestRank), sorted(known?.oldest, byDate(1)), byDate(1));
  clock?.phase('ranks');
  const orders: Orders = {
    byId: idOrder,
    newest,
    oldest,
    idRank: ranksOf(idOrder, space),
    newestRank: ranksOf(newest, space),
    oldestRank: ranksOf(oldest, space),
  };
  return { index, columns, orders, sources, categories, slugs, digestSum };
}

/**
 * The slug tables of `index`'s segments: `state`'s for the segments it had, a new one for each
 * other segment (an update's, a merge's, every page of a replica's first build), numbered within
 * its segment and read through its own documents, so it keeps no array alive.
 */
function slugTablesOf(state: VersionState, index: SearchIndex): Map<unknown, SlugTable> {
  const slugs = new Map<unknown, SlugTable>();
  for (const placed of index.segments) {
    const known = state.slugs.get(placed.segment);
    if (known) {
      slugs.set(placed.segment, known);
      continue;
    }
    const documents = placed.segment.documents as readonly Article[];
    if (documents.length === 0) continue;
    const table = new SlugTable((d) => documents[d]!.slug, documents.length);
    documents.forEach((a, d) => table.add(a.slug, d));
    slugs.set(placed.segment, table);
  }
  return slugs;
}

/** `state` with documents `deleted` removed and `added` appended as a new index segment. */
function applyChanges(state: VersionState, added: readonly Article[], deleted: readonly number[], segment?: Segment, clock?: PhaseClock): VersionState {
  clock?.phase('index version');
  const digestSum = state.digestSum.slice();
  for (const d of deleted) {
    for (let lane = 0; lane < 4; lane++) digestSum[lane] = (digestSum[lane]! - state.columns.digest[4 * d + lane]!) >>> 0;
  }
  const index = state.index.withChanges({ add: added, delete: deleted }, segment);
  return extend({ ...state, digestSum }, index, added, state.index.documentSpace, deleted, undefined, clock);
}

/** `state` with index segments `[first, end)` merged: document numbers remapped in every column and order (those below `kept` stay). */
function mergeState(state: VersionState, first: number, end: number, segment?: Segment): { state: VersionState; remap: Int32Array; kept: number } {
  const { index, remap } = state.index.withMerged(first, end, segment);
  const space = index.documentSpace;
  const columns = columnStore(space);
  // Documents before the merged segments keep their numbers: their entries are copied whole.
  const kept = state.index.segments[first]!.base;
  columns.dateMs.set(state.columns.dateMs.subarray(0, kept));
  columns.sourceOf.set(state.columns.sourceOf.subarray(0, kept));
  columns.categoryOf.set(state.columns.categoryOf.subarray(0, kept));
  columns.digest.set(state.columns.digest.subarray(0, 4 * kept));
  const { dateMs, sourceOf, categoryOf, digest } = state.columns;
  for (let old = kept; old < remap.length; old++) {
    const d = remap[old]!;
    if (d < 0) continue;
    columns.dateMs[d] = dateMs[old]!;
    columns.sourceOf[d] = sourceOf[old]!;
    columns.categoryOf[d] = categoryOf[old]!;
    for (let lane = 0; lane < 4; lane++) columns.digest[4 * d + lane] = digest[4 * old + lane]!;
  }
  // Renumbering keeps every order (the keys are unchanged) and the orders hold live documents
  // only: each order is copied whole and the documents from `kept` on are patched in at their
  // ranks (a merge of the last, small segments touches a few entries, not every one).
  const renumbered = (order: Uint32Array, rank: Uint32Array): { order: Uint32Array; rank: Uint32Array } => {
    const out = order.slice();
    const ranks = new Uint32Array(space);
    ranks.set(rank.subarray(0, kept));
    for (let old = kept; old < remap.length; old++) {
      const d = remap[old]!;
      if (d < 0) continue;
      out[rank[old]!] = d;
      ranks[d] = rank[old]!;
    }
    return { order: out, rank: ranks };
  };
  const byId = renumbered(state.orders.byId, state.orders.idRank);
  const newest = renumbered(state.orders.newest, state.orders.newestRank);
  const oldest = renumbered(state.orders.oldest, state.orders.oldestRank);
  const orders: Orders = { byId: byId.order, newest: newest.order, oldest: oldest.order, idRank: byId.rank, newestRank: newest.rank, oldestRank: oldest.rank };
  // the merged segment's slug lookup, from its documents
  const slugs = slugTablesOf(state, index);
  return { state: { ...state, index, columns, orders, slugs }, remap, kept };
}
