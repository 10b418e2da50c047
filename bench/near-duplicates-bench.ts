/**
 * Precision and recall of story grouping (src/search/near-duplicates.ts) on labelled pairs.
 *
 *   npm run bench:stories -- [--corpus ../shared/corpora/bbc-news] [--seed 1] [--json]
 *
 * The BBC articles are shuffled (seeded) and split in two halves. From each half:
 *
 * - positives: one edited copy per article, the kind taken in turn: exact copy, changed headline,
 *   trimmed (the first 40-80 % of paragraphs), extended (1-3 paragraphs from an article of the
 *   other half appended), the outlet's own first paragraph (the lead replaced by one from the
 *   other half), light edits (5 % of words replaced by other corpus words, 2 % dropped),
 *   reordered paragraphs, and a "wire reprint" (trimmed to 50-80 %, own lead, 3 % edits);
 *   plus, for every eighth article, two different wire reprints of it paired with each other;
 * - negatives: per article, one random article of the same category, and the same-category
 *   article the search engine finds most alike (more like this): the same topic, a different
 *   story. Pairs that share a paragraph of 12+ words verbatim are BBC follow-ups of one event
 *   (the corpus holds several); they are neither positives nor negatives and are reported apart.
 *
 * The thresholds (minJaccard, minOverlap) are chosen on the first half's pairs (pairwise
 * decision; the highest recall with precision >= 0.995, ties to the stricter thresholds) and
 * reported on the second half twice: pairwise, and as grouping (both articles in one story of a
 * StoryIndex holding every article and copy of that half, so LSH misses and chaining count).
 * Then the cost: the whole corpus grouped from scratch, and one article removed and added again.
 * SHOW_FP=1 also prints half 2's false positives and first misses (with their similarities) to stderr.
 */
import { paragraphsOf } from '../src/articles/record.js';
import { resolve } from 'node:path';
import { Corpus } from '../src/corpus/index.js';
import { loadArticles } from '../src/loader/index.js';
import type { Article } from '../src/articles/schema.js';
import { DEFAULT_NEAR_DUPLICATE_OPTIONS, fingerprint, similarity, StoryIndex, storyWords, type Fingerprint, type NearDuplicateOptions } from '../src/search/near-duplicates.js';
import { intArg, parseCli } from './lib/args.js';
import { mulberry32, randInt, type Rng } from './lib/prng.js';

const args = parseCli(
  {
    corpus: { type: 'string', default: '../shared/corpora/bbc-news' },
    seed: { type: 'string' },
    bands: { type: 'string' },
    rows: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  'tsx bench/near-duplicates-bench.ts [--corpus DIR] [--seed N] [--bands N --rows N] [--json]',
);
const seed = intArg(args.seed, 'seed', 1);
const lsh = { bands: intArg(args.bands, 'bands', DEFAULT_NEAR_DUPLICATE_OPTIONS.bands), rows: intArg(args.rows, 'rows', DEFAULT_NEAR_DUPLICATE_OPTIONS.rows) };
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Doc {
  id: string;
  paragraphs: string[];
  category: string;
  /** For copies: the original's id. */
  of?: string;
}
type Kind = 'exact' | 'headline' | 'trimmed' | 'extended' | 'outlet-lead' | 'edited' | 'reordered' | 'wire' | 'two-outlets';
const COPY_KINDS: Kind[] = ['exact', 'headline', 'trimmed', 'extended', 'outlet-lead', 'edited', 'reordered', 'wire'];
interface Pair {
  a: string;
  b: string;
  positive: boolean;
  kind: Kind | 'same-category' | 'same-topic';
}

const load = await loadArticles(resolve(args.corpus!));
const corpus = new Corpus(load);
const rng = mulberry32(seed);
const shuffled = corpus.articles.slice();
for (let i = shuffled.length - 1; i > 0; i--) {
  const j = Math.floor(rng() * (i + 1));
  [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
}
const halves = [shuffled.slice(0, shuffled.length >> 1), shuffled.slice(shuffled.length >> 1)] as const;
const vocabulary = [...new Set(corpus.articles.flatMap((a) => storyWords(paragraphsOf(a))))];
log(`${corpus.size} articles, ${vocabulary.length} distinct words; halves ${halves[0].length} / ${halves[1].length}; seed ${seed}`);

function edit(paragraphs: string[], r: Rng, replaceShare: number, dropShare: number): string[] {
  return paragraphs.map((p) =>
    p
      .split(' ')
      .flatMap((w) => {
        const x = r();
        if (x < dropShare) return [];
        if (x < dropShare + replaceShare) return [vocabulary[Math.floor(r() * vocabulary.length)]!];
        return [w];
      })
      .join(' ') || p,
  );
}

function trim(paragraphs: string[], r: Rng, lo: number, hi: number): string[] {
  const keep = Math.max(2, Math.ceil(paragraphs.length * (lo + r() * (hi - lo))));
  return paragraphs.slice(0, keep);
}

function copyOf(x: Article, kind: Kind, r: Rng, other: readonly Article[]): string[] {
  const p = paragraphsOf(x).slice();
  const otherParagraph = () => {
    const o = other[Math.floor(r() * other.length)]!;
    return paragraphsOf(o)[Math.floor(r() * paragraphsOf(o).length)]!;
  };
  switch (kind) {
    case 'exact':
    case 'headline': // the headline is not compared, so this is the exact text under another headline
      return p;
    case 'trimmed':
      return trim(p, r, 0.4, 0.8);
    case 'extended':
      return [...p, ...Array.from({ length: randInt(r, 1, 3) }, otherParagraph)];
    case 'outlet-lead':
      return [otherParagraph(), ...p.slice(1)];
    case 'edited':
      return edit(p, r, 0.05, 0.02);
    case 'reordered': {
      const head = p.slice(0, 1);
      const rest = p.slice(1);
      for (let i = rest.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [rest[i], rest[j]] = [rest[j]!, rest[i]!];
      }
      return [...head, ...rest];
    }
    case 'wire':
    case 'two-outlets':
      return edit([otherParagraph(), ...trim(p, r, 0.5, 0.8).slice(1)], r, 0.03, 0.01);
  }
}

const sentences = (a: Article) => paragraphsOf(a).flatMap((p) => p.split(/(?<=[.!?]["']?)\s+/u)).filter((x) => x.split(' ').length >= 12);

/** BBC follow-ups: a sentence of 12+ words found verbatim in both. */
function shareSentence(a: Article, b: Article): boolean {
  const long = new Set(sentences(a));
  return sentences(b).some((x) => long.has(x));
}

function pairsFor(half: readonly Article[], other: readonly Article[], r: Rng): { docs: Doc[]; pairs: Pair[]; followUps: Pair[] } {
  const docs: Doc[] = half.map((a) => ({ id: a.id, paragraphs: [...paragraphsOf(a)], category: a.category ?? '' }));
  const pairs: Pair[] = [];
  const followUps: Pair[] = [];
  const inHalf = new Set(half.map((a) => a.id));
  const seen = new Set<string>();
  const byCategory = new Map<string, Article[]>();
  for (const a of half) byCategory.set(a.category ?? '', [...(byCategory.get(a.category ?? '') ?? []), a]);
  half.forEach((x, i) => {
    const kind = COPY_KINDS[i % COPY_KINDS.length]!;
    const copy = { id: `${x.id}--${kind}`, paragraphs: copyOf(x, kind, r, other), category: x.category ?? '', of: x.id };
    docs.push(copy);
    pairs.push({ a: x.id, b: copy.id, positive: true, kind });
    if (i % 8 === 0) {
      const one = { id: `${x.id}--outlet-1`, paragraphs: copyOf(x, 'two-outlets', r, other), category: x.category ?? '', of: x.id };
      const two = { id: `${x.id}--outlet-2`, paragraphs: copyOf(x, 'two-outlets', r, other), category: x.category ?? '', of: x.id };
      docs.push(one, two);
      pairs.push({ a: one.id, b: two.id, positive: true, kind: 'two-outlets' });
    }
    const same = byCategory.get(x.category ?? '')!;
    const negative = (y: Article, kind: 'same-category' | 'same-topic') => {
      const key = x.id < y.id ? `${x.id} ${y.id}` : `${y.id} ${x.id}`;
      if (y === x || seen.has(key)) return;
      seen.add(key);
      (shareSentence(x, y) ? followUps : pairs).push({ a: x.id, b: y.id, positive: false, kind });
    };
    negative(same[Math.floor(r() * same.length)]!, 'same-category');
    const alike = corpus.related(x, 5).find((h) => h.article.category === x.category && inHalf.has(h.article.id));
    if (alike) negative(alike.article, 'same-topic');
  });
  return { docs, pairs, followUps };
}

const sets = [pairsFor(halves[0], halves[1], mulberry32(seed + 1)), pairsFor(halves[1], halves[0], mulberry32(seed + 2))];

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}
const score = (pairs: readonly Pair[], said: (p: Pair) => boolean): Counts => {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of pairs) {
    const yes = said(p);
    if (p.positive) {
      if (yes) c.tp++;
      else c.fn++;
    } else if (yes) c.fp++;
    else c.tn++;
  }
  return c;
};
const precision = (c: Counts) => (c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp));
const recall = (c: Counts) => (c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn));

// Choose the thresholds on the first half.
const train = sets[0]!;
const trainPrints = new Map(train.docs.map((d) => [d.id, fingerprint(d.paragraphs, { ...DEFAULT_NEAR_DUPLICATE_OPTIONS, ...lsh })]));
const trainSims = new Map(train.pairs.map((p) => [p, similarity(trainPrints.get(p.a)!, trainPrints.get(p.b)!)]));
let best: { minJaccard: number; minOverlap: number; c: Counts } | null = null;
for (let j = 0.02; j <= 0.6001; j += 0.02) {
  for (let o = 0.2; o <= 0.95001; o += 0.05) {
    const c = score(train.pairs, (p) => {
      const s = trainSims.get(p)!;
      return s.jaccard >= j && s.overlap >= o;
    });
    if (precision(c) < 0.995) continue;
    if (!best || recall(c) > recall(best.c) + 1e-12 || (Math.abs(recall(c) - recall(best.c)) < 1e-12 && (o > best.minOverlap || (o === best.minOverlap && j > best.minJaccard)))) {
      best = { minJaccard: Math.round(j * 100) / 100, minOverlap: Math.round(o * 100) / 100, c };
    }
  }
}
if (!best) throw new Error('no thresholds reach precision 0.995 on the training half');
log(`chosen on half 1: minJaccard ${best.minJaccard}, minOverlap ${best.minOverlap} (train precision ${precision(best.c).toFixed(3)}, recall ${recall(best.c).toFixed(3)})`);
const options: NearDuplicateOptions = { ...DEFAULT_NEAR_DUPLICATE_OPTIONS, ...lsh, minJaccard: best.minJaccard, minOverlap: best.minOverlap };

// Report on the second half: pairwise, and grouped in one StoryIndex.
const test = sets[1]!;
const testPrints = new Map<string, Fingerprint>(test.docs.map((d) => [d.id, fingerprint(d.paragraphs, options)]));
const pairwise = (p: Pair) => {
  const s = similarity(testPrints.get(p.a)!, testPrints.get(p.b)!);
  return s.jaccard >= options.minJaccard && s.overlap >= options.minOverlap;
};
const index = new StoryIndex(options);
const started = performance.now();
for (const d of test.docs) index.add({ id: d.id, paragraphs: d.paragraphs, publishedMs: Number.NaN });
const buildMs = performance.now() - started;
const grouped = (p: Pair) => index.storyOf(p.a)!.id === index.storyOf(p.b)!.id;

const kinds = [...COPY_KINDS, 'two-outlets', 'same-category', 'same-topic'] as const;
const rows = kinds.map((kind) => {
  const ps = test.pairs.filter((p) => p.kind === kind);
  const pw = score(ps, pairwise);
  const gr = score(ps, grouped);
  return { kind, pairs: ps.length, positive: ps[0]?.positive ?? false, pairwise: pw, grouped: gr };
});
const edited = test.pairs.filter((p) => !p.positive || (p.kind !== 'exact' && p.kind !== 'headline'));
const summary = {
  seed,
  corpus: corpus.size,
  options,
  train: { pairs: train.pairs.length, precision: precision(best.c), recall: recall(best.c) },
  test: {
    pairs: test.pairs.length,
    docs: test.docs.length,
    pairwise: { all: score(test.pairs, pairwise), edited: score(edited, pairwise) },
    grouped: { all: score(test.pairs, grouped), edited: score(edited, grouped) },
    buildMs: Math.round(buildMs),
    comparisons: index.comparisons,
    stories: [...index.stories()].filter((s) => s.size > 1).length,
  },
  followUps: { pairs: test.followUps.length, grouped: test.followUps.filter(grouped).length },
  rows,
};

// Cost on the whole corpus: grouping every article from scratch (what a start-up pays), then
// one article changed at a time (what a reload that touches one file pays).
const whole = new StoryIndex(options);
const wholeStarted = performance.now();
for (const a of corpus.articles) whole.add({ id: a.id, paragraphs: paragraphsOf(a), publishedMs: Number.NaN });
const wholeMs = performance.now() - wholeStarted;
const changes = 200;
const changeStarted = performance.now();
for (let k = 0; k < changes; k++) {
  const a = corpus.articles[Math.floor(rng() * corpus.size)]!;
  whole.remove(a.id);
  whole.add({ id: a.id, paragraphs: paragraphsOf(a), publishedMs: Number.NaN });
}
const changeUs = ((performance.now() - changeStarted) * 1000) / changes;
Object.assign(summary, { cost: { wholeCorpusMs: Math.round(wholeMs), oneArticleChangedUs: Math.round(changeUs) } });

if (args.json) console.log(JSON.stringify(summary, null, 2));
else {
  const f = (x: number) => x.toFixed(3);
  const line = (name: string, c: Counts) => `| ${name} | ${c.tp + c.fn + c.fp + c.tn} | ${f(precision(c))} | ${f(recall(c))} | ${c.tp} | ${c.fp} | ${c.fn} |`;
  console.log(`Seed ${seed}; ${corpus.size} BBC articles; thresholds chosen on half 1 (${train.pairs.length} pairs): minJaccard ${options.minJaccard}, minOverlap ${options.minOverlap}; bands ${options.bands} × rows ${options.rows}.`);
  console.log(`Half 2: ${test.pairs.length} labelled pairs over ${test.docs.length} articles and copies; StoryIndex built one article at a time in ${Math.round(buildMs)} ms, ${index.comparisons} candidate pairs compared.\n`);
  console.log('| half 2 | pairs | precision | recall | TP | FP | FN |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(line('pairwise, all', summary.test.pairwise.all));
  console.log(line('pairwise, edited copies + negatives', summary.test.pairwise.edited));
  console.log(line('grouped (same story), all', summary.test.grouped.all));
  console.log(line('grouped (same story), edited copies + negatives', summary.test.grouped.edited));
  console.log('\n| kind | pairs | grouped: same story | pairwise: same |\n| --- | ---: | ---: | ---: |');
  for (const r of rows) {
    const g = r.positive ? r.grouped.tp : r.grouped.fp;
    const w = r.positive ? r.pairwise.tp : r.pairwise.fp;
    console.log(`| ${r.kind} (${r.positive ? 'copy' : 'different story'}) | ${r.pairs} | ${g} (${f(g / Math.max(1, r.pairs))}) | ${w} (${f(w / Math.max(1, r.pairs))}) |`);
  }
  console.log(`\nBBC follow-ups (share a 12+ word sentence; not labelled): ${summary.followUps.pairs} pairs, ${summary.followUps.grouped} grouped.`);
  console.log(`\nCost: all ${corpus.size} BBC articles grouped from scratch in ${Math.round(wholeMs)} ms; one article removed and added again: ${Math.round(changeUs)} µs (mean of ${changes}).`);
}
if (process.env.SHOW_FP) {
  const byId = new Map(corpus.articles.map((a) => [a.id, a]));
  for (const p of test.pairs.filter((p) => !p.positive && pairwise(p))) {
    const s = similarity(testPrints.get(p.a)!, testPrints.get(p.b)!);
    log(`FP ${s.jaccard.toFixed(2)} ${s.overlap.toFixed(2)} ${testPrints.get(p.a)!.shingles}/${testPrints.get(p.b)!.shingles} ${byId.get(p.a)!.title} | ${byId.get(p.b)!.title}`);
  }
  for (const p of test.pairs.filter((p) => p.positive && !pairwise(p)).slice(0, 15)) {
    const s = similarity(testPrints.get(p.a)!, testPrints.get(p.b)!);
    log(`FN ${p.kind} ${s.jaccard.toFixed(2)} ${s.overlap.toFixed(2)} ${testPrints.get(p.a)!.shingles}/${testPrints.get(p.b)!.shingles}`);
  }
}
