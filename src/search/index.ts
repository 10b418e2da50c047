/**
 * Full-text search for news articles. Public API:
 *
 * - {@link SearchIndex}: one immutable version of the index (segments + alive bits). Build with
 *   `SearchIndex.build(docs, options)`, change with `withChanges` / `withMerged`, query with
 *   `match`, `prepareHighlight` + `highlight`, `moreLikeThis`.
 * - {@link selectMerge}: which segments to merge next.
 * - {@link parseQuery} / {@link QuerySyntaxError}: the query language (documented in `query.ts`).
 * - {@link topK}: rank a `match` result.
 * - {@link tokenize}: the tokeniser (documented in `tokenize.ts`).
 */
export { SearchIndex, HighlightPlan } from './search-index.js';
export type { IndexChanges } from './search-index.js';
export { Segment } from './segment.js';
export type { SegmentParts } from './segment.js';
export { buildSegment } from './segment-writer.js';
export { selectMerge, DEFAULT_MERGE_POLICY } from './merge-policy.js';
export type { MergePolicy, SegmentShape } from './merge-policy.js';
export { DEFAULT_SEARCH_OPTIONS } from './options.js';
export type { SearchDocument, SearchIndexOptions, MatchResult, Highlight } from './options.js';
export { parseQuery, QuerySyntaxError, positiveLeaves, countClauses, withoutWord } from './query.js';
export type {
  Query,
  TermQuery,
  PrefixQuery,
  PhraseQuery,
  AndQuery,
  OrQuery,
  NotQuery,
  SearchField,
} from './query.js';
export { topK } from './topk.js';
export { QueryTooCostly, WorkBudget, type WorkLimits } from './budget.js';
export { tokenize, terms, fold, STOP_WORDS, analyzerFor, ENGLISH, STEMMED_LANGUAGES } from './tokenize.js';
export type { Token, Analyzer } from './tokenize.js';
export { escapeHtml } from './highlight.js';
