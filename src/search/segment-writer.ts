/**
 * Builds a {@link Segment} from a batch of documents in two passes: a document-ordered stream
 * of postings (tokenise each document once, group its positions by word), then an inversion
 * into word-major arrays in sorted word order. Memory is proportional to the batch, so adding
 * one article costs one article's work.
 */
import { paragraphsOf } from '../articles/record.js';
import type { SearchDocument } from './options.js';
import { countOfFrequencies, docChunks, DOC_CHUNK, OTHER_FREQUENCIES, packFrequencies, POSITION_BLOCK, RESUME_EVERY, Segment, STOP_PREFIX } from './segment.js';
import { analyzerFor, scanTokens, WordCache, type Analyzer, type ResumePointSink } from './tokenize.js';

/** A growable Uint32 array. */
class GrowableUint32 {
  array: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.array = new Uint32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.array.length) {
      const bigger = new Uint32Array(this.array.length * 2);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = value;
  }
}

/** A growable byte array written as LEB128 varints. */
class GrowableBytes {
  array: Uint8Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.array = new Uint8Array(capacity);
  }
  ensure(extra: number): void {
    if (this.length + extra > this.array.length) {
      let capacity = this.array.length * 2;
      while (capacity < this.length + extra) capacity *= 2;
      const bigger = new Uint8Array(capacity);
      bigger.set(this.array.subarray(0, this.length));
      this.array = bigger;
    }
  }
  varint(value: number): void {
    const array = this.array;
    while (value >= 0x80) {
      array[this.length++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    array[this.length++] = value;
  }
}

function growInt32(array: Int32Array<ArrayBuffer>, need: number, fill = 0): Int32Array<ArrayBuffer> {
  if (need <= array.length) return array;
  let capacity = array.length * 2;
  while (capacity < need) capacity *= 2;
  const bigger = new Int32Array(capacity);
  if (fill !== 0) bigger.fill(fill, array.length);
  bigger.set(array);
  return bigger;
}

/** Numbers a word's record holds in {@link buildSegment} (four: a quarter of a cache line), and their places. */
const WORD_RECORD = 4;
const SLOT_MARK = 0;
const LANGUAGES = 1;
const DOCUMENT_FREQUENCY = 2;
const POSITION_BYTES = 3;

/** How a build stems its vocabulary. */
export interface SegmentBuildOptions {
  /**
   * Stem through the analyzer's memo (`stem`) instead of `stemOnce`: for a worker thread that
   * builds segment after segment (a replica's pages, every update's batch), where most of a
   * build's vocabulary was stemmed by the builds before it (80,000 words at 100,000 synthetic
   * articles: about 80 ms to stem again, 4 ms from the memo). The request thread builds without
   * it, so its memo holds only what queries and highlighting stem (bench/RESULTS.md, heap, session 8).
   */
  memoiseStems?: boolean;
}

/** Index `documents`; `documents[i]` becomes the segment's document `i`. The array is kept by reference. */
export function buildSegment(documents: readonly SearchDocument[], options: SegmentBuildOptions = {}): Segment {
  const memoiseStems = options.memoiseStems === true;
  const documentCount = documents.length;
  // word (or stop word) → number in order of first appearance; vocabulary[number] = stored key
  const wordNumberOf = new Map<string, number>();
  const stopWordNumberOf = new Map<string, number>(); // the prefixed key is built once per distinct stop word
  const vocabulary: string[] = [];
  // Per word number, one record of WORD_RECORD numbers side by side (a token touches one cache line, not five arrays):
  // SLOT_MARK: 1 + the word's posting number in the stream when met last (so in the current document when
  // at least documentSlotBase, its local slot being the difference; 0: never), LANGUAGES: bit i set when a
  // document of analyzers[i]'s language holds it (its stems are grouped per language), DOCUMENT_FREQUENCY:
  // documents containing it, POSITION_BYTES: bytes of its position lists.
  let wordRecords = new Int32Array(WORD_RECORD * 4096);
  let documentSlotBase = 1;
  const analyzers: Analyzer[] = [];
  const languageIndex = new Map<string, number>();
  let languageBit = 0;

  // the document-ordered stream of postings
  const streamWord = new GrowableUint32(1 << 16);
  const streamFrequencies = new GrowableUint32(1 << 16);
  const streamPositionBytes = new GrowableUint32(1 << 16);
  const streamPositions = new GrowableBytes(1 << 18);
  const documentPostingStart = new Uint32Array(documentCount + 1);
  const fieldBoundaries = new Uint32Array(2 * documentCount);
  const paragraphOffset = new Uint32Array(documentCount + 1);
  const paragraphStarts = new GrowableUint32(Math.max(16, 4 * documentCount));
  const fieldLengths = new Uint32Array(3 * documentCount);
  // where highlighting may resume scanning a text (see Segment.resumePoints): per document, a
  // varint pair per point, (position delta × 2 + "first point of its text", offset or offset delta)
  const resumePointStart = new Uint32Array(documentCount + 1);
  const resumeBytes = new GrowableBytes(1 << 14);
  let lastPointPosition = 0;
  let lastPointOffset = 0;
  let newText = true;
  const resumePoints: ResumePointSink = {
    every: RESUME_EVERY,
    add(offset, position) {
      resumeBytes.ensure(10);
      resumeBytes.varint((position - lastPointPosition) * 2 + (newText ? 1 : 0));
      resumeBytes.varint(newText ? offset : offset - lastPointOffset);
      lastPointPosition = position;
      lastPointOffset = offset;
      newText = false;
    },
  };

  // per-document scratch: distinct words ("local slots"), their per-field counts, and every token
  let localWord = new Int32Array(1024);
  let localFieldCounts = new Int32Array(3 * 1024);
  let tokenLocalSlot = new Int32Array(4096);
  let tokenPosition = new Int32Array(4096);
  let localCount = 0;
  let tokenCount = 0;
  let indexedTokenCount = 0;
  let currentField = 0;
  let groupEnds = new Int32Array(1024);
  let positionsByWord = new Int32Array(4096);

  // the batch's words, so a word met again is not cut, folded or looked up again: its number by its cache entry
  const wordCache = new WordCache();
  let numberOfKnown = new Int32Array(4096).fill(-1);

  const sink = (_term: string, _start: number, _end: number, position: number, stop: boolean, _compound: boolean, word: string, known?: number): void => {
    const numbers = stop ? stopWordNumberOf : wordNumberOf;
    if (!stop) indexedTokenCount++;
    let number = known !== undefined && known < numberOfKnown.length ? numberOfKnown[known]! : -1;
    if (number < 0) {
      // While the batch has one language, the cache has one table: a word it numbers always comes with its number
      // (tests/search/tokenize.test.ts), so it is new exactly when its entry is, and only words without a number
      // are looked up by string. Another language's table numbers the same words again: then every word is.
      const byString = known === undefined || analyzers.length > 1;
      let found = byString ? numbers.get(word) : undefined;
      if (found === undefined) {
        found = vocabulary.length;
        vocabulary.push(stop ? STOP_PREFIX + word : word);
        if (byString) numbers.set(word, found);
        wordRecords = growInt32(wordRecords, WORD_RECORD * (found + 1));
      }
      number = found;
      if (known !== undefined) {
        numberOfKnown = growInt32(numberOfKnown, known + 1, -1);
        numberOfKnown[known] = number;
      }
    }
    const record = WORD_RECORD * number;
    wordRecords[record + LANGUAGES]! |= languageBit;
    let slot = wordRecords[record + SLOT_MARK]! - documentSlotBase;
    if (slot < 0) {
      slot = localCount++;
      wordRecords[record + SLOT_MARK] = documentSlotBase + slot;
      if (slot >= localWord.length) {
        localWord = growInt32(localWord, slot + 1);
        localFieldCounts = growInt32(localFieldCounts, 3 * (slot + 1));
      }
      localWord[slot] = number;
      localFieldCounts[3 * slot] = 0;
      localFieldCounts[3 * slot + 1] = 0;
      localFieldCounts[3 * slot + 2] = 0;
    }
    localFieldCounts[3 * slot + currentField]!++;
    if (tokenCount >= tokenLocalSlot.length) {
      tokenLocalSlot = growInt32(tokenLocalSlot, tokenCount + 1);
      tokenPosition = growInt32(tokenPosition, tokenCount + 1);
    }
    tokenLocalSlot[tokenCount] = slot;
    tokenPosition[tokenCount] = position;
    tokenCount++;
  };

  for (let d = 0; d < documentCount; d++) {
    const document = documents[d]!;
    const language = document.language || 'en';
    let bitIndex = languageIndex.get(language);
    if (bitIndex === undefined) {
      languageIndex.set(language, (bitIndex = analyzers.push(analyzerFor(language)) - 1));
      // a second language: the words numbered by the first one's table alone are looked up by string from now on
      if (bitIndex === 1) for (let n = 0; n < vocabulary.length; n++) {
        const stored = vocabulary[n]!;
        if (stored.startsWith(STOP_PREFIX)) stopWordNumberOf.set(stored.slice(STOP_PREFIX.length), n);
        else wordNumberOf.set(stored, n);
      }
    }
    const analyzer = analyzers[bitIndex]!;
    // past 31 languages in one segment, the rest share the last bit's analyzer (stems only; matching is by word)
    languageBit = 1 << Math.min(bitIndex, 30);
    localCount = 0;
    documentSlotBase = streamWord.length + 1;
    tokenCount = 0;
    indexedTokenCount = 0;
    currentField = 0;
    resumePointStart[d] = resumeBytes.length;
    lastPointPosition = 0;
    newText = true;
    let position = scanTokens(document.title, sink, 0, false, analyzer, resumePoints, wordCache);
    fieldLengths[3 * d] = indexedTokenCount;
    position += 1;
    fieldBoundaries[2 * d] = position;
    const paragraphs = paragraphsOf(document);
    paragraphOffset[d] = paragraphStarts.length;
    let before = indexedTokenCount;
    currentField = 1;
    if (paragraphs.length > 0) {
      paragraphStarts.push(position);
      newText = true;
      position = scanTokens(paragraphs[0]!, sink, position, false, analyzer, resumePoints, wordCache) + 1;
    }
    fieldLengths[3 * d + 1] = indexedTokenCount - before;
    fieldBoundaries[2 * d + 1] = position;
    before = indexedTokenCount;
    currentField = 2;
    for (let p = 1; p < paragraphs.length; p++) {
      paragraphStarts.push(position);
      newText = true;
      position = scanTokens(paragraphs[p]!, sink, position, false, analyzer, resumePoints, wordCache) + 1;
    }
    fieldLengths[3 * d + 2] = indexedTokenCount - before;

    // group positions by local slot (counting sort; stable so positions stay in text order)
    if (localCount + 1 > groupEnds.length) groupEnds = growInt32(groupEnds, localCount + 1);
    groupEnds.fill(0, 0, localCount + 1);
    for (let i = 0; i < tokenCount; i++) groupEnds[tokenLocalSlot[i]! + 1]!++;
    for (let i = 0; i < localCount; i++) groupEnds[i + 1]! += groupEnds[i]!;
    if (tokenCount > positionsByWord.length) positionsByWord = growInt32(positionsByWord, tokenCount);
    for (let i = 0; i < tokenCount; i++) positionsByWord[groupEnds[tokenLocalSlot[i]!]!++] = tokenPosition[i]!;
    // after the fill loop groupEnds[i] is the end of group i; group i starts at groupEnds[i-1] (or 0)
    documentPostingStart[d] = streamWord.length;
    let groupStart = 0;
    for (let slot = 0; slot < localCount; slot++) {
      const groupEnd = groupEnds[slot]!;
      const number = localWord[slot]!;
      const occurrences = groupEnd - groupStart;
      // compounds share a position with their first part: keep positions non-decreasing
      let ascending = true;
      for (let k = groupStart + 1; k < groupEnd; k++) if (positionsByWord[k]! < positionsByWord[k - 1]!) ascending = false;
      if (!ascending) positionsByWord.subarray(groupStart, groupEnd).sort();
      streamWord.push(number);
      const packed = packFrequencies(localFieldCounts[3 * slot]!, localFieldCounts[3 * slot + 1]!, localFieldCounts[3 * slot + 2]!);
      streamFrequencies.push(packed);
      const bytesBefore = streamPositions.length;
      streamPositions.ensure(5 * (occurrences + 1));
      // the count only when the frequencies cannot tell it (a field at its ceiling)
      if (countOfFrequencies(packed) < 0) streamPositions.varint(occurrences);
      let previous = 0;
      for (let k = groupStart; k < groupEnd; k++) {
        const p = positionsByWord[k]!;
        streamPositions.varint(p - previous);
        previous = p;
      }
      const byteLength = streamPositions.length - bytesBefore;
      streamPositionBytes.push(byteLength);
      wordRecords[WORD_RECORD * number + POSITION_BYTES]! += byteLength;
      wordRecords[WORD_RECORD * number + DOCUMENT_FREQUENCY]!++;
      groupStart = groupEnd;
    }
  }
  documentPostingStart[documentCount] = streamWord.length;
  resumePointStart[documentCount] = resumeBytes.length;
  paragraphOffset[documentCount] = paragraphStarts.length;
  const paragraphStart = paragraphStarts.array.slice(0, paragraphStarts.length);

  // ---- pass 2: invert into word-major arrays, words in sorted order ----
  const vocabularySize = vocabulary.length;
  const sortedOrder = new Uint32Array(vocabularySize);
  for (let i = 0; i < vocabularySize; i++) sortedOrder[i] = i;
  sortedOrder.sort((a, b) => (vocabulary[a]! < vocabulary[b]! ? -1 : vocabulary[a]! > vocabulary[b]! ? 1 : 0));
  const rankOf = new Uint32Array(vocabularySize);
  for (let r = 0; r < vocabularySize; r++) rankOf[sortedOrder[r]!] = r;
  const postingStart = new Uint32Array(vocabularySize + 1);
  const positionBlockStart = new Uint32Array(vocabularySize + 1);
  const positionByteStart = new Float64Array(vocabularySize + 1);
  for (let r = 0; r < vocabularySize; r++) {
    const number = sortedOrder[r]!;
    const frequency = wordRecords[WORD_RECORD * number + DOCUMENT_FREQUENCY]!;
    postingStart[r + 1] = postingStart[r]! + frequency;
    positionBlockStart[r + 1] = positionBlockStart[r]! + Math.ceil(frequency / POSITION_BLOCK);
    positionByteStart[r + 1] = positionByteStart[r]! + wordRecords[WORD_RECORD * number + POSITION_BYTES]!;
  }
  const postingTotal = postingStart[vocabularySize]!;
  const positionByteTotal = positionByteStart[vocabularySize]!;
  if (positionByteTotal > 0xffffffff) throw new RangeError('position data exceeds 4 GiB');
  const postingDocs = new Uint16Array(postingTotal);
  // per word, where its postings of each chunk after the first start: the word's end until a posting of that chunk (or a later one) comes
  const chunks = docChunks(documentCount);
  const postingChunkStart = new Uint32Array((chunks - 1) * vocabularySize);
  for (let r = 0; r < vocabularySize && chunks > 1; r++) postingChunkStart.fill(postingStart[r + 1]!, r * (chunks - 1), (r + 1) * (chunks - 1));
  const postingFrequencies = new Uint8Array(postingTotal);
  const { frequencyValues, codeOf } = frequencyCodes(streamFrequencies.array.subarray(0, streamFrequencies.length));
  const otherAt: number[] = [];
  const otherValue: number[] = [];
  const positionBlockOffset = new Uint32Array(positionBlockStart[vocabularySize]!);
  const positionBytes = new Uint8Array(positionByteTotal);
  // Per first-appearance number, side by side (a posting reads one place, not four arrays): the word's next
  // posting, its next position byte (the total fits 32 bits, checked above), its first posting and its first position block.
  const cursors = new Uint32Array(4 * vocabularySize);
  for (let number = 0; number < vocabularySize; number++) {
    const r = rankOf[number]!;
    cursors[4 * number] = postingStart[r]!;
    cursors[4 * number + 1] = positionByteStart[r]!;
    cursors[4 * number + 2] = postingStart[r]!;
    cursors[4 * number + 3] = positionBlockStart[r]!;
  }
  const streamBytes = streamPositions.array;
  let streamByte = 0;
  for (let d = 0; d < documentCount; d++) {
    const postingsEnd = documentPostingStart[d + 1]!;
    for (let p = documentPostingStart[d]!; p < postingsEnd; p++) {
      const cursor = 4 * streamWord.array[p]!;
      const at = cursors[cursor]!;
      const within = at - cursors[cursor + 2]!;
      let byte = cursors[cursor + 1]!;
      if ((within & (POSITION_BLOCK - 1)) === 0) positionBlockOffset[cursors[cursor + 3]! + within / POSITION_BLOCK] = byte;
      postingDocs[at] = d % DOC_CHUNK;
      if (d >= DOC_CHUNK) {
        // the first posting of word r in chunk h starts that chunk and every empty chunk before it
        const r = rankOf[streamWord.array[p]!]!;
        const row = r * (chunks - 1);
        const end = postingStart[r + 1]!;
        for (let h = Math.floor(d / DOC_CHUNK); h >= 1 && postingChunkStart[row + h - 1] === end; h--) postingChunkStart[row + h - 1] = at;
      }
      const packed = streamFrequencies.array[p]!;
      const code = codeOf[packed]!;
      postingFrequencies[at] = code;
      if (code === OTHER_FREQUENCIES) {
        otherAt.push(at);
        otherValue.push(packed);
      }
      cursors[cursor] = at + 1;
      const byteLength = streamPositionBytes.array[p]!;
      for (let k = 0; k < byteLength; k++) positionBytes[byte++] = streamBytes[streamByte++]!;
      cursors[cursor + 1] = byte;
    }
  }
  const words = new Array<string>(vocabularySize);
  for (let r = 0; r < vocabularySize; r++) words[r] = vocabulary[sortedOrder[r]!]!;
  // group words by stem (CSR layout), once per language whose documents hold the word
  const stemGroupOf = new Map<string, number>();
  const memberWord: number[] = [];
  const memberGroup: number[] = [];
  const groupSizes: number[] = [];
  for (let r = 0; r < vocabularySize; r++) {
    const word = words[r]!;
    if (word.startsWith(STOP_PREFIX)) continue;
    const mask = wordRecords[WORD_RECORD * sortedOrder[r]! + LANGUAGES]!;
    for (let i = 0; i < analyzers.length && i <= 30; i++) {
      if ((mask & (1 << i)) === 0) continue;
      // A word that is its own stem (most are) keys its group with the vocabulary's string, not a second copy.
      const stem = memoiseStems ? analyzers[i]!.stem(word) : analyzers[i]!.stemOnce(word);
      const stemmed = stem === word ? word : stem;
      let group = stemGroupOf.get(stemmed);
      if (group === undefined) {
        group = groupSizes.length;
        stemGroupOf.set(stemmed, group);
        groupSizes.push(0);
      }
      memberWord.push(r);
      memberGroup.push(group);
      groupSizes[group]!++;
    }
  }
  // groups renumbered in stem order: a segment keeps its stems as a sorted array, found by binary search
  const groupCount = groupSizes.length;
  const stemOfGroup = [...stemGroupOf.keys()]; // in group order: a Map iterates in insertion order
  const sortedGroups = Array.from({ length: groupCount }, (_, g) => g).sort((a, b) => (stemOfGroup[a]! < stemOfGroup[b]! ? -1 : 1));
  const rankOfGroup = new Uint32Array(groupCount);
  sortedGroups.forEach((g, rank) => (rankOfGroup[g] = rank));
  const stems = sortedGroups.map((g) => stemOfGroup[g]!);
  const stemGroupStart = new Uint32Array(groupCount + 1);
  for (let rank = 0; rank < groupCount; rank++) stemGroupStart[rank + 1] = stemGroupStart[rank]! + groupSizes[sortedGroups[rank]!]!;
  const stemGroupWords = new Uint32Array(stemGroupStart[groupCount]!);
  const groupFill = stemGroupStart.slice(0, groupCount);
  // members come in word order, so each group's words stay sorted
  for (let m = 0; m < memberWord.length; m++) stemGroupWords[groupFill[rankOfGroup[memberGroup[m]!]!]!++] = memberWord[m]!;
  return new Segment(documents, {
    words,
    stems,
    stemGroupStart,
    stemGroupWords,
    postingStart,
    postingDocs,
    postingChunkStart,
    postingFrequencies,
    frequencyValues,
    ...otherFrequencies(otherAt, otherValue),
    positionBlockStart,
    positionBlockOffset,
    positionBytes,
    fieldBoundaries,
    paragraphOffset,
    paragraphStart,
    fieldLengths,
    resumePointStart,
    resumePointBytes: resumeBytes.array.slice(0, resumeBytes.length),
  });
}

/** Distinct packed frequencies (title 4 bits, lead 4 bits, later paragraphs 8 bits). */
const PACKED_VALUES = 1 << 16;

/**
 * Codes for the packed frequencies of a segment's postings: the 255 commonest values (most
 * postings are one occurrence in the body), commonest first, ties by value so that a build is
 * deterministic; every other value is {@link OTHER_FREQUENCIES}.
 */
function frequencyCodes(packed: Uint32Array): { frequencyValues: Uint16Array; codeOf: Uint8Array } {
  // A packed value is 16 bits (packFrequencies), so counts and codes are tables indexed by it: the
  // code of each posting is an array read, not a Map lookup (one a posting of every build).
  const counts = new Uint32Array(PACKED_VALUES);
  for (let i = 0; i < packed.length; i++) counts[packed[i]!]!++;
  const seen: number[] = [];
  for (let v = 0; v < PACKED_VALUES; v++) if (counts[v]! > 0) seen.push(v);
  const values = seen.sort((a, b) => counts[b]! - counts[a]! || a - b).slice(0, OTHER_FREQUENCIES);
  const codeOf = new Uint8Array(PACKED_VALUES).fill(OTHER_FREQUENCIES);
  values.forEach((v, code) => (codeOf[v] = code));
  return { frequencyValues: Uint16Array.from(values), codeOf };
}

/** The postings coded {@link OTHER_FREQUENCIES} (filled word by word), ascending, with their values. */
function otherFrequencies(at: readonly number[], value: readonly number[]): { frequencyOtherAt: Uint32Array; frequencyOtherValue: Uint16Array } {
  const order = at.map((_, k) => k).sort((x, y) => at[x]! - at[y]!);
  return { frequencyOtherAt: Uint32Array.from(order, (k) => at[k]!), frequencyOtherValue: Uint16Array.from(order, (k) => value[k]!) };
}
