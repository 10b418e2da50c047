/**
 * Worker thread: builds index segments (`buildSegment`) for the main thread, so tokenising a
 * batch of articles never holds up a request. Receives `{ id, documents }` (title and
 * paragraphs only), answers `{ id, parts }` with the typed arrays transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { buildSegment } from '../search/index.js';
import type { SearchDocument } from '../search/index.js';

parentPort!.on('message', (message: { id: number; documents: SearchDocument[] }) => {
  try {
    const parts = buildSegment(message.documents).parts;
    const transfer = Object.values(parts)
      .filter((v): v is Uint8Array => ArrayBuffer.isView(v))
      .map((v) => v.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: message.id, parts }, [...new Set(transfer)]);
  } catch (e) {
    parentPort!.postMessage({ id: message.id, error: (e as Error).message });
  }
});
