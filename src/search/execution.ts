/**
 * Query execution: a parsed {@link Query} evaluated against one version of the index (boolean
 * AND/OR/NOT, stemmed terms, prefixes, phrases, fuzzy terms). One {@link QueryExecution} per
 * query owns its scratch memory, so a version can be read by any number of requests at once.
 */
import type { WorkBudget } from './budget.js';
import { F_LEAD, F_REST, F_TITLE } from './highlight.js';
import { fuzzyNeighbours } from './fuzzy.js';
import type { MatchResult } from './options.js';
import { EMPTY_MATCH, intersect, subtract, UnionScratch } from './postings.js';
import { QuerySyntaxError } from './query.js';
import type { PhraseQuery, PrefixQuery, Query, SearchField, TermQuery } from './query.js';
import { WordLookups, type IndexReader } from './reader.js';
import { topLevelTerms } from './proximity.js';
import { ALL_FIELDS, wordHits, wordHitsWithin } from './scoring.js';
import { STOP_PREFIX } from './segment.js';
import { topK } from './topk.js';

export function fieldMask(field: SearchField | null): number {
  return field === null ? ALL_FIELDS : field === 'title' ? F_TITLE : field === 'lead' ? F_LEAD : F_LEAD | F_REST;
}

/** The words a prefix expands to: the `maxPrefixExpansions` most frequent (ties: alphabetical). */
export function prefixExpansion(reader: IndexReader, prefix: string): string[] {
  const candidates = reader.prefixWords(prefix);
  const max = reader.options.maxPrefixExpansions;
  if (candidates.length <= max) return candidates.map((c) => c.word);
  const numbers = Uint32Array.from(candidates, (_, i) => i);
  const dfs = Float64Array.from(candidates, (c) => c.df);
  return Array.from(topK(numbers, dfs, max), (i) => candidates[i]!.word);
}

export class QueryExecution {
  readonly scratch: UnionScratch;
  private readonly lookups: WordLookups;

  constructor(
    private readonly reader: IndexReader,
    private readonly fuzzy: boolean,
    /** Charged before each word's postings are read (see budget.ts); none: unbounded. */
    private readonly budget: WorkBudget | null = null,
  ) {
    this.scratch = new UnionScratch(reader.documentSpace);
    this.lookups = new WordLookups(reader);
  }

  /** A word's hits (see `wordHits`), charged to the budget first; its segment numbers and df looked up once per query. */
  private hits(word: string, mask: number, weight: number, idf: number, within?: Uint32Array): MatchResult {
    const found = this.lookups.get(word);
    this.budget?.charge(found.df);
    const headline = this.lookups.headlineWeight(word);
    return within !== undefined && mask === ALL_FIELDS
      ? wordHitsWithin(this.reader, weight, idf, headline, found.ids, within)
      : wordHits(this.reader, word, mask, weight, idf, headline, found.ids);
  }

  private df(word: string): number {
    return this.lookups.docFreq(word);
  }

  /** The live documents matching `q`, with their BM25F scores (typed stop words included: {@link withStopWords}). */
  evaluate(q: Query): MatchResult {
    return this.withTypedSequence(q, this.withStopWords(q, this.clause(q)));
  }

  /**
   * `result` with `typedSequenceBonus · Σ idf` (the idfs of the query's plain words) added to
   * each article that holds the whole query as typed, word after word, stop words included, within
   * one field: a query typed as language (it holds stop words, and 3 words or more) is often a
   * fragment of the sentence the reader remembers (`is to go ahead but will`), and proximity,
   * which looks at pairs of plain words, cannot tell the article holding that sentence from one
   * holding `ahead` and `will` near each other. Only a query of plain words alone (no phrase,
   * field, prefix or exclusion, whose typed order is not one sentence). The same documents.
   */
  private withTypedSequence(q: Query, result: MatchResult): MatchResult {
    const weight = this.reader.options.typedSequenceBonus;
    if (weight <= 0 || result.docs.length === 0) return result;
    const terms = q.type === 'term' ? [q] : q.type === 'and' && q.clauses.every((c) => c.type === 'term' && c.field === null) ? (q.clauses as TermQuery[]) : [];
    if (terms.length === 0 || !terms.some((t) => (t.stopsBefore?.length ?? 0) + (t.stopsAfter?.length ?? 0) > 0)) return result;
    const slots: Array<{ forms: string[]; offset: number }> = [];
    const stopSlot = (w: string) => {
      const key = STOP_PREFIX + w;
      slots.push({ forms: this.df(key) === 0 ? [] : [key], offset: slots.length });
    };
    let idfs = 0;
    for (const t of terms) {
      for (const w of t.stopsBefore ?? []) stopSlot(w);
      const forms = this.variants(t.term, t.word);
      slots.push({ forms, offset: slots.length });
      idfs += this.reader.idf(Math.max(1, this.df(t.word) || Math.max(...forms.map((f) => this.df(f)))));
      for (const w of t.stopsAfter ?? []) stopSlot(w);
    }
    if (slots.length < 3 || slots.some((slot) => slot.forms.length === 0)) return result;
    this.budget?.charge(result.docs.length * slots.length);
    const holds = this.holdingPhrase(slots, ALL_FIELDS, result.docs);
    if (holds.length === 0) return result;
    const scores = Float64Array.from(result.scores);
    for (const k of holds) scores[k]! += weight * idfs;
    return { docs: result.docs, scores };
  }

  /**
   * `result` with the stop words typed beside the query's top-level words (`TermQuery.stopsBefore`
   * and `stopsAfter`) scored in, each as a word of its own weighted by `stopWordWeight`, on the
   * documents `result` already holds: they never widen or narrow the match, but of two articles
   * matching `minister said about tax` the one that also holds `about` ranks first, as engines
   * that keep stop words (and require them) rank it. A new score array; the same documents.
   */
  private withStopWords(q: Query, result: MatchResult): MatchResult {
    const reader = this.reader;
    const weight = reader.options.stopWordWeight;
    if (weight <= 0 || result.docs.length === 0) return result;
    const words = new Set<string>();
    for (const t of topLevelTerms(q)) for (const w of [...(t.stopsBefore ?? []), ...(t.stopsAfter ?? [])]) words.add(w);
    if (words.size === 0) return result;
    const scores = Float64Array.from(result.scores);
    for (const w of words) {
      const key = STOP_PREFIX + w;
      const found = this.lookups.get(key);
      if (found.df === 0) continue;
      this.budget?.charge(found.df);
      const hits = wordHitsWithin(reader, weight, reader.idf(found.df), this.lookups.headlineWeight(key), found.ids, result.docs);
      // hits is a subsequence of result.docs (both ascending)
      for (let i = 0, j = 0; i < hits.docs.length; i++) {
        while (result.docs[j] !== hits.docs[i]) j++;
        scores[j]! += hits.scores[i]!;
      }
    }
    return { docs: result.docs, scores };
  }

  private clause(q: Query, fuzzy = this.fuzzy): MatchResult {
    switch (q.type) {
      case 'term':
        return this.term(q, fuzzy);
      case 'prefix':
        return this.prefix(q);
      case 'phrase':
        return this.phrase(q);
      case 'not':
        throw new QuerySyntaxError('query needs at least one positive term', q.position);
      case 'or':
        return this.scratch.union(
          q.clauses.map((c) => this.clause(c, fuzzy)),
          false,
        );
      case 'and': {
        const positive: MatchResult[] = [];
        const negative: MatchResult[] = [];
        // plain words are scored last, and only on the documents the other clauses (and the
        // rarer words) left: a common word's postings are galloped through, not all scored
        const deferred: Array<{ clause: TermQuery; postings: number }> = [];
        for (const c of q.clauses) {
          if (c.type === 'not') negative.push(this.clause(c.clause, false));
          else if (c.type === 'term' && c.field === null && !(fuzzy && c.fuzzy)) deferred.push({ clause: c, postings: this.postings(c) });
          else positive.push(this.clause(c, fuzzy));
        }
        deferred.sort((a, b) => a.postings - b.postings);
        if (positive.length === 0 && deferred.length > 0) positive.push(this.clause(deferred.shift()!.clause, fuzzy));
        if (positive.length === 0) return EMPTY_MATCH;
        positive.sort((a, b) => a.docs.length - b.docs.length);
        let result = positive[0]!;
        for (let i = 1; i < positive.length && result.docs.length > 0; i++) result = intersect(result, positive[i]!);
        for (const { clause } of deferred) {
          if (result.docs.length === 0) break;
          result = intersect(result, this.stemHits(clause.term, clause.word, ALL_FIELDS, result.docs));
        }
        for (const n of negative) {
          if (result.docs.length === 0) break;
          result = subtract(result, n.docs);
        }
        return result;
      }
    }
  }

  /** Postings of every form of a plain word (an upper bound of its matches). */
  private postings(q: TermQuery): number {
    let total = 0;
    for (const form of this.variants(q.term, q.word)) total += this.df(form);
    return total;
  }

  /** Every stem variant of `word` (plus `word` itself when indexed). */
  private variants(stemmed: string, word: string): string[] {
    const out = this.lookups.stemVariants(stemmed);
    if (!out.includes(word) && this.df(word) > 0) out.push(word);
    return out;
  }

  /**
   * Hits of every indexed form of a stem: per document the best of the forms' BM25F scores,
   * forms other than `word` weighted by `stemVariantWeight` with idf capped at `word`'s.
   */
  private stemHits(stemmed: string, word: string, mask: number, within?: Uint32Array): MatchResult {
    const reader = this.reader;
    const forms = this.variants(stemmed, word);
    const exactDf = this.df(word);
    const exactIdf = exactDf === 0 ? Infinity : reader.idf(exactDf);
    const variantWeight = reader.options.stemVariantWeight;
    return this.scratch.union(
      forms.map((form) => this.hits(form, mask, exactDf === 0 || form === word ? 1 : variantWeight, Math.min(exactIdf, reader.idf(this.df(form))), within)),
      true,
    );
  }

  private term(q: TermQuery, fuzzy: boolean): MatchResult {
    const reader = this.reader;
    const mask = fieldMask(q.field);
    const exact = this.stemHits(q.term, q.word, mask);
    if (!fuzzy || !q.fuzzy) return exact;
    const { fuzzyWeight } = reader.options;
    const exactDf = reader.wordDocFreq(q.word);
    if (exactDf > 0) {
      // the typed form exists: its typo-neighbours rank below every article holding it
      const exactIdf = reader.idf(exactDf);
      const neighbours = fuzzyNeighbours(reader, q, reader.options);
      return this.above(exact, neighbours.map((n) => this.hits(n.word, mask, fuzzyWeight, Math.min(exactIdf, reader.idf(n.df)))));
    }
    // The typed form is in no article: a misspelling, or a form only other forms of its stem
    // have. Its closest neighbours (stem forms included) are the words it may mean, scored with
    // the idf of the most frequent of them; everything else it could match (farther neighbours,
    // stem forms farther away) scores below every match of those. So `goverment` (government:
    // one edit; governess: same Porter stem, three edits) ranks government's articles first.
    const neighbours = fuzzyNeighbours(reader, q, reader.options, true);
    if (neighbours.length === 0) return exact;
    const closest = neighbours[0]!.distance;
    const meantIdf = reader.idf(neighbours[0]!.df);
    const own = new Set(reader.stemVariants(q.term));
    const meant = this.scratch.union(
      neighbours.filter((n) => n.distance === closest).map((n) => this.hits(n.word, mask, own.has(n.word) ? 1 : fuzzyWeight, meantIdf)),
      true,
    );
    const others = neighbours.filter((n) => n.distance > closest).map((n) => this.hits(n.word, mask, fuzzyWeight, Math.min(meantIdf, reader.idf(n.df))));
    others.push(exact);
    return this.above(meant, others);
  }

  /** `first` united (per document: maximum) with `others`, whose scores are capped strictly below every score of `first`. */
  private above(first: MatchResult, others: MatchResult[]): MatchResult {
    const rest = this.scratch.union(others, true);
    if (rest.docs.length === 0) return first;
    if (first.docs.length === 0) return rest;
    let min = Infinity;
    for (const x of first.scores) if (x < min) min = x;
    const cap = min * 0.999;
    const scores = Float64Array.from(rest.scores, (x) => (x < cap ? x : cap));
    return this.scratch.union([first, { docs: rest.docs, scores }], true);
  }

  private prefix(q: PrefixQuery): MatchResult {
    const mask = fieldMask(q.field);
    const reader = this.reader;
    const lists = prefixExpansion(reader, q.prefix).map((word) => this.hits(word, mask, 1, reader.idf(this.df(word))));
    return this.scratch.union(lists, true);
  }

  private phrase(q: PhraseQuery): MatchResult {
    const reader = this.reader;
    const mask = fieldMask(q.field);
    const n = q.terms.length;
    if (n === 0) return EMPTY_MATCH;
    // one slot per phrase word: its forms (stop words: exactly that word) and their hits
    const slots: Array<{ forms: string[]; offset: number; hits: MatchResult }> = [];
    for (let i = 0; i < n; i++) {
      let forms: string[];
      let hits: MatchResult;
      if (q.stop[i]) {
        const key = STOP_PREFIX + q.words[i]!;
        const df = this.df(key);
        forms = df === 0 ? [] : [key];
        hits = df === 0 ? EMPTY_MATCH : this.hits(key, mask, 1, reader.idf(df));
      } else {
        forms = this.variants(q.terms[i]!, q.words[i]!);
        hits = this.stemHits(q.terms[i]!, q.words[i]!, mask);
      }
      if (hits.docs.length === 0) return EMPTY_MATCH;
      slots.push({ forms, offset: q.offsets[i]!, hits });
    }
    const bySize = [...slots].sort((x, y) => x.hits.docs.length - y.hits.docs.length);
    let candidates = bySize[0]!.hits;
    for (let i = 1; i < bySize.length && candidates.docs.length > 0; i++) candidates = intersect(candidates, bySize[i]!.hits);
    const holds = this.holdingPhrase(slots, mask, candidates.docs);
    const outDocs = new Uint32Array(holds.length);
    const outScores = new Float64Array(holds.length);
    for (let m = 0; m < holds.length; m++) {
      outDocs[m] = candidates.docs[holds[m]!]!;
      outScores[m] = candidates.scores[holds[m]!]!;
    }
    return { docs: outDocs, scores: outScores };
  }

  /**
   * Positions into `candidates` (ascending live documents) of those holding a phrase within a
   * field of `mask`: every slot (one word of the phrase, any of its `forms`) at its `offset`
   * from the phrase's start.
   */
  private holdingPhrase(slots: ReadonlyArray<{ forms: readonly string[]; offset: number }>, mask: number, candidates: Uint32Array): number[] {
    const reader = this.reader;
    const n = slots.length;
    const holds: number[] = [];
    const slotPositions: number[][] = slots.map(() => []);
    const decoded: number[] = [];
    const pointer = new Array<number>(n).fill(0);
    // per segment: each slot's forms as word numbers there, and a posting cursor per form
    let segmentIndex = -1;
    let formNumbers: Array<Array<number | undefined>> = [];
    let formCursor: number[][] = [];
    for (let c = 0; c < candidates.length; c++) {
      const doc = candidates[c]!;
      const s = reader.segmentOf(doc);
      const placed = reader.segments[s]!;
      const segment = placed.segment;
      if (s !== segmentIndex) {
        segmentIndex = s;
        formNumbers = slots.map((slot) => slot.forms.map((f) => (this.lookups.get(f).ids[s]! >= 0 ? this.lookups.get(f).ids[s]! : undefined)));
        formCursor = formNumbers.map((numbers) => numbers.map((t) => (t === undefined ? 0 : segment.postingStart[t]!)));
      }
      const d = doc - placed.base;
      // positions of each slot in d (merged over its forms)
      for (let j = 0; j < n; j++) {
        const positions = slotPositions[j]!;
        positions.length = 0;
        const numbers = formNumbers[j]!;
        for (let v = 0; v < numbers.length; v++) {
          const t = numbers[v];
          if (t === undefined) continue;
          const at = segment.seek(t, formCursor[j]![v]!, d);
          formCursor[j]![v] = at;
          if (segment.holds(t, at, d)) {
            const count = segment.positions(t, at - segment.postingStart[t]!, decoded);
            for (let k = 0; k < count; k++) positions.push(decoded[k]!);
          }
        }
        if (numbers.length > 1) positions.sort((x, y) => x - y);
      }
      const leadAt = segment.fieldBoundaries[2 * d]!;
      const restAt = segment.fieldBoundaries[2 * d + 1]!;
      // a phrase start (relative offset 0) supported by every word, within an allowed field
      let found = false;
      pointer.fill(0);
      const first = slots[0]!;
      for (const p of slotPositions[0]!) {
        const start = p - first.offset;
        const field = start < leadAt ? F_TITLE : start < restAt ? F_LEAD : F_REST;
        if ((field & mask) === 0) continue;
        found = true;
        for (let j = 1; j < n && found; j++) {
          const want = start + slots[j]!.offset;
          const positions = slotPositions[j]!;
          let x = pointer[j]!;
          while (x < positions.length && positions[x]! < want) x++;
          pointer[j] = x;
          found = x < positions.length && positions[x] === want;
        }
        if (found) break;
      }
      if (found) holds.push(c);
    }
    return holds;
  }
}
