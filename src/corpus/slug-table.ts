/**
 * A segment's documents by slug, for `Corpus.get(slug)`: a multimap from a 30-bit hash of the
 * slug to the segment's document numbers in a {@link BucketTable} (typed arrays, about 7 bytes
 * a document) instead of a `Map` from slug to documents (about 37 bytes an entry: 3 MB at
 * 100,000 articles, bench/RESULTS.md "Heap, session 8"). Nothing is stored twice: the table
 * keeps no slug, a match is confirmed by reading the document's own slug (`slugOf`), which also
 * tells the table a held document's key when it needs it.
 */
import { BucketTable } from '../search/lsh-buckets.js';
import { hashString } from '../search/near-duplicates.js';

/** A non-negative 30-bit key (what a BucketTable takes). */
const slugKey = (slug: string): number => hashString(slug) >>> 2;

export class SlugTable {
  private readonly buckets: BucketTable;

  /** `slugOf(doc)`: the slug of the segment's document `doc` (numbers from 0); `size`: documents expected. */
  constructor(
    private readonly slugOf: (doc: number) => string,
    size = 0,
  ) {
    this.buckets = new BucketTable((doc) => slugKey(slugOf(doc)));
    if (size > 0) this.buckets.reserve(size);
  }

  add(slug: string, doc: number): void {
    this.buckets.add(slugKey(slug), doc);
  }

  /** Calls `fn` with every document whose slug is `slug` (several articles may share one). */
  forEach(slug: string, fn: (doc: number) => void): void {
    this.buckets.forEach(slugKey(slug), (doc) => {
      if (this.slugOf(doc) === slug) fn(doc);
    });
  }
}
