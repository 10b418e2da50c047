/**
 * Adapter for our own engine (src/search/index.ts). The module is loaded dynamically so the
 * benchmark still runs (and type-checks) while it is missing or broken; the contract used:
 *
 *   SearchIndex.build(docs: {title; paragraphs}[], options?) -> index
 *   index.match(parseQuery(q)) -> { docs: Uint32Array; scores: Float32Array | Float64Array }
 *   topK(docs, scores, k) -> Uint32Array of *indices into docs/scores*, best first
 *
 * Besides ranking, every search counts two facets over the whole match set (category and
 * month, from per-doc Uint16Array lookups), because the target workload is "two-term query
 * with a facet request". The other engines do not do this extra work.
 */
import type { BenchDoc } from './corpus.js';
import type { EngineAdapter } from './engines.js';

interface MatchResult {
  docs: Uint32Array;
  scores: ArrayLike<number>;
}
interface OurIndex {
  match(query: unknown, opts?: { fuzzy?: boolean; bonuses?: boolean }): MatchResult;
  /** Present since session 5: the page with the bonuses computed only where they can change it, as the product ranks. */
  /** Present since session 11: the product's fallbacks (typo tolerance for a misspelling, then all of the query but one word), bonuses left out. */
  answer?(query: unknown, opts?: { fuzzy?: boolean }): { result: MatchResult };
  rankWithBonuses?(query: unknown, docs: Uint32Array, scores: Float64Array, rank: ArrayLike<number>, limit: number, offset: number): Uint32Array;
}
interface OurModule {
  SearchIndex: { build(docs: ReadonlyArray<{ title: string; paragraphs: readonly string[] }>, options?: unknown): OurIndex };
  parseQuery(q: string): unknown;
  topK(docs: Uint32Array, scores: ArrayLike<number>, k: number): Uint32Array | ArrayLike<number>;
}

/** Sum of facet counts, kept so the facet loop cannot be optimised away. */
export let facetSink = 0;

/** Returns the adapter, or a human-readable reason why "ours" must be skipped. */
export async function loadOursAdapter(): Promise<EngineAdapter | string> {
  const specifier = '../../src/search/index.js';
  let mod: Partial<OurModule>;
  try {
    mod = (await import(specifier)) as Partial<OurModule>;
  } catch (err) {
    return `src/search/index.ts could not be loaded (${(err as Error).message.split('\n')[0]})`;
  }
  const { SearchIndex, parseQuery, topK } = mod;
  if (typeof SearchIndex?.build !== 'function' || typeof parseQuery !== 'function' || typeof topK !== 'function') {
    return 'src/search/index.ts does not export SearchIndex.build, parseQuery and topK yet';
  }
  let index: OurIndex | null = null;
  let catOf: Uint16Array = new Uint16Array(0);
  let monthOf: Uint16Array = new Uint16Array(0);
  let nCat = 0;
  let nMonth = 0;
  let docNumbers: Uint32Array = new Uint32Array(0);
  const codes = (values: string[]): [Uint16Array, number] => {
    const ids = new Map<string, number>();
    const out = Uint16Array.from(values, (v) => {
      let id = ids.get(v);
      if (id === undefined) ids.set(v, (id = ids.size));
      return id;
    });
    return [out, ids.size];
  };
  return {
    name: 'ours',
    build(docs: readonly BenchDoc[]) {
      index = SearchIndex.build(docs);
      docNumbers = Uint32Array.from(docs, (_, i) => i);
      [catOf, nCat] = codes(docs.map((d) => d.category));
      [monthOf, nMonth] = codes(docs.map((d) => d.month));
    },
    search(q: string, opts?: { fuzzy?: boolean }) {
      const query = parseQuery(q);
      // as the product's search does: the bonuses only where they can change the page (same ranking)
      const pruned = typeof index!.rankWithBonuses === 'function';
      let m: MatchResult;
      if (pruned && typeof index!.answer === 'function') {
        // the product's path: its fallbacks when nothing matches as typed (SearchIndex.answer)
        m = index!.answer(query, { fuzzy: opts?.fuzzy === true }).result;
      } else {
        m = index!.match(query, { fuzzy: opts?.fuzzy === true, bonuses: !pruned });
        // as the product's search did: a query that matches nothing as typed is retried with typo tolerance
        if (m.docs.length === 0 && opts?.fuzzy !== true) m = index!.match(query, { fuzzy: true, bonuses: !pruned });
      }
      const cats = new Uint32Array(nCat);
      const months = new Uint32Array(nMonth);
      for (let i = 0; i < m.docs.length; i++) {
        const d = m.docs[i]!;
        cats[catOf[d]!]!++;
        months[monthOf[d]!]!++;
      }
      facetSink += (cats[0] ?? 0) + (months[0] ?? 0);
      if (pruned) {
        // ties by document number, as topK breaks them
        const page = index!.rankWithBonuses!(query, m.docs, Float64Array.from(m.scores), docNumbers, 10, 0);
        return Array.from(page, (i) => m.docs[i]!);
      }
      const best = topK(m.docs, m.scores, 10);
      return Array.from(best, (i) => m.docs[i]!);
    },
    matchCount(q: string) {
      return index!.match(parseQuery(q)).docs.length;
    },
  };
}
