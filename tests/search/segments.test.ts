import { paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import { buildSegment, parseQuery, SearchIndex, selectMerge } from '../../src/search/index.js';
import { PositionReader, STOP_PREFIX } from '../../src/search/segment.js';
import { analyzerFor, tokenize } from '../../src/search/tokenize.js';
import type { SearchDocument } from '../../src/search/index.js';
import { BBC_ROOT, bbcExists, loadBbc, rng } from './bbc-corpus.js';

/** A document with a key that survives renumbering. */
type KeyedDocument = SearchDocument & {
  readonly key: string;
};

const WORDS = (
  'oil gas coal prices rise fall bank rates inflation government minister election vote union state ' +
  'market shares football match goal player music film award phone mobile network court judge police ' +
  'the of and in to a is was rating rated raising runner running rates governments goverment ' +
  'well-known pay-off e-mail u.s. £522,000 $1m 2mbps 2004 report said officials talks strike port'
).split(' ');

function syntheticDocuments(count: number, seed: number): KeyedDocument[] {
  const random = rng(seed);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)]!;
  const sentence = (n: number): string => Array.from({ length: n }, pick).join(' ') + '.';
  return Array.from({ length: count }, (_, i) => ({
    key: `s${seed}-${i}`,
    title: sentence(2 + Math.floor(random() * 5)),
    paragraphs: Array.from({ length: Math.floor(random() * 5) }, () => sentence(3 + Math.floor(random() * 20))),
  }));
}

const QUERIES = [
  'oil', 'rates', 'oil gas', 'oil OR coal', 'bank -rates', '"state of the union"', '"oil prices"', 'title:market',
  'lead:inflation', 'body:football', 'gov*', 'ra*', 'well-known', 'payoff', '522,000', 'usa', '(oil OR gas) -coal',
  'title:"bank rates"', 'music film award', 'goverment', 'runing', 'inflaton rates',
  // swapped-letter typos, words side by side (proximity), and misspellings with suggestions
  'goevrnment', 'inflatoin rates', 'interest rates', 'rates interest bank', 'footbal musci',
];

/** Every query's live matches as key → score, and highlights of them, for comparison. */
function answers(index: SearchIndex, keyOf: (doc: number) => string, queries: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const q of queries) {
    for (const fuzzy of [false, true]) {
      const query = parseQuery(q);
      const result = index.match(query, { fuzzy });
      const scores: Record<string, number> = {};
      result.docs.forEach((d, i) => (scores[keyOf(d)] = result.scores[i]!));
      out[`${q} fuzzy=${fuzzy}`] = scores;
      if (fuzzy) out[`${q} suggestion`] = index.suggest(query, q);
      const plan = index.prepareHighlight(query, { fuzzy });
      const highlights: Record<string, unknown> = {};
      for (const d of result.docs.slice(0, 5)) highlights[keyOf(d)] = index.highlight(d, plan);
      out[`${q} fuzzy=${fuzzy} highlights`] = highlights;
    }
  }
  return out;
}

function similar(index: SearchIndex, keyOf: (doc: number) => string, doc: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of index.moreLikeThis(doc, 10_000)) out[keyOf(r.doc)] = r.score;
  return out;
}

/**
 * Runs `steps` random changes (add a batch, edit, delete, merge) from `initial` and, after each,
 * compares every query's results, scores and highlights with a full build of the live documents.
 */
function randomHistory(pool: readonly KeyedDocument[], seed: number, steps: number, queries: readonly string[]): number {
  const random = rng(seed);
  let nextFromPool = 0;
  const take = (n: number): KeyedDocument[] => {
    const out = pool.slice(nextFromPool, nextFromPool + n);
    nextFromPool += out.length;
    return out;
  };
  let index = SearchIndex.build(take(20));
  // version document number → document (what the index was given)
  const documentOf = (doc: number): KeyedDocument => index.document(doc) as KeyedDocument;
  let edits = 0;
  let compared = 0;
  for (let step = 0; step < steps; step++) {
    const live: number[] = [];
    for (let d = 0; d < index.documentSpace; d++) if (index.isLive(d)) live.push(d);
    const roll = random();
    if (roll < 0.35 || live.length < 5) {
      index = index.withChanges({ add: take(1 + Math.floor(random() * 6)) });
    } else if (roll < 0.55) {
      // edit: the old version is deleted, the new one added, in one change
      const doc = live[Math.floor(random() * live.length)]!;
      const old = documentOf(doc);
      const edited: KeyedDocument = { key: old.key, title: `${old.title} ${WORDS[edits++ % WORDS.length]}`, paragraphs: paragraphsOf(old).slice(1) };
      index = index.withChanges({ delete: [doc], add: [edited] });
    } else if (roll < 0.75) {
      const victims = new Set<number>();
      const n = 1 + Math.floor(random() * 4);
      while (victims.size < Math.min(n, live.length - 1)) victims.add(live[Math.floor(random() * live.length)]!);
      index = index.withChanges({ delete: victims });
    } else {
      const shapes = index.views.map((v) => ({ size: v.segment.size, deleted: v.alive?.deletedCount ?? 0 }));
      const policy = selectMerge(shapes, { mergeFactor: 3, floorSize: 4, deletedShareToRewrite: 0.3 });
      const [first, end] = policy ?? (() => {
        const a = Math.floor(random() * shapes.length);
        return [a, Math.min(shapes.length, a + 1 + Math.floor(random() * 3))] as [number, number];
      })();
      const keysBefore = live.map((d) => documentOf(d).key);
      const merged = index.withMerged(first, end);
      // the remap sends every live document to its new number, deleted ones nowhere
      for (let d = 0; d < index.documentSpace; d++) {
        if (index.isLive(d)) expect((merged.index.document(merged.remap[d]!) as KeyedDocument).key).toBe(documentOf(d).key);
        else expect(merged.remap[d]).toBe(-1);
      }
      index = merged.index;
      const keysAfter: string[] = [];
      for (let d = 0; d < index.documentSpace; d++) if (index.isLive(d)) keysAfter.push(documentOf(d).key);
      expect(keysAfter.sort()).toEqual(keysBefore.sort());
    }
    // the full build of the same live documents
    const liveDocs: KeyedDocument[] = [];
    for (let d = 0; d < index.documentSpace; d++) if (index.isLive(d)) liveDocs.push(documentOf(d));
    const full = SearchIndex.build(liveDocs);
    expect(index.size).toBe(full.size);
    const fullKey = (d: number): string => liveDocs[d]!.key;
    expect(answers(index, (d) => documentOf(d).key, queries), `step ${step}`).toEqual(answers(full, fullKey, queries));
    const someDoc = [...Array(index.documentSpace).keys()].find((d) => index.isLive(d))!;
    const fullDoc = liveDocs.findIndex((x) => x.key === documentOf(someDoc).key);
    expect(similar(index, (d) => documentOf(d).key, someDoc)).toEqual(similar(full, fullKey, fullDoc));
    compared++;
  }
  return compared;
}

describe('segments: any sequence of adds, edits, deletes and merges scores like a full build', () => {
  for (const seed of [1, 2, 3]) {
    it(`synthetic documents, seed ${seed}`, () => {
      expect(randomHistory(syntheticDocuments(400, seed), seed, 40, QUERIES)).toBe(40);
    });
  }
});

if (!bbcExists) console.warn(`[search] skipping the BBC segment history: ${BBC_ROOT} not found`);

describe.skipIf(!bbcExists)('segments on the BBC corpus', () => {
  it('a seeded history of changes equals full builds', () => {
    const docs = loadBbc().map((d, i) => ({ key: `${d.category}/${d.file}`, title: d.title, paragraphs: paragraphsOf(d), i }));
    // shuffle deterministically so batches mix categories
    const random = rng(7);
    for (let i = docs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [docs[i], docs[j]] = [docs[j]!, docs[i]!];
    }
    const queries = ['economy growth', '"prime minister"', 'blair OR brown', 'title:music', 'elect*', 'mobile -phone', 'goverment'];
    expect(randomHistory(docs.slice(0, 300), 11, 25, queries)).toBe(25);
  }, 120_000);
});

describe('merge policy', () => {
  const policy = { mergeFactor: 3, floorSize: 10, deletedShareToRewrite: 0.3 };
  it('merges the newest run of similar small segments', () => {
    expect(selectMerge([{ size: 1000, deleted: 0 }, { size: 5, deleted: 0 }, { size: 3, deleted: 0 }, { size: 8, deleted: 0 }], policy)).toEqual([1, 4]);
    expect(selectMerge([{ size: 1000, deleted: 0 }, { size: 5, deleted: 0 }, { size: 3, deleted: 0 }], policy)).toBeNull();
  });
  it('rewrites a segment once a large share of it is deleted', () => {
    expect(selectMerge([{ size: 1000, deleted: 400 }, { size: 5, deleted: 0 }], policy)).toEqual([0, 1]);
    expect(selectMerge([{ size: 1000, deleted: 100 }, { size: 5, deleted: 0 }], policy)).toBeNull();
  });
  it('leaves a segment under the floor size to its level\'s merge, however much of it is deleted', () => {
    // a changed or deleted file leaves its one-document segment wholly deleted: no merge for that alone
    expect(selectMerge([{ size: 1000, deleted: 0 }, { size: 1, deleted: 1 }], policy)).toBeNull();
    expect(selectMerge([{ size: 1000, deleted: 0 }, { size: 9, deleted: 5 }, { size: 1, deleted: 0 }], policy)).toBeNull();
    // at the floor size the share counts again
    expect(selectMerge([{ size: 1000, deleted: 0 }, { size: 10, deleted: 3 }, { size: 1, deleted: 0 }], policy)).toEqual([1, 2]);
    // wholly deleted small segments still make up a run of their level, and that merge drops them
    expect(selectMerge([{ size: 1000, deleted: 0 }, { size: 1, deleted: 1 }, { size: 1, deleted: 1 }, { size: 1, deleted: 0 }], policy)).toEqual([1, 4]);
  });
});

describe('AND queries score their commoner words only on the remaining candidates', () => {
  it('gives exactly the scores of intersecting each word scored on its own (segments with deletions)', () => {
    const pool = syntheticDocuments(300, 9);
    let index = SearchIndex.build(pool.slice(0, 100), { proximityWeight: 0, headlineBonus: 0 });
    index = index.withChanges({ add: pool.slice(100, 200) });
    index = index.withChanges({ delete: [3, 50, 120, 121, 199], add: pool.slice(200, 300) });
    expect(index.views.length).toBeGreaterThan(1);
    const alone = (w: string): Map<number, number> => {
      const r = index.match(parseQuery(w));
      return new Map(Array.from(r.docs, (d, i) => [d, r.scores[i]!]));
    };
    const random = rng(4);
    const plain = WORDS.filter((w) => /^[a-z]+$/u.test(w) && !['the', 'of', 'and', 'in', 'to', 'a', 'is', 'was'].includes(w));
    let compared = 0;
    for (let trial = 0; trial < 200; trial++) {
      const words = [0, 1].map(() => plain[Math.floor(random() * plain.length)]!);
      const [a, b] = [alone(words[0]!), alone(words[1]!)];
      const expected = [...a].filter(([d]) => b.has(d)).map(([d, s]) => [d, s + b.get(d)!]);
      const r = index.match(parseQuery(words.join(' ')));
      expect(Array.from(r.docs, (d, i) => [d, r.scores[i]!]), words.join(' ')).toEqual(expected);
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('PositionReader', () => {
  it('reads the same positions as docPositions for any ascending run of documents (skips within and across blocks)', () => {
    // a few words in nearly every document: postings span many position blocks
    const segment = buildSegment(syntheticDocuments(600, 11));
    const random = rng(12);
    const out: number[] = [];
    const expected: number[] = [];
    let compared = 0;
    for (const word of ['oil', 'rates', 'the', 'market', 'union', 'of']) {
      const t = segment.wordId(word) ?? segment.wordId(STOP_PREFIX + word);
      expect(t, word).toBeDefined();
      for (const density of [1, 0.5, 0.05, 0.01]) {
        const reader = new PositionReader(segment, t!);
        for (let d = 0; d < segment.size; d++) {
          if (random() > density) continue;
          const n = segment.docPositions(t!, d, expected);
          expect(reader.docPositions(d, out), `${word} doc ${d}`).toBe(n);
          expect(out.slice(0, n)).toEqual(expected.slice(0, n));
          compared += n;
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

describe('a version\'s statistics without a pass over its documents', () => {
  it('the norm table (and the norms of fields longer than it) give BM25F\'s weight of every field, and deletes keep the average lengths of the live documents', () => {
    const docs = syntheticDocuments(300, 21);
    // a rest longer than the table reaches: its norm is computed when asked
    const long = Array.from({ length: 20_000 }, (_, i) => WORDS[i % WORDS.length]!).join(' ');
    docs.push({ key: 'long', title: 'harbour report', paragraphs: ['the lead of it', long] });
    let index = SearchIndex.build(docs.slice(0, 150));
    index = index.withChanges({ add: docs.slice(150) });
    index = index.withChanges({ delete: [3, 10, 160, 170, 299] });
    const live = Array.from({ length: index.documentSpace }, (_, d) => d).filter((d) => index.isLive(d));
    const full = SearchIndex.build(live.map((d) => index.document(d)!));
    expect(index.averageFieldLength).toEqual(full.averageFieldLength);
    const { b, titleBoost, leadBoost, bodyBoost } = index.options;
    const boosts = [titleBoost, leadBoost, bodyBoost];
    let longest = 0;
    for (const placed of index.segments) {
      for (let d = 0; d < placed.segment.size; d++) {
        for (let f = 0; f < 3; f++) {
          const length = placed.segment.fieldLengths[3 * d + f]!;
          longest = Math.max(longest, length);
          const avg = index.averageFieldLength[f]!;
          expect(placed.fieldNorms.of(d, f)).toBe(boosts[f]! / (1 - b + (b * length) / avg));
        }
      }
    }
    expect(longest).toBeGreaterThan(16_384);
  });
});

describe('stem groups', () => {
  it('a segment keeps its stems sorted and finds every word of a stem by binary search, as grouping the vocabulary by stem does', async () => {
    const { stem } = await import('../../src/search/tokenize.js');
    const segment = buildSegment(syntheticDocuments(300, 5));
    const stems = segment.parts.stems;
    expect(stems.length).toBeGreaterThan(10);
    for (let g = 1; g < stems.length; g++) expect(stems[g - 1]! < stems[g]!).toBe(true);
    // The reference: every indexed (non-stop) word under its English stem.
    const byStem = new Map<string, string[]>();
    for (const word of segment.words) {
      if (word.startsWith(STOP_PREFIX)) continue;
      const s = stem(word);
      byStem.set(s, [...(byStem.get(s) ?? []), word]);
    }
    expect([...byStem.keys()].sort()).toEqual(stems);
    for (const [s, words] of byStem) expect(segment.stemGroup(s).map((t) => segment.words[t])).toEqual(words);
    expect(segment.stemGroup('zzz-no-such-stem')).toEqual([]);
    expect(segment.stemGroup('')).toEqual([]);
  });

  it('a version\'s stem variants are the words some live document holds, whichever segment holds it live', () => {
    // two segments: "rating" only in the first (deleted there, so in no live document),
    // "rated" in both (deleted in the first, live in the second), "rates" live in the first
    let index = SearchIndex.build([
      { title: 'rating agencies', paragraphs: ['rated highly'] },
      { title: 'bank rates', paragraphs: ['rates fall'] },
    ]);
    index = index.withChanges({ add: [{ title: 'rated again', paragraphs: ['oil'] }] });
    expect(index.views.length).toBe(2);
    expect(index.stemVariants('rate')).toEqual(['rate', 'rated', 'rates', 'rating'].filter((w) => index.wordDocFreq(w) > 0));
    expect(index.stemVariants('rate')).toEqual(['rated', 'rates', 'rating']);
    index = index.withChanges({ delete: [0] });
    // "rated" is live only in the second segment now; "rating" in no document
    expect(index.wordDocFreq('rating')).toBe(0);
    expect(index.stemVariants('rate')).toEqual(['rated', 'rates']);
    index = index.withChanges({ delete: [2] });
    expect(index.stemVariants('rate')).toEqual(['rates']);
  });
});

describe('a segment of several languages', () => {
  it('numbers each word once, whichever language meets it first and whether the word cache or the full analysis made it (one entry per word and language)', () => {
    // words shared across languages, stop words of one language that are words of another (`les`, `die`, `the`),
    // joined words and possessives (the full analysis) and plain words (the cache), a third language arriving late
    const texts = ["the bank's rates rose; les banques", 'les rates of the bank-run', 'die bank the rates', "bank's les die rates well-known", 'known wellknown die'];
    const languages = ['en', 'en', 'fr', 'de', 'en', 'fr', 'de', 'en'];
    const docs: SearchDocument[] = languages.map((language, k) => ({ title: texts[k % texts.length]!, paragraphs: [texts[(k + 2) % texts.length]!], language }));
    const segment = buildSegment(docs);
    for (let r = 1; r < segment.words.length; r++) expect(segment.words[r - 1]! < segment.words[r]!, segment.words[r]).toBe(true);
    const expected = new Set<string>();
    const positions: number[] = [];
    docs.forEach((doc, d) => {
      for (const text of [doc.title, ...paragraphsOf(doc)]) {
        for (const token of tokenize(text, analyzerFor(doc.language))) {
          const key = token.stop ? STOP_PREFIX + token.word : token.word;
          expected.add(key);
          const t = segment.wordId(key);
          expect(t, key).toBeDefined();
          expect(segment.docPositions(t!, d, positions), `${key} in document ${d}`).toBeGreaterThan(0);
        }
      }
    });
    expect([...segment.words].sort()).toEqual([...expected].sort());
  });
});
