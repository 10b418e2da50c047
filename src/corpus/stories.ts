/**
 * Stories as one corpus version sees them. The StoryIndex (search/near-duplicates.ts) is the
 * mutable, incremental part, shared by a lineage of versions: making a version syncs it with
 * that version's articles, fingerprinting only those added or changed since it last saw them
 * and dropping those gone (`syncStories`). What a version serves is then copied out into plain
 * arrays over its document numbers, so older versions keep answering from their own copies
 * while a newer one moves the index on.
 */
import type { Article } from '../articles/schema.js';
import type { StoryIndex } from '../search/near-duplicates.js';

/** What identifies an article's content: a changed file gets a new revision and is fingerprinted again. */
function revision(a: Article): string {
  return `${a.origin.sha256}:${a.origin.line ?? ''}`;
}

export interface StorySync {
  /** Articles fingerprinted and grouped (new or changed). */
  added: number;
  /** Articles dropped from the index (gone). */
  removed: number;
}

/** Brings `index` to exactly these articles, touching only the ones that differ from what it holds. */
export function syncStories(index: StoryIndex, articles: readonly Article[]): StorySync {
  const wanted = new Set<string>();
  let added = 0;
  let removed = 0;
  for (const a of articles) {
    wanted.add(a.id);
    const rev = revision(a);
    if (index.revisionOf(a.id) === rev) continue;
    index.add({ id: a.id, paragraphs: a.paragraphs, publishedMs: a.publishedAt ? Date.parse(a.publishedAt) : Number.NaN, revision: rev });
    added++;
  }
  if (index.size > wanted.size) {
    for (const id of index.ids()) {
      if (wanted.has(id)) continue;
      index.remove(id);
      removed++;
    }
  }
  return { added, removed };
}

/** One story of a version: document numbers. */
export interface SnapshotStory {
  /** Document of the first-published article (its id is the story's id). */
  first: number;
  /** Every member, first-published first. */
  members: Uint32Array;
  /** The latest published date of any member (epoch ms; NaN when none is dated). */
  lastMs: number;
}

/** A version's copy of the stories: per document its story, per story its members. */
export class SnapshotStories {
  private constructor(
    /** For each live document, the document of its story's first-published article (-1 elsewhere). */
    readonly firstOf: Int32Array,
    /** Stories by the document of their first article. */
    private readonly byFirst: Map<number, SnapshotStory>,
    /** Story first-documents, newest first: by the latest member's date, undated last, then as the id order has them. */
    readonly newest: Uint32Array,
  ) {}

  /** Copies the index's stories out, over a version's document numbers. */
  static copy(index: StoryIndex, docOfId: (id: string) => number, dateMs: Float64Array, idRank: Uint32Array): SnapshotStories {
    const firstOf = new Int32Array(dateMs.length).fill(-1);
    const byFirst = new Map<number, SnapshotStory>();
    for (const s of index.stories()) {
      const members = Uint32Array.from(s.articleIds, docOfId);
      const first = members[0]!;
      let lastMs = Number.NaN;
      for (const m of members) {
        firstOf[m] = first;
        const t = dateMs[m]!;
        if (!Number.isNaN(t) && !(t <= lastMs)) lastMs = t;
      }
      byFirst.set(first, { first, members, lastMs });
    }
    return new SnapshotStories(firstOf, byFirst, newestOrder(byFirst, idRank));
  }

  /** The same stories after an index merge renumbered the documents (`remap[old]`, -1 for dropped ones). */
  remapped(remap: Int32Array | readonly number[], space: number, idRank: Uint32Array): SnapshotStories {
    const firstOf = new Int32Array(space).fill(-1);
    const byFirst = new Map<number, SnapshotStory>();
    for (const s of this.byFirst.values()) {
      const members = Uint32Array.from(s.members, (m) => remap[m]!);
      const first = members[0]!;
      for (const m of members) firstOf[m] = first;
      byFirst.set(first, { first, members, lastMs: s.lastMs });
    }
    return new SnapshotStories(firstOf, byFirst, newestOrder(byFirst, idRank));
  }

  /** The story whose first-published article is this document, else undefined. */
  at(first: number): SnapshotStory | undefined {
    return this.byFirst.get(first);
  }

  sizeOf(doc: number): number {
    return this.byFirst.get(this.firstOf[doc]!)!.members.length;
  }
}

function newestOrder(byFirst: Map<number, SnapshotStory>, idRank: Uint32Array): Uint32Array {
  return Uint32Array.from(byFirst.keys()).sort((x, y) => {
    const dx = byFirst.get(x)!.lastMs;
    const dy = byFirst.get(y)!.lastMs;
    const nx = Number.isNaN(dx);
    const ny = Number.isNaN(dy);
    if (nx !== ny) return nx ? 1 : -1;
    if (!nx && dx !== dy) return dy - dx;
    return idRank[x]! - idRank[y]!;
  });
}
