/**
 * The snapshot file format: a corpus and its search index in one file, so a replica starts
 * without parsing or indexing. Pure (bytes in, bytes out); the file I/O is in `files.ts`.
 *
 * ```
 * 0   8 bytes  magic "NEWSSNAP"
 * 8   u32 LE   format version ({@link SNAPSHOT_FORMAT}; a snapshot of another version is refused)
 * 12  32 bytes checksum of everything from byte 52 on: its CRC-32 (u32 LE), then zeros
 * 44  f64 LE   length of everything from byte 52 on (a truncated file is refused)
 * 52  u32 LE   length of the header JSON, then the header JSON (UTF-8): data directory, file
 *              fingerprints, load problems and stats, the index's vocabulary and stems, the
 *              story index's article ids and revisions, and where each typed array, the
 *              articles and the stored parses are in the body
 *     body     the articles as NDJSON, then each typed array's bytes (little-endian, 8-aligned):
 *              the segment's, then the story index's (signatures, links, per-article columns),
 *              then its LSH bucket table's (key tags, chain heads' low and high bytes, chain entries), the orders', and
 *              last each file's parse as JSON (the parse cache, so a start that finds some files
 *              changed parses only those: read as bytes at start, decoded when first asked for)
 * ```
 *
 * Bump {@link SNAPSHOT_FORMAT} whenever the article schema, the tokeniser or the segment layout
 * changes: an old snapshot would otherwise index text differently from a fresh build.
 */
import { crc32 } from 'node:zlib';
import type { Article } from '../articles/schema.js';
import type { KnownOrders } from '../corpus/corpus.js';
import { RecordSharing } from '../loader/finish.js';
import type { LoadProblem, LoadStats, StoredParse } from '../loader/index.js';
import type { SegmentParts } from '../search/segment.js';
import type { BucketTableParts } from '../search/lsh-buckets.js';
import type { StoryIndexDump } from '../search/near-duplicates.js';

/**
 * 2: the segment's resume points (highlighting); 3: the story index (signatures and links) and
 * the parse cache, so neither is made again at start; 4: the story index's LSH bucket table;
 * 5: the parse cache packed (`PackedParses`), the articles' digests and sorted orders, a CRC-32
 * checksum instead of sha256 (see {@link SnapshotChecksum}); 6: the stored parses out of the
 * header into a region of their own, decoded on first use (half the header's JSON at 100,000
 * files, 0.35-0.5 s of a start); 7: the bucket table keeps a one-byte tag of each key instead of
 * the key (the story index makes a key again from the slot's signature: 34 MB less heap at
 * 100,000 articles), signatures of 16-bit bins, and an article alone in its file has its file's
 * hash as its story revision (no `:` after it); 8: stem groups numbered in stem order (the header's
 * `stems` sorted, the segment keeps them as that array instead of a Map); 9: a posting keeps the
 * low 16 bits of its document number (`postingDocs` a Uint16Array, `postingChunkStart` where each
 * word's postings of a later 65,536 documents start), and a one-byte code of its frequencies (`frequencyValues`, the rest in
 * `frequencyOtherAt`/`frequencyOtherValue`) that also tells its count of positions (stored only when it cannot);
 * 10: a record holds its paragraphs as `lead` and `body`, the later ones joined by line breaks (articles/record.ts);
 * 11: the bucket table's heads in 3 bytes (`headLow`, `headHigh`), and a story index's bucket keys carry
 * their band (`key % bands`), so a head keeps a slot, not `slot × bands + band` (search/lsh-buckets.ts).
 */
export const SNAPSHOT_FORMAT = 11;
const MAGIC = Buffer.from('NEWSSNAP', 'latin1');
/** The checksum covers everything from this byte on. */
export const PREAMBLE = 52;

/** One file of the data directory as it was when the snapshot was made. */
export type FileFingerprint = readonly [path: string, size: number, mtimeMs: number];

/** What a snapshot holds. */
export interface SnapshotContent {
  /** Absolute data directory the snapshot was made from. */
  dataDir: string;
  createdAt: string;
  files: FileFingerprint[];
  articles: Article[];
  problems: LoadProblem[];
  stats: LoadStats;
  /** The one segment indexing `articles` (document i = articles[i]). */
  segment: SegmentParts;
  /** The near-duplicate index over `articles`. */
  stories: StoryIndexDump;
  /**
   * Each file's parse (see ParseCache.toStored): a start that finds files changed parses only
   * those. Read from a file, decoded when first read (a getter), since a start that finds the
   * folder unchanged needs it only at its first reload.
   */
  parses?: StoredParse[];
  /** The articles' digests and sorted orders (see Corpus.toSnapshotParts): a restore neither hashes nor sorts. */
  orders?: KnownOrders;
  /**
   * Set when a replica of the PostgreSQL store wrote the snapshot: which store (its identity row)
   * and the last change number the articles include, so the replica catches up from there.
   */
  store?: { id: string; change: number };
}

/**
 * The snapshot's checksum, fed in slices: a CRC-32, which finds a damaged, truncated or
 * overwritten file as surely as the sha256 it replaces did (nothing here is kept from someone
 * who could rewrite the file anyway) in under half the time (0.5 s against 1.1-1.4 s for
 * 750 MB), time a start spends on the machine's other core.
 */
export class SnapshotChecksum {
  private value = 0;
  update(bytes: Uint8Array): this {
    // zlib reads a view of no bytes over an empty buffer as a null pointer and answers its initial value, 0
    if (bytes.byteLength > 0) this.value = crc32(bytes, this.value);
    return this;
  }
  /** The 32 bytes of the preamble's checksum field. */
  digest(): Buffer {
    const out = Buffer.alloc(32);
    out.writeUInt32LE(this.value >>> 0, 0);
    return out;
  }
}

/** Why a snapshot cannot be used. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

const ARRAYS = [
  ['stemGroupStart', Uint32Array],
  ['stemGroupWords', Uint32Array],
  ['postingStart', Uint32Array],
  ['postingDocs', Uint16Array],
  ['postingChunkStart', Uint32Array],
  ['postingFrequencies', Uint8Array],
  ['frequencyValues', Uint16Array],
  ['frequencyOtherAt', Uint32Array],
  ['frequencyOtherValue', Uint16Array],
  ['positionBlockStart', Uint32Array],
  ['positionBlockOffset', Uint32Array],
  ['positionBytes', Uint8Array],
  ['fieldBoundaries', Uint32Array],
  ['paragraphOffset', Uint32Array],
  ['paragraphStart', Uint32Array],
  ['fieldLengths', Uint32Array],
  ['resumePointStart', Uint32Array],
  ['resumePointBytes', Uint8Array],
] as const;

type ArrayName = (typeof ARRAYS)[number][0];

const STORY_ARRAYS = [
  ['publishedMs', Float64Array],
  ['slots', Int32Array],
  ['shingles', Uint32Array],
  ['links', Uint32Array],
  ['signatures', Uint16Array],
] as const;

const BUCKET_ARRAYS = [
  ['tags', Uint8Array],
  ['headLow', Uint16Array],
  ['headHigh', Int8Array],
  ['entryValue', Int32Array],
  ['entryNext', Int32Array],
] as const;

type BucketArrayName = (typeof BUCKET_ARRAYS)[number][0];

type StoryArrayName = (typeof STORY_ARRAYS)[number][0];

const ORDER_ARRAYS = [
  ['digest', Uint32Array],
  ['byId', Uint32Array],
  ['newest', Uint32Array],
  ['oldest', Uint32Array],
] as const;

type OrderArrayName = (typeof ORDER_ARRAYS)[number][0];

interface Header {
  dataDir: string;
  createdAt: string;
  files: FileFingerprint[];
  problems: LoadProblem[];
  stats: LoadStats;
  store?: { id: string; change: number };
  words: string[];
  /** Stem of each group, in group order (sorted: format 8). */
  stems: string[];
  articles: [offset: number, length: number];
  arrays: Record<ArrayName, [offset: number, length: number]>;
  stories: {
    ids: string[];
    revisions: Array<string | null>;
    arrays: Record<StoryArrayName, [offset: number, length: number]>;
    buckets?: { used: number; freeEntry: number; arrays: Record<BucketArrayName, [offset: number, length: number]> };
  };
  /** Where the stored parses' JSON ({@link PackedParses}) is. */
  parses?: [offset: number, length: number];
  orders?: Record<OrderArrayName, [offset: number, length: number]>;
}

/**
 * The parse cache as the header stores it: 800 bytes a file as plain objects (the folder
 * defaults, the same long string for every file of a folder, repeated in each), about a quarter
 * of that packed, and a quarter of the time to parse at start. Each file is a tuple; its
 * folder defaults an index into `defaults`; an article of a one-article file whose key is the
 * file's path and whose own id is the served one (nearly all) is just the served id, with a
 * leading `*` when its language was detected (ids never hold `*`).
 */
interface PackedParses {
  defaults: string[];
  files: Array<
    [
      path: string,
      sha256: string,
      size: number,
      mtimeMs: number,
      defaults: number,
      chromeLines: number,
      duplicateLines: number,
      entries: Array<string | StoredParse['entries'][number]>,
      problems?: StoredParse['problems'],
      omitted?: StoredParse['omitted'] | null,
    ]
  >;
}

function packParses(parses: readonly StoredParse[]): PackedParses {
  const defaults: string[] = [];
  const defaultsIndex = new Map<string, number>();
  const files = parses.map((f): PackedParses['files'][number] => {
    let d = defaultsIndex.get(f.defaultsKey);
    if (d === undefined) defaultsIndex.set(f.defaultsKey, (d = defaults.push(f.defaultsKey) - 1));
    const entries = f.entries.map((e) => (e.key === f.path && e.id === e.served ? `${e.languageDetected ? '*' : ''}${e.served}` : e));
    const tuple: PackedParses['files'][number] = [f.path, f.sha256, f.size, f.mtimeMs, d, f.chromeLines, f.duplicateLines, entries];
    if (f.problems.length > 0 || f.omitted) tuple.push(f.problems, f.omitted ?? null);
    return tuple;
  });
  return { defaults, files };
}

function unpackParses(packed: PackedParses): StoredParse[] {
  return packed.files.map(([path, sha256, size, mtimeMs, d, chromeLines, duplicateLines, entries, problems, omitted]) => ({
    path,
    sha256,
    size,
    mtimeMs,
    defaultsKey: packed.defaults[d]!,
    problems: problems ?? [],
    ...(omitted ? { omitted } : {}),
    chromeLines,
    duplicateLines,
    entries: entries.map((e) => {
      if (typeof e !== 'string') return e;
      const detected = e.startsWith('*');
      const served = detected ? e.slice(1) : e;
      return { key: path, id: served, served, languageDetected: detected };
    }),
  }));
}

function checkEndianness(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new SnapshotError('snapshots need a little-endian machine');
}

/** The snapshot's bytes, as chunks to write in order. */
export function encodeSnapshot(content: SnapshotContent): Buffer[] {
  checkEndianness();
  const body: Buffer[] = [];
  let at = 0;
  const push = (b: Buffer): [number, number] => {
    const place: [number, number] = [at, b.length];
    body.push(b);
    at += b.length;
    const pad = (8 - (at % 8)) % 8;
    if (pad > 0) {
      body.push(Buffer.alloc(pad));
      at += pad;
    }
    return place;
  };
  const articleStart = at;
  for (const a of content.articles) {
    const line = Buffer.from(`${JSON.stringify(a)}\n`, 'utf8');
    body.push(line);
    at += line.length;
  }
  const articles: [number, number] = [articleStart, at - articleStart];
  const pad = (8 - (at % 8)) % 8;
  if (pad > 0) {
    body.push(Buffer.alloc(pad));
    at += pad;
  }
  const arrays = {} as Record<ArrayName, [number, number]>;
  for (const [name] of ARRAYS) {
    const array = content.segment[name];
    arrays[name] = push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  }
  const storyArrays = {} as Record<StoryArrayName, [number, number]>;
  for (const [name] of STORY_ARRAYS) {
    const array = content.stories[name];
    storyArrays[name] = push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  }
  const buckets = content.stories.buckets;
  let bucketArrays: Record<BucketArrayName, [number, number]> | undefined;
  if (buckets) {
    bucketArrays = {} as Record<BucketArrayName, [number, number]>;
    for (const [name] of BUCKET_ARRAYS) {
      const array = buckets[name];
      bucketArrays[name] = push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    }
  }
  let orderArrays: Record<OrderArrayName, [number, number]> | undefined;
  if (content.orders) {
    orderArrays = {} as Record<OrderArrayName, [number, number]>;
    for (const [name] of ORDER_ARRAYS) {
      const array = content.orders[name];
      orderArrays[name] = push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    }
  }
  const parses = content.parses ? push(Buffer.from(JSON.stringify(packParses(content.parses)), 'utf8')) : undefined;
  const header: Header = {
    dataDir: content.dataDir,
    createdAt: content.createdAt,
    files: content.files,
    problems: content.problems,
    stats: content.stats,
    ...(content.store ? { store: content.store } : {}),
    words: content.segment.words,
    stems: content.segment.stems,
    articles,
    arrays,
    stories: {
      ids: content.stories.ids,
      revisions: content.stories.revisions,
      arrays: storyArrays,
      ...(buckets && bucketArrays ? { buckets: { used: buckets.used, freeEntry: buckets.freeEntry, arrays: bucketArrays } } : {}),
    },
    ...(parses ? { parses } : {}),
    ...(orderArrays ? { orders: orderArrays } : {}),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(headerBytes.length);
  // the body starts 8-aligned in the file so typed arrays can be viewed in place
  const headerPad = Buffer.alloc((8 - ((PREAMBLE + 4 + headerBytes.length) % 8)) % 8);
  const rest = [headerLength, headerBytes, headerPad, ...body];
  const hash = new SnapshotChecksum();
  let restLength = 0;
  for (const b of rest) {
    hash.update(b);
    restLength += b.length;
  }
  const preamble = Buffer.alloc(PREAMBLE);
  MAGIC.copy(preamble, 0);
  preamble.writeUInt32LE(SNAPSHOT_FORMAT, 8);
  hash.digest().copy(preamble, 12);
  preamble.writeDoubleLE(restLength, 44);
  return [preamble, ...rest];
}

/** What the first bytes of a snapshot say (see the layout above). */
export interface SnapshotPreamble {
  /** Length of everything from byte {@link PREAMBLE} on. */
  restLength: number;
  headerLength: number;
  /** Where the body starts in the file (8-aligned). */
  bodyStart: number;
  /** The checksum of everything from byte {@link PREAMBLE} on ({@link SnapshotChecksum}). */
  checksum: Buffer;
}

/** Bytes to read first: the preamble and the header's length. */
export const PREAMBLE_BYTES = PREAMBLE + 4;

/**
 * The preamble of a snapshot file of `fileLength` bytes (its first {@link PREAMBLE_BYTES} bytes);
 * throws {@link SnapshotError} for another file, another format, a truncated or an overlong one.
 */
export function readPreamble(first: Buffer, fileLength: number): SnapshotPreamble {
  checkEndianness();
  if (first.length < PREAMBLE_BYTES || fileLength < PREAMBLE_BYTES || !first.subarray(0, 8).equals(MAGIC)) throw new SnapshotError('not a snapshot file');
  const format = first.readUInt32LE(8);
  if (format !== SNAPSHOT_FORMAT) throw new SnapshotError(`format ${format}, this server reads format ${SNAPSHOT_FORMAT}`);
  const restLength = first.readDoubleLE(44);
  if (fileLength - PREAMBLE < restLength) throw new SnapshotError(`truncated: ${fileLength - PREAMBLE} of ${restLength} bytes`);
  if (fileLength - PREAMBLE > restLength) throw new SnapshotError('trailing bytes after the snapshot');
  const headerLength = first.readUInt32LE(PREAMBLE);
  const bodyStart = PREAMBLE + 4 + headerLength + ((8 - ((PREAMBLE + 4 + headerLength) % 8)) % 8);
  if (bodyStart > fileLength) throw new SnapshotError('corrupt: the header runs past the end of the file');
  return { restLength, headerLength, bodyStart, checksum: Buffer.from(first.subarray(12, 44)) };
}

/** A snapshot's header and its body, read separately (see {@link readSnapshotParts}). */
export interface SnapshotHeader {
  readonly header: Header;
}

/** The header's JSON bytes (file bytes `[PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)`) as a header. */
export function parseHeader(bytes: Buffer): SnapshotHeader {
  return { header: JSON.parse(bytes.toString('utf8')) as Header };
}

/** Where the articles' NDJSON is, relative to the body. */
export function articlePlace(h: SnapshotHeader): [offset: number, length: number] {
  return h.header.articles;
}

/** Every typed array's place relative to the body (and the stored parses'), so a reader can fetch each into memory of its own. */
export function arrayPlaces(h: SnapshotHeader): Array<[offset: number, length: number]> {
  const { header } = h;
  const places = [...ARRAYS.map(([name]) => header.arrays[name]), ...STORY_ARRAYS.map(([name]) => header.stories.arrays[name])];
  if (header.stories.buckets) places.push(...BUCKET_ARRAYS.map(([name]) => header.stories.buckets!.arrays[name]));
  if (header.orders) places.push(...ORDER_ARRAYS.map(([name]) => header.orders![name]));
  if (header.parses) places.push(header.parses);
  return places;
}

/**
 * The articles of the NDJSON region, sharing what a load's records share (one empty array, one
 * object per source, one string per category: {@link RecordSharing}), as the loader makes it:
 * restored records take no more memory than loaded ones.
 */
export function decodeArticles(text: Buffer): Article[] {
  const articles: Article[] = [];
  const sharing = new RecordSharing();
  let lineStart = 0;
  for (;;) {
    const end = text.indexOf(0x0a, lineStart);
    if (end < 0) break;
    const a = JSON.parse(text.toString('utf8', lineStart, end)) as Article;
    articles.push(sharing.share(a));
    lineStart = end + 1;
  }
  return articles;
}

/**
 * The snapshot's content from its header, its articles and a source of each typed array's
 * bytes (`bytesAt(place)`: a buffer of that place's length, kept by the array made over it, so
 * it must not be shared with anything else).
 */
export function assembleSnapshot(h: SnapshotHeader, articles: Article[], bytesAt: (place: [number, number]) => Uint8Array<ArrayBuffer>): SnapshotContent {
  const { header } = h;
  const view = (Type: { new (buffer: ArrayBuffer, offset: number, length: number): ArrayBufferView; BYTES_PER_ELEMENT: number }, place: [number, number]): never => {
    const bytes = bytesAt(place);
    const per = Type.BYTES_PER_ELEMENT;
    if (bytes.byteOffset % per !== 0 || bytes.byteLength % per !== 0) throw new SnapshotError('corrupt: a typed array is misaligned');
    return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / per) as never;
  };
  const arrays = {} as Record<ArrayName, Uint8Array | Uint16Array | Uint32Array>;
  for (const [name, Type] of ARRAYS) arrays[name] = view(Type, header.arrays[name]);
  const storyArrays = {} as Record<StoryArrayName, Float64Array | Int32Array | Uint32Array | Uint16Array>;
  for (const [name, Type] of STORY_ARRAYS) storyArrays[name] = view(Type, header.stories.arrays[name]);
  const storedBuckets = header.stories.buckets;
  let buckets: BucketTableParts | undefined;
  if (storedBuckets) {
    const bucketArrays = {} as Pick<BucketTableParts, BucketArrayName>;
    for (const [name, Type] of BUCKET_ARRAYS) bucketArrays[name] = view(Type, storedBuckets.arrays[name]);
    buckets = { ...bucketArrays, used: storedBuckets.used, freeEntry: storedBuckets.freeEntry };
  }
  let orders: KnownOrders | undefined;
  if (header.orders) {
    orders = {} as KnownOrders;
    for (const [name, Type] of ORDER_ARRAYS) orders[name] = view(Type, header.orders[name]);
  }
  const content: SnapshotContent = {
    dataDir: header.dataDir,
    createdAt: header.createdAt,
    files: header.files,
    articles,
    problems: header.problems,
    stats: header.stats,
    ...(header.store ? { store: header.store } : {}),
    segment: { ...(arrays as unknown as Omit<SegmentParts, 'words' | 'stems'>), words: header.words, stems: header.stems },
    stories: {
      ...(storyArrays as unknown as Pick<StoryIndexDump, StoryArrayName>),
      ids: header.stories.ids,
      revisions: header.stories.revisions,
      ...(buckets ? { buckets } : {}),
    },
    ...(orders ? { orders } : {}),
  };
  if (header.parses) {
    const bytes = bytesAt(header.parses);
    let parses: StoredParse[] | undefined;
    // Decoded when first read: a start from an unchanged folder needs them only at its first reload.
    Object.defineProperty(content, 'parses', {
      enumerable: true,
      get: () => {
        try {
          return (parses ??= unpackParses(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as PackedParses));
        } catch (e) {
          throw new SnapshotError(`corrupt: the stored parses do not decode (${(e as Error).message})`);
        }
      },
    });
  }
  return content;
}

/**
 * A way to read `content.parses` later that keeps nothing else of `content` alive (the decoded
 * parses when asked for, else undefined): a start hands it to the parse cache to call at the
 * first reload, and the rest of the content (its story dump, its fingerprints) can go meanwhile.
 */
export function storedParsesOf(content: SnapshotContent): () => StoredParse[] | undefined {
  const decode = Object.getOwnPropertyDescriptor(content, 'parses')?.get;
  if (decode) return decode as () => StoredParse[];
  const parses = content.parses;
  return () => parses;
}

/**
 * The content of a snapshot file's bytes, all in memory; throws {@link SnapshotError} saying why
 * it is unusable. (The server reads a file region by region instead: `files.ts`.)
 */
export function decodeSnapshot(bytes: Buffer): SnapshotContent {
  const preamble = readPreamble(bytes, bytes.length);
  if (!new SnapshotChecksum().update(bytes.subarray(PREAMBLE)).digest().equals(preamble.checksum)) throw new SnapshotError('checksum mismatch (corrupt)');
  const h = parseHeader(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + preamble.headerLength));
  const body = bytes.subarray(preamble.bodyStart);
  const [articleOffset, articleLength] = articlePlace(h);
  const articles = decodeArticles(body.subarray(articleOffset, articleOffset + articleLength));
  // copied out, so the file's buffer is not kept alive by the index
  return assembleSnapshot(h, articles, ([offset, length]) => Uint8Array.prototype.slice.call(body, offset, offset + length) as Uint8Array<ArrayBuffer>);
}
