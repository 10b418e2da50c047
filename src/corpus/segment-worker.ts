/**
 * Worker thread: builds index segments (`buildSegment`) for the main thread, so tokenising a
 * batch of articles never holds up a request. Receives `{ id, documents }` (title and
 * paragraphs only), answers `{ id, parts }` with the typed arrays transferred, not copied.
 * Given `stories` (a story index's options), it first fingerprints each document's paragraphs
 * for that index (`fingerprint`), answered as `{ id, prints }` before the segment: a replica's
 * first build groups stories from them, without fingerprinting on its own thread, while the
 * segment is built here.
 */
import { parentPort } from 'node:worker_threads';
import { paragraphsOf } from '../articles/record.js';
import { buildSegment } from '../search/index.js';
import type { SearchDocument } from '../search/index.js';
import { fingerprint, type NearDuplicateOptions } from '../search/near-duplicates.js';
import type { PackedFingerprints } from './segment-builder.js';

function fingerprints(documents: readonly SearchDocument[], options: NearDuplicateOptions): PackedFingerprints {
  const bins = options.bands * options.rows;
  const shingles = new Uint32Array(documents.length);
  const signatures = new Uint16Array(documents.length * bins);
  documents.forEach((d, k) => {
    const print = fingerprint(paragraphsOf(d), options);
    shingles[k] = print.shingles;
    signatures.set(print.signature, k * bins);
  });
  return { shingles, signatures };
}

parentPort!.on('message', (message: { id: number; documents: SearchDocument[]; stories?: NearDuplicateOptions }) => {
  try {
    // Fingerprints first, in a message of their own: the main thread groups their stories while this one indexes.
    if (message.stories) {
      const prints = fingerprints(message.documents, message.stories);
      parentPort!.postMessage({ id: message.id, prints }, [prints.shingles.buffer as ArrayBuffer, prints.signatures.buffer as ArrayBuffer]);
    }
    // this thread builds one segment after another: the stem memo carries each build's vocabulary to the next
    const parts = buildSegment(message.documents, { memoiseStems: true }).parts;
    const transfer = Object.values(parts)
      .filter((v): v is Uint8Array => ArrayBuffer.isView(v))
      .map((v) => v.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: message.id, parts }, [...new Set(transfer)]);
  } catch (e) {
    parentPort!.postMessage({ id: message.id, error: (e as Error).message });
  }
});
