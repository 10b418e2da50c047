/**
 * Search engines under test, behind one small adapter interface.
 * Every adapter answers a space-separated query with AND semantics over title + body
 * and returns the top-10 doc numbers (positions in the docs array).
 */
import { Document, Resolver } from 'flexsearch';
import MiniSearch from 'minisearch';
import type { BenchDoc } from './corpus.js';

export interface EngineAdapter {
  readonly name: string;
  build(docs: readonly BenchDoc[]): void;
  /** Top 10 doc numbers, best first; `fuzzy` asks for the engine's typo tolerance, if it has one. */
  search(q: string, opts?: { fuzzy?: boolean }): number[];
  /** Size of the whole AND match set (not timed; used as a sanity check). */
  matchCount(q: string): number;
}

/**
 * MiniSearch 7 with its defaults (tokenizer splits on spaces/punctuation, lower-cases;
 * no stemming, no stop words), fields title + text, nothing stored; `word*` as a prefix.
 */
export function miniSearchAdapter(): EngineAdapter {
  let ms: MiniSearch<{ id: number; title: string; text: string }> | null = null;
  return {
    name: 'MiniSearch',
    build(docs) {
      ms = new MiniSearch({
        fields: ['title', 'text'],
        storeFields: [],
        searchOptions: { combineWith: 'AND', boost: { title: 2 } },
      });
      ms.addAll(docs.map((d, id) => ({ id, title: d.title, text: d.paragraphs.join('\n') })));
    },
    search(q, opts) {
      // MiniSearch scores and sorts the whole match set; we keep the first 10. Its documented
      // typo tolerance: `fuzzy: 0.2` allows 0.2 × length edits (Levenshtein).
      // A word typed `elect*` is searched as a prefix through MiniSearch's documented per-term
      // `prefix` option (its tokenizer drops the `*`); quotes are dropped too (no phrase search).
      const starred = new Set(q.split(/\s+/).filter((w) => w.endsWith('*')).map((w) => w.slice(0, -1).replace(/^\W+/, '').toLowerCase()));
      const options = { ...(opts?.fuzzy ? { fuzzy: 0.2 } : {}), ...(starred.size > 0 ? { prefix: (term: string) => starred.has(term) } : {}) };
      return ms!.search(q, options).slice(0, 10).map((r) => r.id as number);
    },
    matchCount(q) {
      return ms!.search(q).length;
    },
  };
}

/** The bits of FlexSearch's (very generic) Resolver typings that we use. */
interface FlexResolver {
  or(...args: object[]): FlexResolver;
  and(...args: FlexResolver[]): FlexResolver;
  resolve(options: { limit: number }): Array<number | string>;
}
const FlexResolverCtor = Resolver as unknown as new (options: object) => FlexResolver;

/**
 * FlexSearch 0.8 Document index over fields title + text with default options
 * (tokenize 'strict' = whole words, default encoder, no cache, nothing stored).
 * A plain `doc.search("a b")` is AND *within each field* and then unions the fields,
 * so a doc with "a" only in the title and "b" only in the body would be missed.
 * We therefore use its Resolver: per term (title boost 2 OR text), then AND over terms,
 * resolved with limit 10.
 */
export function flexSearchAdapter(): EngineAdapter {
  let index: Document | null = null;
  let size = 0;
  const resolver = (q: string): FlexResolver | undefined => {
    const perTerm = q
      .split(/\s+/)
      .filter(Boolean)
      .map((t) =>
        new FlexResolverCtor({ index, field: 'title', query: t, boost: 2 }).or({ index, field: 'text', query: t }),
      );
    const [first, ...rest] = perTerm;
    return first && rest.length ? first.and(...rest) : first;
  };
  // An AND that cannot match (a word in no document) comes back already resolved, as an array.
  const resolved = (r: FlexResolver | undefined, limit: number): Array<number | string> => {
    if (r === undefined) return [];
    if (typeof r.resolve === 'function') return r.resolve({ limit });
    return Array.isArray(r) ? (r as Array<number | string>).slice(0, limit) : [];
  };
  return {
    name: 'FlexSearch',
    build(docs) {
      index = new Document({ document: { id: 'id', index: ['title', 'text'] } });
      size = docs.length;
      for (let id = 0; id < docs.length; id++) {
        const d = docs[id]!;
        index.add({ id, title: d.title, text: d.paragraphs.join('\n') });
      }
    },
    search(q) {
      return resolved(resolver(q), 10).map(Number);
    },
    matchCount(q) {
      return resolved(resolver(q), size).length;
    },
  };
}
