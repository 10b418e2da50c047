/**
 * Which segments to merge next. Small segments pile up as articles arrive one batch at a time;
 * each costs a dictionary lookup per query word, so similar-sized small ones are merged into one
 * (Lucene's log-size levels: a segment's level is the order of magnitude of its live size over a
 * floor, and `mergeFactor` adjacent segments of one level become one of the next). A segment of
 * which a large share is deleted is rewritten on its own, as Lucene's TieredMergePolicy
 * reclaims deletes, once it holds at least `floorSize` documents: a smaller one waits for its
 * level's merge, which drops its deleted documents anyway. Rewriting a small segment for its
 * deletes reclaims a few slots but makes a new version of every per-document column and order
 * of the corpus (megabytes of typed arrays at 100,000 articles, which also drive V8's major GC);
 * a single changed or deleted file leaves its one-document segment wholly deleted, so that was a
 * corpus-sized merge after most single-file updates. Only adjacent segments are merged, so
 * document order is kept.
 *
 * Pure: it looks at segment shapes only; the caller runs the merge off the request path.
 */

/** What the policy sees of a segment. */
export interface SegmentShape {
  /** Documents in the segment, deleted ones included. */
  readonly size: number;
  /** Deleted documents. */
  readonly deleted: number;
}

export interface MergePolicy {
  /** Adjacent segments of one level merged at once (default 10). */
  readonly mergeFactor: number;
  /** Segments below this many live documents all count as the smallest level (default 1,000). */
  readonly floorSize: number;
  /** A segment of at least `floorSize` documents with at least this share deleted is rewritten (default 0.3). */
  readonly deletedShareToRewrite: number;
}

export const DEFAULT_MERGE_POLICY: MergePolicy = Object.freeze({ mergeFactor: 10, floorSize: 1000, deletedShareToRewrite: 0.3 });

function level(live: number, policy: MergePolicy): number {
  return Math.floor(Math.log10(Math.max(live, policy.floorSize) / policy.floorSize));
}

/** The segments `[first, end)` to merge next, or null when the index is in shape. */
export function selectMerge(segments: readonly SegmentShape[], policy: MergePolicy = DEFAULT_MERGE_POLICY): [number, number] | null {
  // reclaim deletes first: the segment with the largest deleted share above the threshold
  let worst = -1;
  let worstShare = 0;
  segments.forEach((s, i) => {
    if (s.size < policy.floorSize) return;
    const share = s.deleted / s.size;
    if (share >= policy.deletedShareToRewrite && share > worstShare) {
      worst = i;
      worstShare = share;
    }
  });
  if (worst >= 0) return [worst, worst + 1];
  // newest first: a run of mergeFactor adjacent segments on one level
  let runEnd = segments.length;
  while (runEnd > 0) {
    const runLevel = level(segments[runEnd - 1]!.size - segments[runEnd - 1]!.deleted, policy);
    let runStart = runEnd - 1;
    while (runStart > 0 && level(segments[runStart - 1]!.size - segments[runStart - 1]!.deleted, policy) === runLevel) runStart--;
    if (runEnd - runStart >= policy.mergeFactor) return [runEnd - policy.mergeFactor, runEnd];
    runEnd = runStart;
  }
  return null;
}
