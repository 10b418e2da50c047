/**
 * Snapshot files: fingerprints of a data directory (path, size, modification time of every
 * file), writing a snapshot atomically (a temporary file beside it, then a rename, so a reader
 * never sees half a snapshot) and reading one back.
 */
import { promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startModuleWorker } from '../worker-module.js';
import { articlePlace, arrayPlaces, assembleSnapshot, decodeArticles, encodeSnapshot, parseHeader, PREAMBLE_BYTES, readPreamble, SnapshotError, type FileFingerprint, type SnapshotContent } from './format.js';
import type { StartJob } from './start-worker.js';

/** Every file below `dataDir` (hidden ones and folder defaults included: they can change articles), sorted by path. */
export async function fingerprintDataDir(dataDir: string): Promise<FileFingerprint[]> {
  const out: FileFingerprint[] = [];
  async function visit(dir: string, rel: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(abs, relPath);
      else {
        const stat = await fs.stat(abs).catch(() => null);
        if (stat?.isDirectory()) await visit(abs, relPath);
        else if (stat) out.push([relPath, stat.size, stat.mtimeMs]);
      }
    }
  }
  await visit(dataDir, '');
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * {@link fingerprintDataDir} with blocking calls, for a process that serves nothing meanwhile
 * (the ingest command): several times faster on a folder of 100,000 files on a busy machine.
 */
export function fingerprintDataDirSync(dataDir: string): FileFingerprint[] {
  const out: FileFingerprint[] = [];
  const visit = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        visit(abs, relPath);
        continue;
      }
      const stat = statSync(abs, { throwIfNoEntry: false });
      if (stat?.isDirectory()) visit(abs, relPath);
      else if (stat) out.push([relPath, stat.size, stat.mtimeMs]);
    }
  };
  visit(dataDir, '');
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Runs one job of `start-worker.ts` on a new worker thread and answers its message. */
function onStartWorker<T>(job: StartJob): Promise<T> {
  const worker = startModuleWorker(import.meta.url, 'start-worker', job);
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (m: T | { error: string }) => {
      void worker.terminate();
      if (m !== null && typeof m === 'object' && 'error' in m) reject(new Error(m.error));
      else resolve(m as T);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`snapshot start worker exited (${code})`)));
  });
}

/**
 * {@link fingerprintDataDirSync} on a worker thread: the blocking walk's speed without holding up
 * the event loop, on the machine's other core while the caller works (a start decodes its
 * snapshot meanwhile). About 1 s for 100,000 files where the asynchronous walk took 4-10 s (one
 * stat at a time through the thread pool, behind the snapshot's own reads).
 */
export async function fingerprintDataDirOffThread(dataDir: string): Promise<FileFingerprint[]> {
  const m = await onStartWorker<{ paths: string; sizes: Float64Array; mtimes: Float64Array }>({ job: 'fingerprint', dataDir });
  const paths = m.paths === '' ? [] : m.paths.split('\0');
  return paths.map((p, i): FileFingerprint => [p, m.sizes[i]!, m.mtimes[i]!]);
}

/** True when both lists name the same files with the same sizes and modification times. */
export function sameFiles(a: readonly FileFingerprint[], b: readonly FileFingerprint[]): boolean {
  return a.length === b.length && a.every((f, i) => f[0] === b[i]![0] && f[1] === b[i]![1] && f[2] === b[i]![2]);
}

/** Writes the snapshot to `file` atomically: a temporary file in the same folder, then a rename. */
export async function writeSnapshot(file: string, content: SnapshotContent): Promise<number> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  let bytes = 0;
  try {
    for (const chunk of encodeSnapshot(content)) {
      await handle.write(chunk);
      bytes += chunk.length;
    }
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(temporary, { force: true });
    throw e;
  }
  await handle.close();
  await fs.rename(temporary, file);
  return bytes;
}

/**
 * Reads a snapshot file region by region: the header, the articles (decoded), then each typed
 * array straight into memory of its own (no read of the whole file, no copy out of it, and no
 * array keeps another's memory alive). The checksum is verified meanwhile on a worker thread
 * (the other core); `verified` settles when it is, rejecting with {@link SnapshotError} on a
 * mismatch: content must not be served before it resolves. Throws {@link SnapshotError} saying
 * why the file cannot be used (missing, truncated, old format, corrupt).
 */
export async function openSnapshot(file: string): Promise<{ content: SnapshotContent; verified: Promise<void> }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    throw new SnapshotError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable: ${(e as Error).message}`);
  }
  let verified: Promise<void> | undefined;
  try {
    const size = (await handle.stat()).size;
    const read = async (position: number, length: number): Promise<Uint8Array<ArrayBuffer>> => {
      if (position + length > size) throw new SnapshotError(`corrupt: a part runs past the end of the file`);
      const bytes = new Uint8Array(length);
      for (let done = 0; done < length; ) {
        const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
        if (bytesRead === 0) throw new SnapshotError('truncated while read');
        done += bytesRead;
      }
      return bytes;
    };
    const preamble = readPreamble(Buffer.from((await read(0, Math.min(PREAMBLE_BYTES, size))).buffer), size);
    verified = onStartWorker<{ ok: boolean }>({ job: 'checksum', file }).then(
      ({ ok }) => {
        if (!ok) throw new SnapshotError('checksum mismatch (corrupt)');
      },
      (e: Error) => {
        throw new SnapshotError(`unreadable: ${e.message}`);
      },
    );
    verified.catch(() => undefined); // awaited by the caller, or below when decoding fails
    const h = parseHeader(Buffer.from((await read(PREAMBLE_BYTES, preamble.headerLength)).buffer));
    const [articleOffset, articleLength] = articlePlace(h);
    const articles = decodeArticles(Buffer.from((await read(preamble.bodyStart + articleOffset, articleLength)).buffer));
    const arrays = new Map<[number, number], Uint8Array<ArrayBuffer>>();
    for (const place of arrayPlaces(h)) arrays.set(place, await read(preamble.bodyStart + place[0], place[1]));
    return { content: assembleSnapshot(h, articles, (place) => arrays.get(place)!), verified };
  } catch (e) {
    // a damaged file is named by its checksum when that is what fails
    if (verified) await verified;
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`corrupt: ${(e as Error).message}`);
  } finally {
    await handle.close();
  }
}

/** Reads a snapshot and verifies its checksum; throws {@link SnapshotError} saying why it cannot be used (missing, corrupt, truncated, old format). */
export async function readSnapshot(file: string): Promise<SnapshotContent> {
  const { content, verified } = await openSnapshot(file);
  await verified;
  return content;
}
