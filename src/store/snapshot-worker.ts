/**
 * Worker thread: writes a replica's snapshot file off the event loop. The articles arrive in
 * slices (so the main thread never stops for one large copy), then `write`: the worker indexes
 * them as the one segment a snapshot holds (unless the segment came with them) and writes the
 * file (writeSnapshot: a temporary file, then a rename). Answers `{ bytes }` or `{ error }`.
 *
 * A segment made here comes without the articles' digests and sorted orders; they are made here
 * too (the version a restore would make), so the replica starting from the file neither hashes
 * nor sorts 100,000 articles (about 1.3 s of a 100k start on a loaded machine).
 */
import { parentPort } from 'node:worker_threads';
import type { Article } from '../articles/schema.js';
import { Corpus } from '../corpus/index.js';
import { buildSegment, type SegmentParts } from '../search/index.js';
import { writeSnapshot } from '../snapshot/files.js';
import type { SnapshotContent } from '../snapshot/format.js';

export type SnapshotWorkerMessage =
  | { articles: Article[] }
  | { write: { file: string; content: Omit<SnapshotContent, 'articles' | 'segment'>; segment: SegmentParts | null } };

function serve(): void {
  const articles: Article[] = [];
  parentPort!.on('message', (m: SnapshotWorkerMessage) => {
    if ('articles' in m) {
      for (const a of m.articles) articles.push(a);
      return;
    }
    const { file, content, segment } = m.write;
    const parts = segment ?? (buildSegment(articles).parts as SegmentParts);
    const orders = content.orders ?? Corpus.fromSegment({ articles, problems: [], stats: content.stats }, parts, content.stories).toSegment().orders;
    void writeSnapshot(file, { ...content, articles, segment: parts, orders }).then(
      (bytes) => parentPort!.postMessage({ bytes }),
      (e: Error) => parentPort!.postMessage({ error: e.message }),
    );
  });
}

serve();
