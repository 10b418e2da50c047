/**
 * Stories as one corpus version sees them. The StoryIndex (search/near-duplicates.ts) is the
 * mutable, incremental part, shared by a lineage of versions: making a version syncs it with
 * that version's articles, fingerprinting only those added or changed since it last saw them
 * and dropping those gone (`syncStories`). What a version serves is then copied out into plain
 * arrays over its document numbers, so older versions keep answering from their own copies
 * while a newer one moves the index on.
 */
import { paragraphsOf } from '../articles/record.js';
import type { Article } from '../articles/schema.js';
import type { Fingerprint, StoryDocument, StoryIndex } from '../search/near-duplicates.js';
import { mergeOrder } from './orders.js';

/**
 * What identifies an article's content: a changed file gets a new revision and is fingerprinted
 * again. An article alone in its file is named by the file's hash, the record's own string (a
 * string made per article cost 84 bytes each, 8 MB at 100,000 articles); one of several in a
 * file by the hash and its line.
 */
function revision(a: Article): string {
  return a.origin.line === null ? a.origin.sha256 : `${a.origin.sha256}:${a.origin.line}`;
}

/** What the story index is told of an article (its revision given when the caller made it already). */
function storyDocument(a: Article, rev = revision(a), paragraphs: readonly string[] = paragraphsOf(a)): StoryDocument {
  return { id: a.id, paragraphs, publishedMs: a.publishedAt ? Date.parse(a.publishedAt) : Number.NaN, revision: rev };
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
  index.reserve(articles.length);
  for (const a of articles) {
    wanted.add(a.id);
    const rev = revision(a);
    if (index.revisionOf(a.id) === rev) continue;
    index.add(storyDocument(a, rev));
    added++;
  }
  if (index.size > wanted.size) removed = index.removeMany(index.ids().filter((id) => !wanted.has(id)));
  return { added, removed };
}

/**
 * Adds `articles` to `index` with their fingerprints made elsewhere (`printOf(k)` for
 * `articles[k]`: a worker thread's), under the revisions {@link syncStories} gives them, so a
 * sync with the same articles afterwards finds nothing to do.
 */
export function addFingerprinted(index: StoryIndex, articles: readonly Article[], printOf: (k: number) => Fingerprint): void {
  // Given the fingerprint, the index reads no paragraphs: none are split out of the body here.
  articles.forEach((a, k) => index.insert(storyDocument(a, revision(a), NO_PARAGRAPHS), printOf(k)));
}

const NO_PARAGRAPHS: readonly string[] = Object.freeze([]);

/**
 * Brings `index`, known to hold exactly a version's articles, to the next version's by the
 * change alone: `added` (new and changed articles) fingerprinted, `gone` (ids no longer served)
 * dropped. Returns the ids whose stories may differ.
 */
export function syncStoryChanges(index: StoryIndex, added: readonly Article[], gone: readonly string[]): StorySync & { touched: string[] } {
  index.removeMany(gone);
  for (const a of added) index.add(storyDocument(a));
  return { added: added.length, removed: gone.length, touched: [...added.map((a) => a.id), ...gone] };
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

/**
 * Stories by the document of their first article, as one version sees them: the stories a
 * version changed, over the table of the version it was made from (a story gone is `null`).
 * An update then adds a table of its few stories instead of copying every story's entry. After
 * {@link StoryTable.MAX_DEPTH} layers, the layers above the bottom table (the whole table of
 * some earlier version) are folded into one, so a lookup walks a few maps at most; the bottom
 * table itself is copied only once the changes over it reach a quarter of its size (a copy of
 * 100,000 entries blocks for 0.1-0.2 s: done every 16 updates, it was the longest block of an
 * update at 100,000 articles).
 */
class StoryTable {
  static readonly MAX_DEPTH = 16;

  private constructor(
    private readonly own: ReadonlyMap<number, SnapshotStory | null>,
    private readonly base: StoryTable | null,
    private readonly depth: number,
  ) {}

  static of(stories: ReadonlyMap<number, SnapshotStory>): StoryTable {
    return new StoryTable(stories, null, 0);
  }

  get(first: number): SnapshotStory | undefined {
    const s = this.own.get(first);
    if (s !== undefined) return s ?? undefined;
    return this.base?.get(first);
  }

  /** This table with `changes` over it (the layers folded when they get deep). */
  with(changes: ReadonlyMap<number, SnapshotStory | null>): StoryTable {
    const next = new StoryTable(changes, this, this.depth + 1);
    if (next.depth <= StoryTable.MAX_DEPTH) return next;
    let bottom: StoryTable = next;
    while (bottom.base !== null) bottom = bottom.base;
    const folded = next.changesOver(bottom);
    if (folded.size * 4 > bottom.own.size) return StoryTable.of(next.flat());
    return new StoryTable(folded, bottom, 1);
  }

  /** The entries of this table's layers above `bottom`, the upper ones winning, in one map (`null`: gone). */
  private changesOver(bottom: StoryTable): Map<number, SnapshotStory | null> {
    if (this === bottom) return new Map();
    const out = this.base!.changesOver(bottom);
    for (const [first, s] of this.own) out.set(first, s);
    return out;
  }

  /** Every story, in one map. */
  flat(): Map<number, SnapshotStory> {
    if (this.base === null) return this.own as Map<number, SnapshotStory>;
    const out = new Map(this.base.flat());
    for (const [first, s] of this.own) {
      if (s === null) out.delete(first);
      else out.set(first, s);
    }
    return out;
  }
}

/**
 * A version's copy of the stories: per document its story, per story of several articles its
 * members. A document alone in its story (most are) has no table entry, only `firstOf[d] = d`:
 * an entry (object, map slot, one-member array) cost about 250 bytes per article and version.
 */
export class SnapshotStories {
  private constructor(
    /** For each live document, the document of its story's first-published article (-1 elsewhere). */
    readonly firstOf: Int32Array,
    /** Stories of two or more articles by the document of their first article. */
    private readonly byFirst: StoryTable,
    /** Story first-documents, newest first: by the latest member's date, undated last, then as the id order has them. */
    readonly newest: Uint32Array,
    /** The story index's edit count this copy matches (see StoryIndex.edits). */
    readonly edits: number,
    /** The version's published dates (a story alone is dated by its article). */
    private readonly dateMs: Float64Array,
  ) {}

  /** Copies the index's stories out, over a version's document numbers. */
  static copy(index: StoryIndex, docOfId: (id: string) => number, dateMs: Float64Array, idRank: Uint32Array): SnapshotStories {
    const firstOf = new Int32Array(dateMs.length).fill(-1);
    const byFirst = new Map<number, SnapshotStory>();
    const firsts: number[] = [];
    for (const s of index.stories()) firsts.push(place(s.articleIds, docOfId, dateMs, firstOf, byFirst));
    const table = StoryTable.of(byFirst);
    return new SnapshotStories(firstOf, table, newestOrder(lastMsIn(table, dateMs), firsts, idRank), index.edits, dateMs);
  }

  /** Documents of the story first-published as `first` (a live story's first document). */
  private membersOf(first: number): Uint32Array | readonly number[] {
    return this.byFirst.get(first)?.members ?? [first];
  }

  /**
   * This copy moved on by a change: only the stories that held, or now hold, a touched article
   * are copied out of the index again; every other story keeps its entry (document numbers of
   * kept articles do not move in an update). `docOfId`/`oldDocOfId` find an id's document in the
   * next and in this version (-1: none); `idOf` names any document of this version.
   */
  updated(
    index: StoryIndex,
    touched: readonly string[],
    lookups: { docOfId: (id: string) => number; oldDocOfId: (id: string) => number; idOf: (doc: number) => string; oldIdRank: Uint32Array },
    dateMs: Float64Array,
    idRank: Uint32Array,
  ): SnapshotStories {
    const { docOfId, oldDocOfId, idOf } = lookups;
    const oldFirsts = new Set<number>();
    const newStories = new Set<string>();
    const oldStoryOf = (id: string) => {
      const doc = oldDocOfId(id);
      if (doc >= 0 && doc < this.firstOf.length && this.firstOf[doc]! >= 0) oldFirsts.add(this.firstOf[doc]!);
    };
    const newStoryOf = (id: string) => {
      const s = index.storyOf(id);
      if (s) newStories.add(s.id);
    };
    // Two rounds suffice: a story that changed either holds a touched article (merged by a new
    // link) or is a piece of an old story that held one (split by a removal).
    for (const id of touched) {
      oldStoryOf(id);
      newStoryOf(id);
    }
    for (const sid of [...newStories]) for (const id of index.story(sid)!.articleIds) oldStoryOf(id);
    for (const first of oldFirsts) for (const m of this.membersOf(first)) newStoryOf(idOf(m));
    const firstOf = new Int32Array(dateMs.length).fill(-1);
    firstOf.set(this.firstOf.subarray(0, Math.min(this.firstOf.length, firstOf.length)));
    // The stories this change touched, over this version's table (no copy of the others).
    const changes = new Map<number, SnapshotStory | null>();
    for (const first of oldFirsts) {
      for (const m of this.membersOf(first)) firstOf[m] = -1;
      changes.set(first, null);
    }
    const placed = new Map<number, SnapshotStory>();
    const added: number[] = [];
    for (const sid of newStories) added.push(place(index.story(sid)!.articleIds, docOfId, dateMs, firstOf, placed));
    for (const [first, story] of placed) changes.set(first, story);
    const byFirst = this.byFirst.with(changes);
    // The kept stories stay in order (their dates and the id order among them are unchanged): the
    // old ones leave at the places a binary search finds them, the new ones go in the same way.
    const oldCompare = newestComparator(lastMsIn(this.byFirst, this.dateMs), lookups.oldIdRank);
    const cuts = Uint32Array.from(oldFirsts, (f) => firstNotBefore(this.newest, f, oldCompare)).sort();
    const compare = newestComparator(lastMsIn(byFirst, dateMs), idRank);
    const newest = mergeOrder(this.newest, cuts, Uint32Array.from(added).sort(compare), compare);
    return new SnapshotStories(firstOf, byFirst, newest, index.edits, dateMs);
  }

  /**
   * The same stories after an index merge renumbered the documents (`remap[old]`, -1 for dropped
   * ones); documents below `from` keep their numbers. Only the stories with a member from `from`
   * on are renumbered (found through `firstOf`, no walk of every story), layered over the table.
   */
  remapped(remap: Int32Array | readonly number[], dateMs: Float64Array, from = 0): SnapshotStories {
    const firstOf = new Int32Array(dateMs.length).fill(-1);
    firstOf.set(this.firstOf.subarray(0, Math.min(from, dateMs.length)));
    const moved = new Set<number>();
    for (let old = from; old < this.firstOf.length; old++) if (this.firstOf[old]! >= 0) moved.add(this.firstOf[old]!);
    const renumbered: SnapshotStory[] = [];
    const gone: number[] = [];
    for (const old of moved) {
      const s = this.byFirst.get(old);
      if (s === undefined) {
        // a document alone in its story (no table entry) takes its new number
        firstOf[remap[old]!] = remap[old]!;
        continue;
      }
      const members = Uint32Array.from(s.members, (m) => remap[m]!);
      const first = members[0]!;
      for (const m of members) firstOf[m] = first;
      gone.push(old);
      renumbered.push({ first, members, lastMs: s.lastMs });
    }
    // Every old number out before any new one goes in (a new number may be another story's old one).
    const changes = new Map<number, SnapshotStory | null>();
    for (const first of gone) changes.set(first, null);
    for (const story of renumbered) changes.set(story.first, story);
    // Renumbering keeps the order: every story's dates, and the id order among its articles, are unchanged.
    const newest = this.newest.slice();
    for (let k = 0; k < newest.length; k++) if (newest[k]! >= from) newest[k] = remap[newest[k]!]!;
    return new SnapshotStories(firstOf, this.byFirst.with(changes), newest, this.edits, dateMs);
  }

  /** The story whose first-published article is this document, else undefined. */
  at(first: number): SnapshotStory | undefined {
    if (!(first >= 0 && first < this.firstOf.length && this.firstOf[first] === first)) return undefined;
    return this.byFirst.get(first) ?? { first, members: Uint32Array.of(first), lastMs: this.dateMs[first]! };
  }

  /** Articles in the story of live document `doc`. */
  sizeOf(doc: number): number {
    return this.byFirst.get(this.firstOf[doc]!)?.members.length ?? 1;
  }
}

/** The latest published date of the story first-published as `first`, from a table of stories of several articles (one alone: its article's date). */
function lastMsIn(byFirst: Pick<StoryTable, 'get'>, dateMs: Float64Array): (first: number) => number {
  return (first) => byFirst.get(first)?.lastMs ?? dateMs[first]!;
}

/** Puts one story (its article ids, first-published first) into a copy's tables (one of a single article: `firstOf` alone); returns its first document. */
function place(articleIds: readonly string[], docOfId: (id: string) => number, dateMs: Float64Array, firstOf: Int32Array, byFirst: Map<number, SnapshotStory>): number {
  if (articleIds.length === 1) {
    const doc = docOfId(articleIds[0]!);
    firstOf[doc] = doc;
    return doc;
  }
  const members = Uint32Array.from(articleIds, docOfId);
  const first = members[0]!;
  let lastMs = Number.NaN;
  for (const m of members) {
    firstOf[m] = first;
    const t = dateMs[m]!;
    if (!Number.isNaN(t) && !(t <= lastMs)) lastMs = t;
  }
  byFirst.set(first, { first, members, lastMs });
  return first;
}

/** First position in `order` (sorted by `compare`) whose story does not sort before `story`. */
function firstNotBefore(order: Uint32Array, story: number, compare: (x: number, y: number) => number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(order[mid]!, story) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function newestOrder(lastMs: (first: number) => number, firsts: readonly number[], idRank: Uint32Array): Uint32Array {
  return Uint32Array.from(firsts).sort(newestComparator(lastMs, idRank));
}

function newestComparator(lastMs: (first: number) => number, idRank: Uint32Array): (x: number, y: number) => number {
  return (x, y) => {
    const dx = lastMs(x);
    const dy = lastMs(y);
    const nx = Number.isNaN(dx);
    const ny = Number.isNaN(dy);
    if (nx !== ny) return nx ? 1 : -1;
    if (!nx && dx !== dy) return dy - dx;
    return idRank[x]! - idRank[y]!;
  };
}
