/**
 * Worker thread for a start from a snapshot: the work that needs no corpus runs here, on the
 * machine's other core, while the main thread decodes the snapshot. Two jobs (`workerData`):
 *
 * - `fingerprint`: the data folder's fingerprints with blocking calls
 *   ({@link fingerprintDataDirSync}, several times faster than the asynchronous walk). Answered
 *   as the paths joined by NUL (no path holds one) and the sizes and modification times as
 *   arrays transferred without copying: the main thread clones one string, not 100,000 arrays.
 * - `checksum`: the snapshot file's checksum (everything after the preamble, read in slices)
 *   compared with the one its preamble states; answered `{ ok }` or `{ error }`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { fingerprintDataDirSync } from './files.js';
import { PREAMBLE, PREAMBLE_BYTES, readPreamble, SnapshotChecksum } from './format.js';

export type StartJob = { job: 'fingerprint'; dataDir: string } | { job: 'checksum'; file: string };

function checksumMatches(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const first = Buffer.alloc(PREAMBLE_BYTES);
    readSync(fd, first, 0, PREAMBLE_BYTES, 0);
    const preamble = readPreamble(first, fstatSync(fd).size);
    const hash = new SnapshotChecksum();
    const slice = Buffer.allocUnsafe(8 << 20);
    let at = PREAMBLE;
    for (;;) {
      const n = readSync(fd, slice, 0, slice.length, at);
      if (n === 0) break;
      hash.update(slice.subarray(0, n));
      at += n;
    }
    return hash.digest().equals(preamble.checksum);
  } finally {
    closeSync(fd);
  }
}

const job = workerData as StartJob;
try {
  if (job.job === 'fingerprint') {
    const files = fingerprintDataDirSync(job.dataDir);
    const sizes = Float64Array.from(files, (f) => f[1]);
    const mtimes = Float64Array.from(files, (f) => f[2]);
    parentPort!.postMessage({ paths: files.map((f) => f[0]).join('\0'), sizes, mtimes }, [sizes.buffer, mtimes.buffer]);
  } else parentPort!.postMessage({ ok: checksumMatches(job.file) });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
}
