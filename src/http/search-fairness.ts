/**
 * Fairness between searches. Each search gets a work budget (search/budget.ts): past
 * SEARCH_MAX_WORDS index words or SEARCH_MAX_POSTINGS postings it answers a 422 saying what to
 * narrow. That bounds one query, not many: eight clients from as many addresses sending the
 * costliest queries still took the whole event loop (an ordinary client's p99 went from 12 ms to
 * 1.5 s, and the event-loop delay never crossed the shedding threshold). So the time taken by
 * costly searches (more than CHEAP_WORDS index words, or more than CHEAP_PAGE_WORK words ×
 * results to highlight) is also counted per second, server-wide: once
 * SEARCH_COSTLY_MS_PER_SECOND is spent, a search may do only a cheap search's work until the
 * second is over, and one that needs more answers 503 with Retry-After: 1.
 * Cheap searches (the ordinary client's) always run. Time, not words, is what is shared: with
 * many expanded words, highlighting a page of 100 hits costs more than finding them.
 */
import type { Config } from '../config.js';
import { WorkBudget } from '../search/index.js';

/** A search reading at most this many words, and highlighting them in at most CHEAP_PAGE_WORK (words × results), is cheap: never refused for fairness. */
export const CHEAP_WORDS = 50;
const CHEAP_PAGE_WORK = 1000;

export type FairnessConfig = Pick<Config, 'searchMaxWords' | 'searchMaxPostings' | 'searchCostlyMsPerSecond'>;

export class SearchFairness {
  private windowStart = 0;
  private spent = 0;

  constructor(
    private readonly cfg: FairnessConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** The budget for the next search: the full one, or only a cheap one while costly searches have had their share. */
  budget(): WorkBudget {
    this.roll();
    const crowded = this.cfg.searchCostlyMsPerSecond > 0 && this.spent >= this.cfg.searchCostlyMsPerSecond;
    return new WorkBudget({
      maxWords: crowded ? Math.min(CHEAP_WORDS, this.cfg.searchMaxWords) : this.cfg.searchMaxWords,
      maxPostings: this.cfg.searchMaxPostings,
      ...(crowded ? { maxPageWork: CHEAP_PAGE_WORK } : {}),
    });
  }

  /** True when the budget was cut to a cheap one (a refusal is then "busy", not "too costly"). */
  isCrowdedBudget(budget: WorkBudget): boolean {
    return budget.limits.maxPageWork !== undefined;
  }

  /** Counts the time a costly search took (finished or stopped by its budget), at least 1 ms. */
  spend(budget: WorkBudget, ms: number): void {
    if (budget.words <= CHEAP_WORDS && budget.pageWork <= CHEAP_PAGE_WORK) return;
    this.roll();
    this.spent += Math.max(1, ms);
  }

  private roll(): void {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.spent = 0;
    }
  }
}
