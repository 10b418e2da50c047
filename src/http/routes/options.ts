import type { ReaderStore } from '../../corpus/article-reader.js';
import type { CorpusStore } from '../../corpus/index.js';
import type { DatabaseStatus } from '../../store/replica.js';
import type { ResponseCache } from '../response-cache.js';
import type { SearchFairness } from '../search-fairness.js';

/** What every resource's routes are registered with (app.ts). */
export interface RouteOptions {
  /** Reload and watch state for /health (the folder or replica that feeds the articles). */
  store: CorpusStore;
  /** The versions of the articles the routes read. */
  readers: ReaderStore;
  /** Answers kept per corpus version and URL (listing, search, related, sources, categories). */
  answers: ResponseCache;
  cacheMaxAge: number;
  listMaxAge: number;
  /** Work budgets for searches (search-fairness.ts). */
  fairness: SearchFairness;
}

/** A replica's view of its database (database mode only), for /health and /ready. */
export interface DatabaseProbe {
  status(): DatabaseStatus;
  /** READY_REQUIRES_DATABASE: /ready answers 503 while the database is unreachable. */
  requiredForReady: boolean;
}
