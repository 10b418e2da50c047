/**
 * Worker thread: builds index segments (`buildSegment`) for the main thread, so tokenising a
 * batch of articles never holds up a request. Receives `{ id, documents }` (title and
 * paragraphs only), answers `{ id, parts }` with the typed arrays transferred, not copied.
 * Given `stories` (a story index's options), it also fingerprints each document's paragraphs
 * for that index (`fingerprint`), answered as `prints`: a replica's first build groups
 * stories from them without fingerprinting on its own thread.
 */
import { parentPort } from 'node:worker_threads';
import { buildSegment } from '../search/index.js';
import type { SearchDocument } from '../search/index.js';
import { fingerprint, type NearDuplicateOptions } from '../search/near-duplicates.js';
import type { PackedFingerprints } from './segment-builder.js';

function fingerprints(documents: readonly SearchDocument[], options: NearDuplicateOptions): PackedFingerprints {
  const bins = options.bands * options.rows;
  const shingles = new Uint32Array(documents.length);
  const signatures = new Uint16Array(documents.length * bins);
  documents.forEach((d, k) => {
    const print = fingerprint(d.paragraphs, options);
    shingles[k] = print.shingles;
    signatures.set(print.signature, k * bins);
  });
  return { shingles, signatures };
}

parentPort!.on('message', (message: { id: number; documents: SearchDocument[]; stories?: NearDuplicateOptions }) => {
  try {
    const parts = buildSegment(message.documents).parts;
    const prints = message.stories ? fingerprints(message.documents, message.stories) : undefined;
    const transfer = [...Object.values(parts), ...(prints ? [prints.shingles, prints.signatures] : [])]
      .filter((v): v is Uint8Array => ArrayBuffer.isView(v))
      .map((v) => v.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: message.id, parts, prints }, [...new Set(transfer)]);
  } catch (e) {
    parentPort!.postMessage({ id: message.id, error: (e as Error).message });
  }
});
