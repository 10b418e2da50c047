/**
 * Answers computed per request (search pages, related articles) kept for the corpus version
 * they came from. The snapshot is immutable, so an answer stays right until the corpus is
 * swapped; a different version empties the cache. Least recently used entries go first.
 */
import type { PreparedBody } from './representations.js';

export class ResponseCache {
  private version = '';
  private readonly entries = new Map<string, PreparedBody>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {}

  get(version: string, key: string): PreparedBody | undefined {
    if (this.maxEntries === 0 || version !== this.version) return undefined;
    const hit = this.entries.get(key);
    if (hit === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting marks the entry as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(version: string, key: string, value: PreparedBody): void {
    if (this.maxEntries === 0) return;
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
