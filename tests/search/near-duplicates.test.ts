import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, isNearDuplicate, minHash, shingleSet, similarity, StoryIndex } from '../../src/search/near-duplicates.js';
import { FIXTURES } from '../helpers/paths.js';

const read = (name: string) => readFileSync(path.join(FIXTURES, 'stories', name), 'utf8').trim().split('\n');
/** A wire report on a port strike, and a different story on the same strike (its end, days later). */
const wire = read('port-strike-wire.txt');
const otherStory = read('port-strike-other.txt');
const outletLead = 'Shoppers could face empty shelves within days, our business editor writes, as the walkout at the ports bites.';
const day = (d: number) => Date.UTC(2022, 5, d);

/** The kinds of copy an outlet makes of a wire report. */
const copies: Record<string, string[]> = {
  exact: wire,
  trimmed: wire.slice(0, 4),
  extended: [...wire, 'Our correspondent adds that a similar dispute in the rail sector was settled last year after six weeks of talks.', 'Local businesses near the terminals said trade had already fallen.'],
  'own first paragraph': [outletLead, ...wire.slice(1)],
  'light edits': wire.map((p) => p.replace(/dock workers/giu, 'dockers').replace(/said/gu, 'says').replace(/million/gu, 'million euros')),
  'reordered paragraphs': [wire[0]!, wire[3]!, wire[1]!, wire[6]!, wire[2]!, wire[5]!, wire[4]!],
  'wire reprint (trimmed, own lead, edited)': [outletLead, ...wire.slice(1, 5).map((p) => p.replace(/said/gu, 'stated'))],
};

describe('near-duplicate measure', () => {
  it('shingles are case-, accent- and punctuation-blind', () => {
    expect(shingleSet(['Café prices ROSE, sharply!'])).toEqual(shingleSet(['cafe prices rose sharply']));
  });

  it('texts of ASCII words are hashed in one pass to the shingles the folding path makes (property)', () => {
    // A last paragraph of one no-break space (it decomposes) sends a text down the folding path
    // and adds no word: both paths must give the same shingles for every text, the one-pass path
    // taking those with ASCII words and plain separators (£, curly quotes, dashes).
    const characters = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)), '\t', '\n', '£', '’', '“', '—', '€', 'é', '\u00a0', '\u0301', 'Ａ', '①', 'Ⅳ', 'Σ'];
    const paragraph = fc.array(fc.constantFrom(...characters), { maxLength: 80 }).map((cs) => cs.join(''));
    const asciiText = fc.array(paragraph, { maxLength: 6 });
    fc.assert(
      fc.property(asciiText, fc.integer({ min: 1, max: 4 }), (paragraphs, width) => {
        expect(shingleSet(paragraphs, width)).toEqual(shingleSet([...paragraphs, '\u00a0'], width));
      }),
      { numRuns: 500 },
    );
    expect(shingleSet(wire)).toEqual(shingleSet([...wire, '\u00a0']));
    expect(shingleSet(wire).length).toBeGreaterThan(100);
  });

  it('MinHash estimates Jaccard similarity (within sampling error)', () => {
    const a = new Set(Array.from({ length: 2000 }, (_, i) => (i * 2654435761) >>> 0));
    const b = new Set([...a].slice(0, 1000).concat(Array.from({ length: 1000 }, (_, i) => ((i + 5000) * 2654435761) >>> 0)));
    // True Jaccard: 1000 / 3000.
    const sa = minHash(a, 600);
    const sb = minHash(b, 600);
    let same = 0;
    for (let i = 0; i < 600; i++) if (sa[i] === sb[i]) same++;
    expect(same / 600).toBeGreaterThan(0.33 - 0.08);
    expect(same / 600).toBeLessThan(0.33 + 0.08);
  });

  it('bins narrowed to 16 bits: texts with no shingle in common (almost) never share a bin', () => {
    // With 16-bit bins two different minima agree once in 65,536 bins: 0.1 expected over these 6,000 bins (8 bits: 23).
    let same = 0;
    for (let pair = 0; pair < 10; pair++) {
      const a = Array.from({ length: 3000 }, (_, i) => ((pair * 100_000 + i) * 2654435761) >>> 0);
      const b = Array.from({ length: 3000 }, (_, i) => ((pair * 100_000 + 50_000 + i) * 2654435761) >>> 0);
      const sa = minHash(a, 600);
      const sb = minHash(b, 600);
      expect(sa).toBeInstanceOf(Uint16Array);
      for (let i = 0; i < 600; i++) if (sa[i] === sb[i]) same++;
    }
    expect(same).toBeLessThanOrEqual(2);
  });

  it('overlap is high for a trimmed copy even though Jaccard is not', () => {
    const s = similarity(fingerprint(wire), fingerprint(wire.slice(0, 3)));
    expect(s.jaccard).toBeLessThan(0.7);
    expect(s.overlap).toBeGreaterThan(0.85);
  });

  for (const [kind, text] of Object.entries(copies)) {
    it(`a ${kind} copy is a near-duplicate of the wire report`, () => {
      expect(isNearDuplicate(fingerprint(wire), fingerprint(text))).toBe(true);
    });
  }

  it('a different story on the same strike is not', () => {
    const s = similarity(fingerprint(wire), fingerprint(otherStory));
    expect(isNearDuplicate(fingerprint(wire), fingerprint(otherStory))).toBe(false);
    expect(s.jaccard).toBeLessThan(0.06);
  });

  it('texts too short to judge stay alone', () => {
    expect(isNearDuplicate(fingerprint(['Talks resume today.']), fingerprint(['Talks resume today.']))).toBe(false);
  });
});

describe('StoryIndex', () => {
  function filled(): StoryIndex {
    const index = new StoryIndex();
    index.add({ id: 'wire', paragraphs: wire, publishedMs: day(13) });
    index.add({ id: 'other-story', paragraphs: otherStory, publishedMs: day(16) });
    for (const [i, text] of Object.values(copies).entries()) index.add({ id: `copy-${i}`, paragraphs: text, publishedMs: day(13) + (i + 1) * 3_600_000 });
    return index;
  }

  it('gathers every kind of copy into one story named after the first-published article, and keeps the other story apart', () => {
    const index = filled();
    const story = index.storyOf('wire')!;
    expect(story).toEqual({ id: 'wire', size: 1 + Object.keys(copies).length });
    for (let i = 0; i < Object.keys(copies).length; i++) expect(index.storyOf(`copy-${i}`)).toEqual(story);
    expect(index.storyOf('other-story')).toEqual({ id: 'other-story', size: 1 });
    expect(index.story('wire')!.articleIds[0]).toBe('wire');
    expect(index.story('copy-0')).toBeUndefined(); // not a story id
    expect([...index.stories()].map((s) => s.size).sort((a, b) => a - b)).toEqual([1, 8]);
  });

  it('a new copy joins its story; an earlier one renames the story after itself', () => {
    const index = filled();
    index.add({ id: 'late-copy', paragraphs: wire.slice(0, 5), publishedMs: day(20) });
    expect(index.storyOf('late-copy')).toEqual({ id: 'wire', size: 9 });
    index.add({ id: 'early-copy', paragraphs: wire.slice(1), publishedMs: day(12) });
    expect(index.storyOf('wire')).toEqual({ id: 'early-copy', size: 10 });
    // Undated articles never name a story that has a dated one.
    index.add({ id: 'a-undated', paragraphs: wire, publishedMs: Number.NaN });
    expect(index.storyOf('a-undated')!.id).toBe('early-copy');
  });

  it('removing a copy shrinks its story; removing the first renames it; removing the bridge splits it', () => {
    const index = filled();
    index.remove('copy-2');
    expect(index.storyOf('wire')).toEqual({ id: 'wire', size: 7 });
    expect(index.storyOf('copy-2')).toBeUndefined();
    index.remove('wire');
    expect(index.storyOf('copy-0')).toEqual({ id: 'copy-0', size: 6 });

    // Two halves of a report linked only through the full text: without it, two stories.
    const bridge = new StoryIndex();
    const long = [...wire, ...otherStory];
    bridge.add({ id: 'first-half', paragraphs: wire, publishedMs: day(1) });
    bridge.add({ id: 'second-half', paragraphs: otherStory, publishedMs: day(2) });
    expect(bridge.storyOf('second-half')!.size).toBe(1);
    bridge.add({ id: 'whole', paragraphs: long, publishedMs: day(3) });
    expect(bridge.storyOf('second-half')).toEqual({ id: 'first-half', size: 3 });
    expect(bridge.remove('whole')).toBe(true);
    expect(bridge.storyOf('first-half')).toEqual({ id: 'first-half', size: 1 });
    expect(bridge.storyOf('second-half')).toEqual({ id: 'second-half', size: 1 });
    expect(bridge.remove('whole')).toBe(false);
  });

  it('removing many at once, or one at a time, leaves the stories of an index of the rest alone, for any set removed (property)', () => {
    // the filled index plus a report holding both stories whole, which links them, and a story of
    // its own (two copies): a removal can split a story, rename it or empty it, one story or two at once
    const third = Array.from({ length: 6 }, (_, p) => Array.from({ length: 24 }, (_, w) => `word${(p * 24 + w) * 7919 % 1000}`).join(' ') + '.');
    const docs = [
      { id: 'wire', paragraphs: wire, publishedMs: day(13) },
      { id: 'other-story', paragraphs: otherStory, publishedMs: day(16) },
      ...Object.values(copies).map((text, i) => ({ id: `copy-${i}`, paragraphs: text, publishedMs: day(13) + (i + 1) * 3_600_000 })),
      { id: 'both', paragraphs: [...wire, ...otherStory], publishedMs: day(3) },
      { id: 'third-a', paragraphs: third, publishedMs: day(1) },
      { id: 'third-b', paragraphs: third.slice(0, 5), publishedMs: day(2) },
    ];
    const ids = docs.map((d) => d.id);
    const stories = (index: StoryIndex) => ids.map((id) => [id, index.storyOf(id), index.story(id)?.articleIds]);
    const indexOf = (kept: typeof docs) => {
      const index = new StoryIndex();
      for (const d of kept) index.add(d);
      return index;
    };
    fc.assert(
      fc.property(fc.subarray([...ids, 'never-held']), (gone) => {
        const rest = indexOf(docs.filter((d) => !gone.includes(d.id)));
        const oneByOne = indexOf(docs);
        const atOnce = indexOf(docs);
        let held = 0;
        for (const id of gone) if (oneByOne.remove(id)) held++;
        expect(atOnce.removeMany(gone)).toBe(held);
        expect(atOnce.size).toBe(rest.size);
        expect(stories(oneByOne)).toEqual(stories(rest));
        expect(stories(atOnce)).toEqual(stories(rest));
        if (!gone.includes('both')) expect(rest.storyOf('both')!.size).toBe(rest.size - (2 - gone.filter((id) => id.startsWith('third')).length)); // it holds the rest in one story
        if (gone.length === 0) expect(rest.storyOf('third-b')).toEqual({ id: 'third-a', size: 2 });
        // and they group a copy added afterwards as that index does
        for (const index of [rest, oneByOne, atOnce]) index.add({ id: 'late', paragraphs: wire, publishedMs: day(20) });
        expect(atOnce.storyOf('late')).toEqual(rest.storyOf('late'));
      }),
      { numRuns: 60, seed: 9 },
    );
  });

  it('reuses the places of removed articles: after rounds of removals and other articles added, it answers as an index of what it holds', () => {
    // Articles are numbered in the index and a removed one's number (and signature slot) goes to
    // the next article added: ids, revisions, dates and stories must follow the article, not the number.
    const docs = [
      { id: 'wire', paragraphs: wire, publishedMs: day(13), revision: 'r-wire' },
      { id: 'other-story', paragraphs: otherStory, publishedMs: day(16), revision: 'r-other' },
      ...Object.values(copies).map((text, i) => ({ id: `copy-${i}`, paragraphs: text, publishedMs: day(13) + (i + 1) * 3_600_000, revision: `r-${i}` })),
      { id: 'short', paragraphs: ['Too short.'], publishedMs: Number.NaN, revision: 'r-short' },
    ];
    const index = new StoryIndex();
    for (const d of docs) index.add(d);
    const held = new Map(docs.map((d) => [d.id, d]));
    const rounds: Array<[gone: string[], added: string[]]> = [
      [['wire', 'copy-1', 'short'], ['copy-1']],
      [['copy-0', 'other-story'], ['short', 'wire']],
      [['copy-3', 'copy-4', 'copy-5'], ['other-story', 'copy-0', 'copy-5']],
    ];
    for (const [gone, added] of rounds) {
      index.removeMany(gone);
      for (const id of gone) held.delete(id);
      for (const id of added) {
        const d = { ...docs.find((x) => x.id === id)!, revision: `again-${id}` };
        index.add(d);
        held.set(id, d);
      }
      const fresh = new StoryIndex();
      for (const d of held.values()) fresh.add(d);
      const restored = StoryIndex.restore(index.dump());
      for (const copy of [index, restored]) {
        expect(copy.size).toBe(held.size);
        expect(copy.ids().sort()).toEqual([...held.keys()].sort());
        for (const d of docs) {
          expect(copy.has(d.id)).toBe(held.has(d.id));
          expect(copy.revisionOf(d.id)).toBe(held.get(d.id)?.revision);
          expect(copy.storyOf(d.id)).toEqual(fresh.storyOf(d.id));
          expect(copy.story(d.id)).toEqual(fresh.story(d.id));
          expect(copy.linksOf(d.id)).toEqual(fresh.linksOf(d.id));
        }
      }
    }
    expect(index.storyOf('wire')).toEqual({ id: 'wire', size: 6 }); // wire and copies 0, 1, 2, 5, 6
  });

  it('adding an id again replaces the article (a changed file)', () => {
    const index = filled();
    index.add({ id: 'copy-0', paragraphs: otherStory, publishedMs: day(17) });
    expect(index.storyOf('copy-0')).toEqual({ id: 'other-story', size: 2 });
    expect(index.storyOf('wire')!.size).toBe(7);
  });

  it('grows the same stories one article at a time as in any other order', () => {
    const docs = [
      { id: 'wire', paragraphs: wire, publishedMs: day(13) },
      { id: 'other-story', paragraphs: otherStory, publishedMs: day(16) },
      ...Object.values(copies).map((text, i) => ({ id: `copy-${i}`, paragraphs: text, publishedMs: day(14) })),
    ];
    const forward = new StoryIndex();
    for (const d of docs) forward.add(d);
    const backward = new StoryIndex();
    for (const d of docs.slice().reverse()) backward.add(d);
    for (const d of docs) expect(backward.storyOf(d.id)).toEqual(forward.storyOf(d.id));
  });

  it('restored from its dump with the bucket table, or rebuilding it, finds the same copies for a new article and after a removal', () => {
    const source = filled();
    source.remove('copy-2'); // a free slot and freed chain entries in the stored table
    const dump = source.dump();
    expect(dump.buckets).toBeDefined();
    const withTable = StoryIndex.restore(dump);
    const rebuilt = StoryIndex.restore({ ...dump, buckets: undefined });
    for (const index of [withTable, rebuilt]) {
      expect(index.storyOf('wire')).toEqual({ id: 'wire', size: Object.keys(copies).length });
      // found only through the buckets: a copy added after the restore joins the story
      index.add({ id: 'late-copy', paragraphs: wire.slice(0, 5), publishedMs: day(20) });
      index.add({ id: 'third-story', paragraphs: otherStory, publishedMs: day(21) });
      index.remove('copy-0');
    }
    for (const id of ['wire', 'late-copy', 'copy-1', 'other-story', 'third-story']) expect(withTable.storyOf(id)).toEqual(rebuilt.storyOf(id));
    expect(withTable.storyOf('late-copy')).toEqual({ id: 'wire', size: Object.keys(copies).length });
    expect(withTable.storyOf('third-story')).toEqual({ id: 'other-story', size: 2 });
  });
});
