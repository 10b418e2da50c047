/**
 * A per-query work budget. The costliest legal queries (dozens of two-letter prefixes ORed, each
 * expanding to up to 200 words) read millions of postings and held an ordinary client's p99 at
 * over a second, while the event loop's delay never looked bad enough to shed load. Each word a
 * query reads (stem forms, prefix and fuzzy expansions, phrase words) is charged here, with its
 * postings (its document frequency), before its postings are read; past either limit the query
 * stops with {@link QueryTooCostly}, having done at most a budget's worth of work.
 */
export interface WorkLimits {
  /** Index words a query may read (every expansion counts). */
  maxWords: number;
  /** Postings (word-document pairs) a query may read. */
  maxPostings: number;
  /**
   * Highlighting work: index words read times results on the page (each result is searched
   * for every word; 300 words on 100 results cost 40 ms). None: unbounded.
   */
  maxPageWork?: number;
}

export class QueryTooCostly extends Error {
  constructor(
    readonly limit: 'words' | 'postings' | 'page',
    readonly limits: WorkLimits,
  ) {
    super(
      limit === 'words'
        ? `the query expands to more than ${limits.maxWords} index words; use fewer or longer prefixes (infla* rather than in*), fewer OR terms, or no fuzzy matching`
        : limit === 'postings'
          ? `the query would read more than ${limits.maxPostings} postings; use rarer words, fewer or longer prefixes, or fewer OR terms`
          : `highlighting the query's words in every result on the page is more than ${limits.maxPageWork} units of work; ask for fewer results (limit) or use fewer prefixes`,
    );
    this.name = 'QueryTooCostly';
  }
}

export class WorkBudget {
  words = 0;
  postings = 0;
  pageWork = 0;

  constructor(readonly limits: WorkLimits) {}

  /** Charges one word and its postings; throws QueryTooCostly past a limit. */
  charge(postings: number): void {
    this.words++;
    this.postings += postings;
    if (this.words > this.limits.maxWords) throw new QueryTooCostly('words', this.limits);
    if (this.postings > this.limits.maxPostings) throw new QueryTooCostly('postings', this.limits);
  }

  /** Charges highlighting `results` results with the words read; throws QueryTooCostly past maxPageWork. */
  chargePage(results: number): void {
    this.pageWork = this.words * results;
    if (this.limits.maxPageWork !== undefined && this.pageWork > this.limits.maxPageWork) throw new QueryTooCostly('page', this.limits);
  }
}
