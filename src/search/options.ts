/**
 * The search engine's public types and tuning knobs, apart from the code that uses them (as
 * MiniSearch keeps its one documented options type).
 */
import type { HasParagraphs } from '../articles/record.js';
import { DEFAULT_MAX_CLAUSES } from './query.js';

/**
 * An article as seen by the search engine: a headline and paragraphs in order, the first the
 * lead, either as a record holds them (`lead` and `body`) or as a list (`paragraphs`); read
 * through articles/record.ts's `paragraphsOf` / `paragraphAt`.
 */
export type SearchDocument = HasParagraphs & {
  /** Headline. */
  readonly title: string;
  /** ISO 639-1 language: chooses the document's analyzer (tokenize.ts `analyzerFor`); English when absent. */
  readonly language?: string | undefined;
};

/** Tuning knobs of the search index. Every option has a default ({@link DEFAULT_SEARCH_OPTIONS}). */
export interface SearchIndexOptions {
  /**
   * Weight of a title occurrence relative to a body occurrence (default 2). Headlines state
   * what an article is about, so a title match is the strongest signal.
   */
  titleBoost: number;
  /** Weight of an occurrence in the lead paragraph (default 1.25): the lead summarises the story. */
  leadBoost: number;
  /** Weight of an occurrence in any later paragraph (default 1). */
  bodyBoost: number;
  /**
   * BM25 term-frequency saturation (default 1.2): how quickly repeated occurrences stop adding
   * score. Higher values reward repetition more.
   */
  k1: number;
  /**
   * BM25 length normalisation (default 0.6; 0.75 is the textbook value, 0.6 measured better on
   * BBC known-item queries), applied per field against that field's average length: 0 ignores
   * length, 1 fully normalises, so long articles don't win by sheer size.
   */
  b: number;
  /**
   * Saturate the headline's occurrences on their own (default false): a word's score is then
   * BM25's saturation of its weighted headline count plus that of its lead and body count, as
   * engines scoring each field apart do, instead of one saturation of all fields' weighted sum
   * (BM25F), where a word the body repeats gains little from also standing in the headline.
   * Headline paraphrases then rank their article first more often, but an article holding the
   * query's rarest words in its body falls behind others holding one in their headline
   * (known-item MRR@10 on BBC 0.961 → 0.896; bench/RESULTS.md, issue 11), so it is off.
   */
  separateTitle: boolean;
  /**
   * Weigh a headline occurrence by the word's rarity among headlines (default true): in BM25F's
   * pseudo-frequency a word's headline count is multiplied by `idf_headlines / idf` (at least 1,
   * `idf_headlines` counting the articles whose headline holds the word), as engines giving each
   * field its own idf (MiniSearch, Lucene's per-field statistics) weigh it, but inside the one
   * saturation, so a word's score stays bounded. A word that headlines seldom use though bodies
   * do (`captain`, `ahead`, `price`) then says more in a headline than one headlines name often;
   * a word rare everywhere is weighed about as before. No parameter: the ratio itself. Costs a
   * pass over a query word's posting frequencies (not its positions) the first time a segment
   * is asked for it (every time in a segment with deletions). Measured in bench/RESULTS.md
   * (issue 11, session 8).
   */
  headlineIdf: boolean;
  /**
   * BM25+'s lower bound (default 0.75, chosen on held-out query seed 7): every matched word (with
   * {@link separateTitle}: every matched part, headline and the rest) adds `idf · delta`, so a
   * word in a long article is never worth next to nothing, and matching every query word counts
   * for more than repeating one.
   */
  delta: number;
  /**
   * Maximum number of index terms a prefix query (`infla*`) expands to (default 200). The most
   * frequent expansions are kept. Bounds the work of short prefixes like `co*`.
   */
  maxPrefixExpansions: number;
  /**
   * Maximum number of words in one query, phrase words included (default: the query parser's
   * {@link DEFAULT_MAX_CLAUSES}, 64). Bounds the work of huge OR lists; longer queries are
   * rejected with a `QuerySyntaxError`.
   */
  maxQueryClauses: number;
  /**
   * Score multiplier for other forms of a query word's stem (default 0.25): `rates` also finds
   * `rate` and `rating` (Porter stemming), but a document with the exact form typed ranks
   * higher. The index stores unstemmed words and groups them by stem at query time. Their idf is
   * capped at the exact form's, so a rare variant never outweighs the word the user typed.
   */
  stemVariantWeight: number;
  /** Fuzzy matching applies only to typed words with at least this many letters (default 5). */
  fuzzyMinLength: number;
  /** Words with at least this many letters allow edit distance 2 instead of 1 (default 8). */
  fuzzyDistance2MinLength: number;
  /**
   * Score multiplier for fuzzy (typo-neighbour) matches (default 0.3), and their idf is capped
   * at the exact term's, so a fuzzy-only match ranks below an exact match of the same term.
   */
  fuzzyWeight: number;
  /** Maximum typo-neighbours per query word, most frequent first (default 30). Bounds work. */
  maxFuzzyExpansions: number;
  /**
   * Weight of the proximity bonus (`proximity.ts`; default 1.5, chosen on a held-out query seed (7), 0 turns it off): query words
   * near each other, best side by side in the order typed, add to an article's score.
   */
  proximityWeight: number;
  /**
   * Headline bonus (default 0.5, chosen on held-out query seed 7; 0 turns it off): in a query of
   * two words or more, an article whose headline holds at least half of the query's words adds
   * `headlineBonus · idf` for each of them (`headlineBonus · stemVariantWeight · idf` for a word
   * the headline holds only in another form of its stem: the form typed first, as in scoring).
   * BM25F saturates all fields together, so without it a paraphrased headline could rank the
   * article whose body repeats its words above the one whose headline holds them; a bonus for a single word in the headline would instead favour any
   * article that names one query word in its headline over the one the body words describe.
   */
  headlineBonus: number;
  /**
   * Weight of a stop word typed beside plain words (`minister said about tax`; default 3, chosen
   * on held-out query seed 7; 0 ignores them as before): it is never required (an article without
   * `about` still matches), but each one an article holds adds its BM25F score, with its own idf
   * (low: nearly every article holds `the`), times this weight. Readers' natural-language
   * queries then rank the article holding their words as typed first. See `execution.ts`.
   */
  stopWordWeight: number;
  /**
   * Bonus for an article holding a query typed as language word for word (default 2, chosen on
   * held-out query seed 7; 0 turns it off): when a query of plain words holds stop words and 3
   * words or more (`is to go ahead but will`), each article holding all of them consecutively, in
   * the order typed, within one field, adds `typedSequenceBonus · Σ idf` of its plain words. A
   * reader pasting or remembering a sentence wants the article that holds it. See `execution.ts`.
   */
  typedSequenceBonus: number;
  /** Number of distinctive terms used by more-like-this (default 25). */
  moreLikeThisTerms: number;
}

/** Defaults of every {@link SearchIndexOptions} field. */
export const DEFAULT_SEARCH_OPTIONS: Readonly<SearchIndexOptions> = Object.freeze({
  titleBoost: 2,
  leadBoost: 1.25,
  bodyBoost: 1,
  k1: 1.2,
  b: 0.6,
  separateTitle: false,
  delta: 0.75,
  headlineIdf: true,
  maxPrefixExpansions: 200,
  maxQueryClauses: DEFAULT_MAX_CLAUSES,
  stemVariantWeight: 0.25,
  fuzzyMinLength: 5,
  fuzzyDistance2MinLength: 8,
  fuzzyWeight: 0.3,
  maxFuzzyExpansions: 30,
  proximityWeight: 1.5,
  headlineBonus: 0.5,
  stopWordWeight: 3,
  typedSequenceBonus: 2,
  moreLikeThisTerms: 25,
});

/** Defaults merged with the given options (unknown keys and undefined values ignored), frozen. */
export function resolveOptions(options?: Partial<SearchIndexOptions>): Readonly<SearchIndexOptions> {
  const merged: SearchIndexOptions = { ...DEFAULT_SEARCH_OPTIONS };
  if (options) {
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && key in DEFAULT_SEARCH_OPTIONS) (merged as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return Object.freeze(merged);
}

/**
 * Documents matching a query: parallel arrays sorted by ascending document number. Document
 * numbers are those of one version of the index (see `SearchIndex.document`).
 */
export interface MatchResult {
  readonly docs: Uint32Array;
  readonly scores: Float64Array;
}

/** Highlighted title and snippet of one document; all strings are HTML-safe. */
export interface Highlight {
  /** Whole title, escaped, matches wrapped in `<mark>`. */
  title: string;
  /** True when at least one match was marked in the title. */
  titleMatched: boolean;
  /** Best passage (≈ `snippetLength` chars, `…` where cut), escaped, matches in `<mark>`. */
  snippet: string;
}
