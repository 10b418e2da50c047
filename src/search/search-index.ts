/**
 * The search index over news articles: BM25F ranking, boolean/phrase/prefix/field queries,
 * bounded fuzzy matching, highlighting and "more like this".
 *
 * A {@link SearchIndex} is one immutable version: a list of segments (`segment.ts`, built by
 * `segment-writer.ts`) with alive bits, and the statistics over its live documents
 * (`reader.ts`). {@link SearchIndex.withChanges} makes the next version from this one: the
 * added documents become one new segment, deleted ones lose their alive bit, untouched
 * segments are shared. {@link SearchIndex.withMerged} rewrites adjacent segments into one (see
 * `merge-policy.ts` for which). Scores never depend on how the documents are split into
 * segments: a version scores exactly like a full build of its live documents.
 *
 * The jobs live in rooms: query execution (`execution.ts`), set operations (`postings.ts`),
 * scoring (`scoring.ts`), fuzzy matching (`fuzzy.ts`), highlighting (`highlighter.ts`,
 * `highlight.ts`) and more-like-this (`more-like-this.ts`).
 */
import { QueryTooCostly, type WorkBudget } from './budget.js';
import { QueryExecution, prefixExpansion } from './execution.js';
import { HighlightPlan, highlightDocument, prepareHighlight } from './highlighter.js';
import { spellingSuggestion } from './fuzzy.js';
import { moreLikeThis } from './more-like-this.js';
import { addBonuses, bonusPlan, topWithBonuses, withProximity } from './proximity.js';
import { resolveOptions } from './options.js';
import type { Highlight, MatchResult, SearchDocument, SearchIndexOptions } from './options.js';
import { countClauses, positiveLeaves, QuerySyntaxError } from './query.js';
import type { Query, TermQuery } from './query.js';
import { AliveBits, IndexReader } from './reader.js';
import type { SegmentView } from './reader.js';
import type { Segment } from './segment.js';
import { buildSegment } from './segment-writer.js';
import { tokenize } from './tokenize.js';

/** What a new version changes: documents added (one new segment) and version documents deleted. */
export interface IndexChanges {
  readonly add?: readonly SearchDocument[];
  readonly delete?: Iterable<number>;
}

export class SearchIndex extends IndexReader {
  private constructor(views: readonly SegmentView[], options: Readonly<SearchIndexOptions>) {
    super(views, options);
  }

  /** Index `docs` as one segment; `docs[i]` becomes document number `i`. The array is kept by reference. */
  static build(docs: readonly SearchDocument[], options?: Partial<SearchIndexOptions>): SearchIndex {
    return new SearchIndex([{ segment: buildSegment(docs), alive: null }], resolveOptions(options));
  }

  /** A version made of existing segments (a restored snapshot, or a test's own split). */
  static fromSegments(views: readonly SegmentView[], options?: Partial<SearchIndexOptions>): SearchIndex {
    return new SearchIndex(views, resolveOptions(options));
  }

  /** The segments and alive bits of this version. */
  get views(): readonly SegmentView[] {
    return this.segments.map(({ segment, alive }) => ({ segment, alive }));
  }

  /**
   * The next version: `delete`d documents (this version's numbers) lose their alive bits, the
   * `add`ed ones become a new last segment, numbered after every existing document. Untouched
   * segments are shared with this version, which stays valid for readers that pinned it.
   * `added`, when given, is the segment of `add` built elsewhere (e.g. on a worker thread).
   */
  withChanges(changes: IndexChanges, added?: Segment): SearchIndex {
    const deletedBySegment = new Map<number, number[]>();
    for (const doc of changes.delete ?? []) {
      const s = this.segmentOf(doc);
      if (s < 0) throw new RangeError(`no document ${doc}`);
      let list = deletedBySegment.get(s);
      if (!list) deletedBySegment.set(s, (list = []));
      list.push(doc - this.segments[s]!.base);
    }
    const views: SegmentView[] = this.segments.map((placed, s) => {
      const deleted = deletedBySegment.get(s);
      if (deleted === undefined) return { segment: placed.segment, alive: placed.alive };
      return { segment: placed.segment, alive: (placed.alive ?? AliveBits.all(placed.segment.size)).without(deleted, placed.segment.fieldLengths) };
    });
    const documents = changes.add ?? [];
    if (added !== undefined && added.size !== documents.length) throw new RangeError(`${documents.length} added documents got a segment of ${added.size}`);
    if (documents.length > 0) views.push({ segment: added ?? buildSegment(documents), alive: null });
    return new SearchIndex(views, this.options);
  }

  /** The live documents of segments `[first, end)`, in order: what a merge of them indexes. */
  liveDocuments(first: number, end: number): SearchDocument[] {
    if (!(first >= 0 && end <= this.segments.length && first < end)) throw new RangeError(`no segments [${first}, ${end})`);
    const documents: SearchDocument[] = [];
    for (let s = first; s < end; s++) {
      const placed = this.segments[s]!;
      for (let d = 0; d < placed.segment.size; d++) if (placed.alive === null || placed.alive.has(d)) documents.push(placed.segment.documents[d]!);
    }
    return documents;
  }

  /**
   * The next version with segments `[first, end)` replaced by one segment of their live
   * documents, in order: `merged` when given (built elsewhere, e.g. on a worker thread, from
   * {@link SearchIndex.liveDocuments}), else built here, synchronously. Version document numbers
   * change: `remap` gives each old number's new one (-1 for a deleted document).
   */
  withMerged(first: number, end: number, merged?: Segment): { index: SearchIndex; remap: Int32Array } {
    const documents = this.liveDocuments(first, end);
    const segment = merged ?? buildSegment(documents);
    if (segment.size !== documents.length) throw new RangeError(`a merge of ${documents.length} live documents got a segment of ${segment.size}`);
    const remap = new Int32Array(this.documentSpace).fill(-1);
    const mergedBase = this.segments[first]!.base;
    let k = 0;
    for (let s = first; s < end; s++) {
      const placed = this.segments[s]!;
      for (let d = 0; d < placed.segment.size; d++) if (placed.alive === null || placed.alive.has(d)) remap[placed.base + d] = mergedBase + k++;
    }
    // documents before `first` keep their numbers; merged ones follow them; later ones shift down
    const shift = (end < this.segments.length ? this.segments[end]!.base : this.documentSpace) - mergedBase - documents.length;
    for (let s = 0; s < this.segments.length; s++) {
      if (s >= first && s < end) continue;
      const placed = this.segments[s]!;
      const moved = s >= end ? shift : 0;
      for (let d = 0; d < placed.segment.size; d++) {
        if (placed.alive === null || placed.alive.has(d)) remap[placed.base + d] = placed.base + d - moved;
      }
    }
    const views: SegmentView[] = [];
    for (let s = 0; s < this.segments.length; s++) {
      if (s === first && segment.size > 0) views.push({ segment, alive: null });
      if (s >= first && s < end) continue;
      views.push({ segment: this.segments[s]!.segment, alive: this.segments[s]!.alive });
    }
    return { index: new SearchIndex(views, this.options), remap };
  }

  /** The document (as given to the index) with version number `doc`, or undefined if deleted or unknown. */
  document(doc: number): SearchDocument | undefined {
    if (!this.isLive(doc)) return undefined;
    const placed = this.segments[this.segmentOf(doc)]!;
    return placed.segment.documents[doc - placed.base];
  }

  /** Number of live documents containing the (folded, unstemmed) word. */
  docFreq(word: string): number {
    return this.wordDocFreq(word);
  }

  /** The words a prefix expands to: the `maxPrefixExpansions` most frequent. */
  prefixTerms(prefix: string): string[] {
    return prefixExpansion(this, prefix);
  }

  /**
   * All live documents matching `query`, with BM25F scores. Result arrays are parallel and
   * **sorted by ascending document number** (use `topK` to rank). `fuzzy: true` also matches
   * typo-neighbours of words of 5+ letters, at a lower score. `bonuses: false` leaves out the
   * proximity and headline bonuses, for a caller that adds them only where it reads them
   * (`addBonuses`, `rankWithBonuses`).
   */
  match(query: Query, opts?: { fuzzy?: boolean; budget?: WorkBudget; bonuses?: boolean }): MatchResult {
    if (countClauses(query) > this.options.maxQueryClauses) {
      throw new QuerySyntaxError(`too many terms (at most ${this.options.maxQueryClauses})`, 0);
    }
    const evaluated = new QueryExecution(this, opts?.fuzzy === true, opts?.budget ?? null).evaluate(query);
    return opts?.bonuses === false ? evaluated : withProximity(this, query, evaluated);
  }

  /**
   * What a search answers `query` with, bonuses left out (as `match` with `bonuses: false`): its
   * matches; when none, and typo tolerance was not asked for, its matches with typo tolerance
   * (`fuzzy: true` in the answer) if one of its words is a misspelling (no article holds it in any
   * form); when still none, {@link matchAllButOne} (`missing` set). A query of known words that
   * matches nothing was typed from memory, not misspelt: typo-neighbours of real words would
   * answer it with articles holding none of what was meant.
   */
  answer(query: Query, opts?: { fuzzy?: boolean; budget?: WorkBudget }): { result: MatchResult; fuzzy: boolean; missing: readonly TermQuery[] | null } {
    const budget = opts?.budget;
    let fuzzy = opts?.fuzzy === true;
    let result = this.match(query, { fuzzy, bonuses: false, budget });
    if (result.docs.length === 0 && !fuzzy && positiveLeaves(query).some((t) => t.type === 'term' && t.fuzzy && this.wordDocFreq(t.word) === 0 && this.stemVariants(t.term).length === 0)) {
      const retry = this.match(query, { fuzzy: true, bonuses: false, budget });
      if (retry.docs.length > 0) {
        result = retry;
        fuzzy = true;
      }
    }
    if (result.docs.length > 0) return { result, fuzzy, missing: null };
    let relaxed: ReturnType<SearchIndex['matchAllButOne']>;
    try {
      relaxed = this.matchAllButOne(query, { fuzzy, budget });
    } catch (err) {
      // a fallback, not the query asked: past the work budget (a long query reads its words once
      // per word left out) the answer is what the query found, nothing, not a 422
      if (err instanceof QueryTooCostly) return { result, fuzzy, missing: null };
      throw err;
    }
    return relaxed === null ? { result, fuzzy, missing: null } : { result: relaxed, fuzzy, missing: relaxed.missing };
  }

  /**
   * For a query that matches nothing (typed from memory, one word wrong): the articles holding
   * every part of it but one of its plain words, as `minimum_should_match` of all but one does in
   * Lucene's engines. Only a query of 3 or more positive parts ANDed, of which the plain words
   * (unscoped, positive) may be the one left out; phrases, prefixes, scopes and exclusions always
   * hold. Each article scores as the query without the word it lacks (so the scores of articles
   * lacking different words compare as those of 3-word queries do), `bonuses: false` as in
   * `match`. `missing[i]` is the word `docs[i]` lacks. Null when the query is not of that shape or
   * nothing matches so. No article can lack two different words (it would hold them all).
   */
  matchAllButOne(query: Query, opts?: { fuzzy?: boolean; budget?: WorkBudget }): (MatchResult & { missing: TermQuery[] }) | null {
    if (query.type !== 'and') return null;
    const positive = query.clauses.filter((c) => c.type !== 'not');
    const droppable = query.clauses.filter((c): c is TermQuery => c.type === 'term' && c.field === null);
    if (positive.length < 3 || droppable.length === 0) return null;
    const found: Array<{ doc: number; score: number; missing: TermQuery }> = [];
    for (const word of droppable) {
      const rest: Query = { type: 'and', clauses: query.clauses.filter((c) => c !== word) };
      const m = this.match(rest, { fuzzy: opts?.fuzzy, budget: opts?.budget, bonuses: false });
      for (let i = 0; i < m.docs.length; i++) found.push({ doc: m.docs[i]!, score: m.scores[i]!, missing: word });
    }
    if (found.length === 0) return null;
    // (a word typed twice: the article holding it is found without either copy; kept once)
    found.sort((x, y) => x.doc - y.doc || y.score - x.score);
    const kept = found.filter((f, i) => i === 0 || found[i - 1]!.doc !== f.doc);
    return { docs: Uint32Array.from(kept, (f) => f.doc), scores: Float64Array.from(kept, (f) => f.score), missing: kept.map((f) => f.missing) };
  }

  /**
   * The proximity and headline bonuses of `query` added to `scores[k]` for each position `k`
   * of `at` (ascending; null: every position), for a `match` made with `bonuses: false`.
   */
  addBonuses(query: Query, docs: Uint32Array, scores: Float64Array, at: ArrayLike<number> | null): void {
    const plan = bonusPlan(this, query);
    if (plan !== null) addBonuses(this, plan, docs, scores, at);
  }

  /**
   * The page of a `match` made with `bonuses: false`, ranked by score with the bonuses (ties:
   * lower `rank[doc]`), as positions into `docs`, best first: `topK` of `match`'s scores, but
   * with the bonuses computed only where they can change the page (see `topWithBonuses`).
   * `scores` gets the bonuses at the page's positions.
   */
  rankWithBonuses(query: Query, docs: Uint32Array, scores: Float64Array, rank: ArrayLike<number>, limit: number, offset: number): Uint32Array {
    return topWithBonuses(this, query, docs, scores, rank, limit, offset);
  }

  /**
   * Prepare `query` for highlighting many documents: the marker (what to mark), prefix and
   * fuzzy expansions and the index words to look up are computed once here instead of once per
   * document. Valid for this version only.
   */
  prepareHighlight(query: Query, opts?: { snippetLength?: number; fuzzy?: boolean }): HighlightPlan {
    return prepareHighlight(this, query, opts);
  }

  /**
   * Title and best snippet of document `doc` for a prepared query, with matched words and
   * phrases in `<mark>…</mark>` and all other text HTML-escaped. Negated parts are not marked.
   * The snippet is the densest window (most distinct matched terms, then most matches, then the
   * earliest paragraph) of about the plan's `snippetLength` characters within one paragraph, cut
   * at word boundaries with `…`; without body matches it is the start of the lead.
   *
   * A {@link HighlightPlan} from {@link SearchIndex.prepareHighlight} (then `opts` is ignored:
   * the plan carries them) is much cheaper when highlighting several documents for one query.
   */
  highlight(doc: number, query: Query | HighlightPlan, opts?: { snippetLength?: number; fuzzy?: boolean }): Highlight {
    return highlightDocument(this, doc, query instanceof HighlightPlan ? query : prepareHighlight(this, query, opts));
  }

  /**
   * "Did you mean": `text` (the string `query` was parsed from) with each misspelt word (a word
   * of 5+ letters that no live article holds in any form) replaced by its closest, most
   * frequent indexed neighbour (Damerau distance 1, 2 for words of 8+ letters); null when
   * every word is known or has no neighbour.
   */
  suggest(query: Query, text: string): string | null {
    return spellingSuggestion(this, query, text, this.options);
  }

  /** Documents most similar to `doc` (see `more-like-this.ts`), sorted by descending score. */
  moreLikeThis(doc: number, limit: number): Array<{ doc: number; score: number }> {
    return moreLikeThis(this, doc, limit);
  }

  /** Tokens of a text (re-export convenience so callers need only the index). */
  static tokenize = tokenize;
}

export { HighlightPlan };
