/**
 * Full-text search for news articles. Public API:
 *
 * - {@link SearchIndex}: build with `SearchIndex.build(docs, options)`, then `match`, `highlight`,
 *   `moreLikeThis`.
 * - {@link parseQuery} / {@link QuerySyntaxError}: the query language (documented in `query.ts`).
 * - {@link topK}: rank a `match` result.
 * - {@link tokenize}: the tokeniser (documented in `tokenize.ts`).
 */
export { SearchIndex, DEFAULT_SEARCH_OPTIONS, HighlightPlan } from './search-index.js';
export type { SearchDocument, SearchIndexOptions, MatchResult, Highlight } from './search-index.js';
export { parseQuery, QuerySyntaxError, DEFAULT_MAX_CLAUSES, positiveLeaves, countClauses } from './query.js';
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
export { tokenize, terms, fold, STOP_WORDS } from './tokenize.js';
export type { Token } from './tokenize.js';
export { escapeHtml } from './highlight.js';
