/**
 * Stories as one snapshot sees them. The StoryIndex (search/near-duplicates.ts) is the mutable,
 * incremental part: a new snapshot takes the previous snapshot's index and syncs it with only
 * the articles that were added, changed or removed (`syncStories`). What the snapshot serves is
 * then copied out into plain arrays, so the old snapshot keeps answering from its own arrays
 * while the next one updates the index.
 */
import type { Article } from '../articles/schema.js';
import { StoryIndex } from '../search/near-duplicates.js';

/** What identifies an article's content: a changed file gets a new revision and is re-fingerprinted. */
function revision(a: Article): string {
  return `${a.origin.sha256}:${a.origin.line ?? ''}`;
}

export interface StorySync {
  added: number;
  removed: number;
}

/** Brings `index` to exactly these articles, touching only the ones that differ from what it holds. */
export function syncStories(index: StoryIndex, articles: readonly Article[], dateMs: Float64Array): StorySync {
  const wanted = new Set<string>();
  let added = 0;
  let removed = 0;
  for (let i = 0; i < articles.length; i++) {
    const a = articles[i]!;
    wanted.add(a.id);
    const rev = revision(a);
    if (index.revisionOf(a.id) === rev) continue;
    index.add({ id: a.id, paragraphs: a.paragraphs, publishedMs: dateMs[i]!, revision: rev });
    added++;
  }
  for (const id of index.ids()) {
    if (wanted.has(id)) continue;
    index.remove(id);
    removed++;
  }
  return { added, removed };
}

/** One story of a snapshot: positions into the snapshot's id-sorted articles. */
export interface SnapshotStory {
  /** Position of the first-published article (its id is the story's id). */
  first: number;
  /** Every member, first-published first. */
  members: Uint32Array;
  /** The latest published date of any member (epoch ms; NaN when none is dated). */
  lastMs: number;
}

/** The snapshot's copy of the stories: per article its story, per story its members. */
export class SnapshotStories {
  /** For each article position, the position of its story's first-published article. */
  readonly firstOf: Int32Array;
  /** Stories by their first article's position. */
  private readonly byFirst = new Map<number, SnapshotStory>();
  /** Story first-positions, newest first: by the latest member's date, undated last, then by id. */
  readonly newest: Uint32Array;

  constructor(index: StoryIndex, articles: readonly Article[], positionOf: (id: string) => number, dateMs: Float64Array) {
    const n = articles.length;
    this.firstOf = new Int32Array(n);
    for (const s of index.stories()) {
      const members = Uint32Array.from(s.articleIds, positionOf);
      const first = members[0]!;
      let lastMs = Number.NaN;
      for (const m of members) {
        this.firstOf[m] = first;
        const t = dateMs[m]!;
        if (!Number.isNaN(t) && !(t <= lastMs)) lastMs = t;
      }
      this.byFirst.set(first, { first, members, lastMs });
    }
    const firsts = Uint32Array.from(this.byFirst.keys());
    this.newest = firsts.sort((x, y) => {
      const dx = this.byFirst.get(x)!.lastMs;
      const dy = this.byFirst.get(y)!.lastMs;
      const nx = Number.isNaN(dx);
      const ny = Number.isNaN(dy);
      if (nx !== ny) return nx ? 1 : -1;
      if (!nx && dx !== dy) return dy - dx;
      return x - y;
    });
  }

  /** The story whose first-published article is at this position, else undefined. */
  at(first: number): SnapshotStory | undefined {
    return this.byFirst.get(first);
  }

  sizeOf(position: number): number {
    return this.byFirst.get(this.firstOf[position]!)!.members.length;
  }

  get count(): number {
    return this.byFirst.size;
  }
}
