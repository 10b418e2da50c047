export {
  Corpus,
  type CollapsedArticle,
  type CorpusChange,
  type PageKey,
  type SegmentBuild,
  type SegmentSummary,
  type FacetValue,
  type SearchHit,
  type SearchOptions,
  type SearchResult,
  type SourceCount,
  type StoryRef,
  type StoryView,
} from './corpus.js';
export { CorpusStore } from './store.js';
export { Reloader, type Changes, type ReloadOutcome, type ReloaderOptions } from './reloader.js';
export { boundToMs, toArticleFilter, type ArticleFilter, type Sort } from './filters.js';
export { SegmentMerger } from './merger.js';
export { SegmentBuilder } from './segment-builder.js';
