/**
 * Answers computed per request (listing and search pages, related articles, sources) kept for the corpus version
 * they came from. The snapshot is immutable, so an answer stays right until the corpus is
 * swapped; a different version empties the cache. Least recently used entries go first.
 */
import { PreparedBody, strongEtag } from './representations.js';

/** The most body bytes kept, whatever the entry count: URLs are the client's to vary. */
const RESPONSE_CACHE_MAX_BYTES = 64 * 1024 * 1024;

export class ResponseCache {
  private version = '';
  private readonly entries = new Map<string, PreparedBody>();
  private bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes = RESPONSE_CACHE_MAX_BYTES,
  ) {}

  get(version: string, key: string): PreparedBody | undefined {
    if (this.maxEntries === 0 || version !== this.version) return undefined;
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Map keeps insertion order: re-inserting marks the entry as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(version: string, key: string, value: PreparedBody): void {
    if (this.maxEntries === 0) return;
    if (version !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = version;
    }
    this.drop(key);
    this.entries.set(key, value);
    this.bytes += value.bytes;
    while (this.entries.size > this.maxEntries || (this.bytes > this.maxBytes && this.entries.size > 0)) this.drop(this.entries.keys().next().value!);
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.bytes -= old.bytes;
    this.entries.delete(key);
  }

  /** Prepares an answer's JSON (or its UTF-8 bytes) with a strong ETag from version and key, keeps it and returns it. */
  keep(version: string, key: string, json: string | Buffer): PreparedBody {
    const prepared = new PreparedBody(json, strongEtag(`${version}\0${key}`));
    this.set(version, key, prepared);
    return prepared;
  }

  get size(): number {
    return this.entries.size;
  }
}
