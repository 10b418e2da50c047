import type { CorpusStore } from '../../corpus/index.js';
import type { ResponseCache } from '../response-cache.js';

/** What every resource's routes are registered with (app.ts). */
export interface RouteOptions {
  store: CorpusStore;
  /** Answers kept per corpus version and URL (listing, search, related, sources, categories). */
  answers: ResponseCache;
  cacheMaxAge: number;
  listMaxAge: number;
}
