/**
 * Fairness between searches. Each search gets a work budget (search/budget.ts): past
 * SEARCH_MAX_WORDS index words or SEARCH_MAX_POSTINGS postings it answers a 422 saying what to
 * narrow. That bounds one query, not many: eight clients from as many addresses sending the
 * costliest queries still took the whole event loop (an ordinary client's p99 went from 12 ms to
 * 1.5 s, and the event-loop delay never crossed the shedding threshold). So the words read by
 * costly searches (more than CHEAP_WORDS each) are also counted per second, server-wide: once
 * SEARCH_COSTLY_WORDS_PER_SECOND is spent, a search may read only CHEAP_WORDS words until the
 * second is over, and one that needs more answers 503 with Retry-After: 1. Cheap searches (the
 * ordinary client's) always run.
 */
import type { Config } from '../config.js';
import { WorkBudget } from '../search/index.js';

/** A search reading at most this many words is cheap: never refused for fairness. */
export const CHEAP_WORDS = 50;

export type FairnessConfig = Pick<Config, 'searchMaxWords' | 'searchMaxPostings' | 'searchCostlyWordsPerSecond'>;

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
    const crowded = this.cfg.searchCostlyWordsPerSecond > 0 && this.spent >= this.cfg.searchCostlyWordsPerSecond;
    return new WorkBudget({
      maxWords: crowded ? Math.min(CHEAP_WORDS, this.cfg.searchMaxWords) : this.cfg.searchMaxWords,
      maxPostings: this.cfg.searchMaxPostings,
    });
  }

  /** True when the budget was cut to a cheap one (a refusal is then "busy", not "too costly"). */
  isCrowdedBudget(budget: WorkBudget): boolean {
    return budget.limits.maxWords < this.cfg.searchMaxWords;
  }

  /** Counts what a search read (finished or stopped by its budget). */
  spend(budget: WorkBudget): void {
    if (budget.words <= CHEAP_WORDS) return;
    this.roll();
    this.spent += budget.words;
  }

  private roll(): void {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.spent = 0;
    }
  }
}
