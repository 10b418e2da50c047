import { describe, expect, it } from 'vitest';
import { buildSegment, parseQuery, SearchIndex } from '../../src/search/index.js';
import { DOC_CHUNK, OTHER_FREQUENCIES, packFrequencies, PositionReader, type Segment } from '../../src/search/segment.js';
import type { SearchDocument } from '../../src/search/index.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/snapshot/format.js';

/**
 * A segment of more than two chunks of 65,536 documents: a posting keeps the low 16 bits of its
 * document number and each word records where its postings of a later chunk start. Tiny
 * documents whose words say which documents hold them, so every answer has a reference.
 */
const SIZE = 2 * DOC_CHUNK + 600;
/** Words held by a few documents each, around the chunk boundaries and skipping whole chunks. */
const RARE: Record<string, number[]> = {
  edgea: [DOC_CHUNK - 1],
  edgeb: [DOC_CHUNK],
  edgec: [DOC_CHUNK - 1, DOC_CHUNK, DOC_CHUNK + 1, 2 * DOC_CHUNK - 1, 2 * DOC_CHUNK],
  skipper: [3, 2 * DOC_CHUNK + 100], // nothing in the middle chunk
  lateonly: [2 * DOC_CHUNK + 500],
  earlyonly: [0, 2],
  middleonly: [DOC_CHUNK + 7],
};
const rareOf = new Map<number, string[]>();
for (const [word, docs] of Object.entries(RARE)) for (const d of docs) rareOf.set(d, [...(rareOf.get(d) ?? []), word]);

function documentAt(i: number): SearchDocument {
  // title: a word by i mod 5 and one by i mod 1000 (so "wN mM" is a phrase), the rare words in the body
  return { title: `w${i % 5} m${i % 1000}`, paragraphs: rareOf.has(i) ? [rareOf.get(i)!.join(' ')] : [] };
}
const documents = Array.from({ length: SIZE }, (_, i) => documentAt(i));
const segment = buildSegment(documents);

/** Documents holding `word`, by the rule that made them. */
function holders(word: string): number[] {
  if (word in RARE) return RARE[word]!;
  const out: number[] = [];
  const m = /^([wm])(\d+)$/.exec(word)!;
  const modulus = m[1] === 'w' ? 5 : 1000;
  for (let i = Number(m[2]); i < SIZE; i += modulus) out.push(i);
  return out;
}

/** The documents of word `t`, walked chunk by chunk as the scoring loops do. */
function walked(s: Segment, t: number): number[] {
  const out: number[] = [];
  for (let h = 0, i = s.postingStart[t]!; h < s.chunks; h++) for (const to = s.chunkStart(t, h + 1); i < to; i++) out.push(h * DOC_CHUNK + s.postingDocs[i]!);
  return out;
}

const WORDS = ['w0', 'w3', 'm0', 'm536', 'm999', ...Object.keys(RARE)];

describe('postings keep the low 16 bits of document numbers, in chunks of 65,536', () => {
  it('a segment of three chunks reads back every posting, whichever chunk it is in', () => {
    expect(segment.chunks).toBe(3);
    expect(segment.postingDocs).toBeInstanceOf(Uint16Array);
    for (const word of WORDS) {
      const t = segment.wordId(word)!;
      const expected = holders(word);
      expect(walked(segment, t), word).toEqual(expected);
      const start = segment.postingStart[t]!;
      expected.forEach((d, k) => expect(segment.docAt(t, start + k)).toBe(d));
    }
  });

  it('seek finds the first posting at or after a document from any starting posting; holds tells a hit', () => {
    const probes = [0, 1, 2, 3, 4, DOC_CHUNK - 2, DOC_CHUNK - 1, DOC_CHUNK, DOC_CHUNK + 1, DOC_CHUNK + 7, 2 * DOC_CHUNK - 1, 2 * DOC_CHUNK, 2 * DOC_CHUNK + 1, 2 * DOC_CHUNK + 100, 2 * DOC_CHUNK + 500, SIZE - 1, SIZE, SIZE + DOC_CHUNK];
    for (const word of WORDS) {
      const t = segment.wordId(word)!;
      const expected = holders(word);
      const start = segment.postingStart[t]!;
      const end = segment.postingStart[t + 1]!;
      for (const from of [0, 1, Math.floor(expected.length / 2), expected.length - 1, expected.length]) {
        for (const doc of probes) {
          let want = from;
          while (want < expected.length && expected[want]! < doc) want++;
          const at = segment.seek(t, start + Math.min(from, expected.length), doc);
          expect(at, `${word} from ${from} doc ${doc}`).toBe(start + want);
          expect(segment.holds(t, at, doc)).toBe(want < expected.length && expected[want] === doc);
          expect(at <= end).toBe(true);
        }
      }
    }
  });

  it('positions are found by document in every chunk (docPositions, PositionReader)', () => {
    const out: number[] = [];
    const t = segment.wordId('edgec')!;
    const reader = new PositionReader(segment, t);
    for (const d of [5, ...RARE.edgec!, SIZE - 1]) {
      const expected = RARE.edgec!.includes(d) ? 1 : 0;
      expect(segment.docPositions(t, d, out)).toBe(expected);
      expect(reader.docPositions(d, out)).toBe(expected);
      // the body starts after the two title words and a gap
      if (expected) expect(out[0]).toBe(3 + rareOf.get(d)!.indexOf('edgec'));
    }
  });

  it('queries answer as the rule says: terms, AND, phrases, fields, deletes near the boundaries', () => {
    const index = SearchIndex.build(documents);
    const docsOf = (q: string, at: SearchIndex = index): number[] => [...at.match(parseQuery(q)).docs];
    expect(docsOf('edgec')).toEqual(RARE.edgec);
    expect(docsOf('skipper')).toEqual(RARE.skipper);
    expect(docsOf('w3')).toEqual(holders('w3'));
    expect(docsOf('title:w3')).toEqual(holders('w3'));
    const both = holders('w1').filter((d) => d % 1000 === 536);
    expect(docsOf('w1 m536')).toEqual(both);
    expect(docsOf('w1 edgec')).toEqual(RARE.edgec!.filter((d) => d % 5 === 1));
    expect(docsOf('"w1 m536"')).toEqual(both);
    expect(docsOf('"m536 w1"')).toEqual([]);
    const deleted = [DOC_CHUNK - 1, DOC_CHUNK, 2 * DOC_CHUNK, 2 * DOC_CHUNK + 100];
    const after = index.withChanges({ delete: deleted });
    expect(docsOf('edgec', after)).toEqual(RARE.edgec!.filter((d) => !deleted.includes(d)));
    expect(after.docFreq('edgec')).toBe(2); // 65,537 and 131,071 left
    expect(after.docFreq('skipper')).toBe(1);
    expect(docsOf('w0', after)).toEqual(holders('w0').filter((d) => !deleted.includes(d)));
  });

  it('a snapshot stores the low bits, the chunk starts and the frequency codes, and reads them back equal', () => {
    const parts = segment.parts;
    expect(parts.postingChunkStart.length).toBe(2 * parts.words.length);
    const stored = decodeSnapshot(
      Buffer.concat(
        encodeSnapshot({
          dataDir: '/nowhere',
          createdAt: new Date(0).toISOString(),
          files: [],
          articles: [],
          problems: [],
          stats: { filesRead: 0, filesIgnored: 0, articles: 0, problems: 0, chromeLinesRemoved: 0, duplicateLinesRemoved: 0, byFormat: {}, byLanguage: {}, languagesDetected: 0, durationMs: 0 },
          segment: parts,
          stories: { ids: [], revisions: [], publishedMs: new Float64Array(0), slots: new Int32Array(0), shingles: new Uint32Array(0), links: new Uint32Array(0), signatures: new Uint16Array(0) },
        }),
      ),
    );
    expect(stored.segment.postingDocs).toEqual(parts.postingDocs);
    expect(stored.segment.postingChunkStart).toEqual(parts.postingChunkStart);
    expect(stored.segment).toEqual(parts);
  });

  it('a segment of one chunk keeps no chunk starts', () => {
    const small = buildSegment(documents.slice(0, DOC_CHUNK));
    expect(small.chunks).toBe(1);
    expect(small.parts.postingChunkStart.length).toBe(0);
    expect(walked(small, small.wordId('edgea')!)).toEqual([DOC_CHUNK - 1]);
  });
});

describe('a posting\'s frequencies are a one-byte code that also tells its count of positions', () => {
  // word x: k mod 17 times in the title, k mod 19 in the lead, k mod 300 in later paragraphs: more
  // than 255 different packed values, and fields at and past their ceilings (15, 15, 255)
  const counts = Array.from({ length: 700 }, (_, k) => [k % 17, k % 19, k % 300] as const);
  const repeat = (n: number): string => Array.from({ length: n }, () => 'x').join(' ');
  const docs: SearchDocument[] = counts.map(([title, lead, rest]) => ({ title: `y ${repeat(title)}`, paragraphs: [`y ${repeat(lead)}`, `y ${repeat(rest)}`] }));
  const s = buildSegment(docs);
  const t = s.wordId('x')!;
  const holding = counts.map((c, k) => [k, c] as const).filter(([, [a, b, c]]) => a + b + c > 0);

  it('gives back every posting\'s packed frequencies, the uncommon ones too', () => {
    const distinct = new Set(holding.map(([, [a, b, c]]) => packFrequencies(a, b, c)));
    expect(distinct.size).toBeGreaterThan(255);
    expect(s.parts.frequencyOtherAt.length).toBeGreaterThan(0);
    expect(s.parts.frequencyValues.length).toBe(255);
    expect(walked(s, t)).toEqual(holding.map(([k]) => k));
    holding.forEach(([, [a, b, c]], k) => expect(s.frequency(s.postingStart[t]! + k)).toBe(packFrequencies(a, b, c)));
    for (const at of s.parts.frequencyOtherAt) expect(s.parts.postingFrequencies[at]).toBe(OTHER_FREQUENCIES);
  });

  it('reads every posting\'s positions, whether its count is stored or told by its frequencies', () => {
    const out: number[] = [];
    const reader = new PositionReader(s, t);
    holding.forEach(([d, [a, b, c]], k) => {
      const n = s.positions(t, k, out);
      expect(n, `document ${d}`).toBe(a + b + c);
      // the title's y is position 0, the lead's y follows the title and a gap, the body's y the lead and a gap
      const expected = [...Array.from({ length: a }, (_, i) => 1 + i), ...Array.from({ length: b }, (_, i) => a + 3 + i), ...Array.from({ length: c }, (_, i) => a + b + 5 + i)];
      expect(out.slice(0, n), `document ${d}`).toEqual(expected);
      expect(reader.docPositions(d, out)).toBe(a + b + c);
      expect(s.docPositions(t, d, out)).toBe(a + b + c);
    });
  });

  it('field-restricted queries count the positions in each field', () => {
    const index = SearchIndex.build(docs);
    const docsOf = (q: string): number[] => [...index.match(parseQuery(q)).docs];
    expect(docsOf('title:x')).toEqual(holding.filter(([, [a]]) => a > 0).map(([k]) => k));
    expect(docsOf('lead:x')).toEqual(holding.filter(([, [, b]]) => b > 0).map(([k]) => k));
    expect(docsOf('"x x x x x x x x x x x x x x x x"')).toEqual(holding.filter(([, [a, b, c]]) => a >= 16 || b >= 16 || c >= 16).map(([k]) => k));
  });
});
