/**
 * Held-out known-item query sets for ranking quality (issue 11), a plain BM25 peer, and a
 * paired bootstrap.
 *
 * Every query is made from one target article chosen uniformly at random (distinct targets per
 * set); its words are chosen uniformly at random among the target's words (never "the most
 * distinctive ones"). Words are those of {@link terms} (3+ ASCII letters, not a function word),
 * so every engine's tokenizer sees the same words. The kinds:
 *
 * - `random-3`, `random-2`, `random-5`: k distinct body words (title excluded) of the target.
 * - `adjacent-2`: two body words standing next to each other in a paragraph (consecutive
 *   tokens of the raw text, both query words), unquoted.
 * - `headline`: the headline's words with one dropped and another replaced by a random body
 *   word of the target that is not in the headline (needs 3+ headline words).
 * - `typo-substituted`: 3 distinct body words; one of those with 5+ letters gets one letter
 *   replaced by a different random letter. Engines that can search with typos are asked to.
 * - `typo-swapped`: the same, with two different neighbouring letters swapped instead.
 *
 * Kinds added in session 10 (readers' queries never measured before; "runs" are the words of a
 * paragraph split at whitespace, a run ending at any punctuation, so the words stand next to each
 * other in a sentence):
 *
 * - `name`: two neighbouring capitalised body words of a run (`Tony Blair`, `Downing Street`),
 *   neither a function word, as typed.
 * - `name-lower`: the same pairs in lower case (`tony blair`).
 * - `quoted`: a quoted phrase (`"…"`) of 2 or 3 neighbouring words of a run (equally likely),
 *   function words allowed, at least one query word.
 * - `natural-4`: 4 lower-case words as a reader types them: 2 distinct body words and 2 distinct
 *   function words of the target's body (`the`, `about`, `said`…), in random order.
 * - `lead-fragment`: 6 to 8 consecutive words (equally likely) of the first paragraph, split at
 *   whitespace with the punctuation around each word dropped, case as written.
 * - `rare-1`: one body word whose document frequency is 2 to 10 (df 1 would be found by every
 *   engine).
 * - `prefix`: a body word and the prefix (4 letters up to one short of the word) of another
 *   body word of 6+ letters, typed `elect*`, in random order.
 * - `title-body`: one headline word and one body word that is not in the headline, random order.
 * - `inflected`: 3 distinct body words, one of them replaced by another form of it made with a
 *   regular English suffix (`-s`, `-es`, `-ies`/`-y`, `-ed`, `-ing`, and the reverse) that some
 *   other article holds and the target holds nowhere (stemming recall).
 *
 * Kinds added in session 11 (round 2; "tokens" are the words of a paragraph split at whitespace
 * with the punctuation around each dropped, as written):
 *
 * - `hyphen-apostrophe`: a body token joining letters with inner hyphens or apostrophes
 *   (`year-on-year`, `o'sullivan`, `blair's`), typed in lower case, and another body word, random
 *   order.
 * - `number-word`: a body token holding a digit (`2005`, `£10m`, `4.75%`, `7-5`) as written, and a
 *   body word, random order.
 * - `accent-typed`: 3 distinct body words, one (with a vowel) typed with an accent on one of its
 *   vowels (`mínister`): the reader's keyboard adds what the text lacks (the BBC text holds no
 *   accented letter at all, so the other direction, an accented text typed plain, cannot be
 *   sampled from it).
 * - `mixed-case`: a body token of letters with a capital right after a small letter (`iPod`,
 *   `eBay`, `McLaren`, `PlayStation`) as written, and a body word, random order (fewer than 500
 *   BBC articles hold one: the set is as large as they allow).
 * - `long-8`: 8 to 10 (equally likely) distinct body words, random order.
 * - `quoted-stop`: a quoted phrase of 3 to 5 neighbouring words of a run holding at least two
 *   function words and one query word (`"the bank of england"`).
 * - `one-absent`: 3 distinct body words and, at a random place among them, a body word of another
 *   article (uniform) that the target holds nowhere: a query typed from memory, one word wrong.
 *
 * An answer counts when the target, or an exact textual duplicate of it, is in the top 10.
 */
import type { BenchDoc } from './corpus.js';
import type { EngineAdapter } from './engines.js';
import { pick, type Rng } from './prng.js';
import { terms } from './queries.js';
import { FUNCTION_WORDS } from './vocabulary.js';

/** The kinds measured since session 3 (bench/search-answers.ts's `sha256` covers these). */
export const FIRST_KINDS = ['random-3', 'random-2', 'random-5', 'adjacent-2', 'headline', 'typo-substituted', 'typo-swapped'] as const;
/** Kinds added in session 10: queries readers type that the first kinds do not cover. */
export const READER_KINDS = ['name', 'name-lower', 'quoted', 'natural-4', 'lead-fragment', 'rare-1', 'prefix', 'title-body', 'inflected'] as const;
/** Kinds added in session 11 (round 2 of readers' queries). */
export const ROUND2_KINDS = ['hyphen-apostrophe', 'number-word', 'accent-typed', 'mixed-case', 'long-8', 'quoted-stop', 'one-absent'] as const;
// New kinds go at the end: a kind's query set is seeded by its position here.
export const QUERY_KINDS = [...FIRST_KINDS, ...READER_KINDS, ...ROUND2_KINDS] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface TargetedQuery {
  q: string;
  doc: number;
}

/** True for the kinds that engines answer with typo tolerance turned on. */
export const isTypoKind = (kind: QueryKind): boolean => kind.startsWith('typo');

const isWord = (t: string): boolean => terms(t).length === 1 && terms(t)[0] === t;

const FUNCTION = new Set(FUNCTION_WORDS.map(([w]) => w));

/**
 * A paragraph's runs of words standing next to each other in a sentence: split at whitespace,
 * a word with punctuation at either end closes the run (after itself when it trails, before when
 * it leads); only words of letters are kept, anything else (`Blair's`, `£5m`) ends the run too.
 */
function runs(paragraph: string): string[][] {
  const out: string[][] = [];
  let run: string[] = [];
  const close = () => {
    if (run.length > 0) out.push(run);
    run = [];
  };
  for (const raw of paragraph.split(/\s+/)) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (/^[^\p{L}\p{N}]/u.test(raw)) close();
    if (!/^[A-Za-z]+$/.test(word)) {
      close();
      continue;
    }
    run.push(word);
    if (/[^\p{L}\p{N}]$/u.test(raw)) close();
  }
  close();
  return out;
}

const isName = (w: string): boolean => /^[A-Z][a-z]+[A-Za-z]*$/.test(w) && !FUNCTION.has(w.toLowerCase());

/** Every pair of neighbouring capitalised body words (`Tony Blair`), as written. */
function namePairs(doc: BenchDoc): string[] {
  const out: string[] = [];
  for (const p of doc.paragraphs)
    for (const run of runs(p)) for (let i = 0; i + 1 < run.length; i++) if (isName(run[i]!) && isName(run[i + 1]!) && run[i] !== run[i + 1]) out.push(`${run[i]} ${run[i + 1]}`);
  return out;
}

/** Other forms of `w` made with regular English suffixes (not checked against any dictionary). */
function inflections(w: string): string[] {
  const out = [`${w}s`, `${w}es`, `${w}ed`, `${w}ing`];
  if (w.endsWith('e')) out.push(`${w}d`, `${w.slice(0, -1)}ing`);
  if (/[^aeiou]y$/.test(w)) out.push(`${w.slice(0, -1)}ies`, `${w.slice(0, -1)}ied`);
  if (w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`);
  if (w.endsWith('es')) out.push(w.slice(0, -2));
  if (w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  if (w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  if (w.endsWith('ing')) out.push(w.slice(0, -3), `${w.slice(0, -3)}e`);
  return [...new Set(out)].filter((f) => f !== w && f.length >= 3);
}

/** Document frequency of every word of {@link terms} over headline and body: what `rare-1` and `inflected` need. */
function documentFrequencies(docs: readonly BenchDoc[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set([...terms(d.title), ...d.paragraphs.flatMap((p) => terms(p))])) df.set(t, (df.get(t) ?? 0) + 1);
  return df;
}

/** A paragraph's tokens: split at whitespace, the punctuation around each dropped, as written. */
function tokens(paragraph: string): string[] {
  return paragraph
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}£$€]+|[^\p{L}\p{N}%]+$/gu, ''))
    .filter(Boolean);
}

/** The distinct body tokens of `doc` that `test` accepts. */
function bodyTokens(doc: BenchDoc, test: (t: string) => boolean): string[] {
  return [...new Set(doc.paragraphs.flatMap((p) => tokens(p)).filter(test))];
}

/** `words` in random order. */
const shuffled = (rng: Rng, words: readonly string[]): string => sample(rng, words, words.length).join(' ');

const ACCENTS: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ó', u: 'ú' };

function bodyWords(doc: BenchDoc): string[] {
  return [...new Set(doc.paragraphs.flatMap((p) => terms(p)))];
}

/** `k` distinct items of `items`, uniformly (partial Fisher-Yates on a copy). */
function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const copy = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, k);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function substituteLetter(rng: Rng, w: string): string {
  const at = Math.floor(rng() * w.length);
  let c = w[at]!;
  while (c === w[at]) c = pick(rng, [...LETTERS]);
  return w.slice(0, at) + c + w.slice(at + 1);
}

function swapLetters(rng: Rng, w: string): string | null {
  const spots: number[] = [];
  for (let i = 0; i + 1 < w.length; i++) if (w[i] !== w[i + 1]) spots.push(i);
  if (spots.length === 0) return null;
  const i = pick(rng, spots);
  return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
}

/** One query of `kind` for `doc`, or null when the article cannot give one; `df` and `others` only for the kinds that need them. */
function makeQuery(rng: Rng, kind: QueryKind, doc: BenchDoc, df: Map<string, number> | null, others: readonly string[][] | null): string | null {
  switch (kind) {
    case 'random-2':
    case 'random-3':
    case 'random-5': {
      const k = Number(kind.slice(-1));
      const words = bodyWords(doc);
      return words.length < k ? null : sample(rng, words, k).join(' ');
    }
    case 'adjacent-2': {
      const pairs: string[] = [];
      for (const p of doc.paragraphs) {
        const tokens = p.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
        for (let i = 0; i + 1 < tokens.length; i++) {
          const a = tokens[i]!;
          const b = tokens[i + 1]!;
          if (a !== b && isWord(a) && isWord(b)) pairs.push(`${a} ${b}`);
        }
      }
      return pairs.length === 0 ? null : pick(rng, pairs);
    }
    case 'headline': {
      const title = [...new Set(terms(doc.title))];
      const extra = bodyWords(doc).filter((w) => !title.includes(w));
      if (title.length < 3 || extra.length === 0) return null;
      const drop = Math.floor(rng() * title.length);
      let replace = Math.floor(rng() * (title.length - 1));
      if (replace >= drop) replace++;
      const out = title.slice();
      out[replace] = pick(rng, extra);
      out.splice(drop, 1);
      return out.join(' ');
    }
    case 'typo-substituted':
    case 'typo-swapped': {
      const words = bodyWords(doc);
      if (words.length < 3) return null;
      const chosen = sample(rng, words, 3);
      const long = chosen.map((w, i) => (w.length >= 5 ? i : -1)).filter((i) => i >= 0);
      if (long.length === 0) return null;
      const i = pick(rng, long);
      const typo = kind === 'typo-swapped' ? swapLetters(rng, chosen[i]!) : substituteLetter(rng, chosen[i]!);
      if (typo === null) return null;
      chosen[i] = typo;
      return chosen.join(' ');
    }
    case 'name':
    case 'name-lower': {
      const pairs = namePairs(doc);
      if (pairs.length === 0) return null;
      const pair = pick(rng, pairs);
      return kind === 'name' ? pair : pair.toLowerCase();
    }
    case 'quoted': {
      const length = rng() < 0.5 ? 2 : 3;
      const spans: string[] = [];
      for (const p of doc.paragraphs)
        for (const run of runs(p))
          for (let i = 0; i + length <= run.length; i++) {
            const words = run.slice(i, i + length).map((w) => w.toLowerCase());
            if (words.some(isWord)) spans.push(words.join(' '));
          }
      return spans.length === 0 ? null : `"${pick(rng, spans)}"`;
    }
    case 'natural-4': {
      const tokens = doc.paragraphs.flatMap((p) => p.toLowerCase().split(/[^\p{L}\p{N}]+/u));
      const functionWords = [...new Set(tokens.filter((t) => FUNCTION.has(t)))];
      const words = bodyWords(doc);
      if (functionWords.length < 2 || words.length < 2) return null;
      return sample(rng, [...sample(rng, words, 2), ...sample(rng, functionWords, 2)], 4).join(' ');
    }
    case 'lead-fragment': {
      const length = 6 + Math.floor(rng() * 3);
      const words = (doc.paragraphs[0] ?? '')
        .split(/\s+/)
        .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
        .filter(Boolean);
      if (words.length < length) return null;
      const at = Math.floor(rng() * (words.length - length + 1));
      return words.slice(at, at + length).join(' ');
    }
    case 'rare-1': {
      const rare = bodyWords(doc).filter((w) => {
        const n = df!.get(w) ?? 0;
        return n >= 2 && n <= 10;
      });
      return rare.length === 0 ? null : pick(rng, rare);
    }
    case 'prefix': {
      const words = bodyWords(doc);
      const long = words.filter((w) => w.length >= 6);
      if (long.length === 0 || words.length < 2) return null;
      const stem = pick(rng, long);
      const other = pick(rng, words.filter((w) => w !== stem));
      const prefix = `${stem.slice(0, 4 + Math.floor(rng() * (stem.length - 4)))}*`;
      return rng() < 0.5 ? `${other} ${prefix}` : `${prefix} ${other}`;
    }
    case 'title-body': {
      const title = [...new Set(terms(doc.title))];
      const body = bodyWords(doc).filter((w) => !title.includes(w));
      if (title.length === 0 || body.length === 0) return null;
      const pair = [pick(rng, title), pick(rng, body)];
      return (rng() < 0.5 ? pair : pair.reverse()).join(' ');
    }
    case 'inflected': {
      const words = bodyWords(doc);
      const held = new Set([...terms(doc.title), ...words]);
      const forms = (w: string) => inflections(w).filter((f) => !held.has(f) && (df!.get(f) ?? 0) > 0);
      const inflectable = words.filter((w) => forms(w).length > 0);
      if (inflectable.length === 0 || words.length < 3) return null;
      const word = pick(rng, inflectable);
      const others = sample(rng, words.filter((w) => w !== word), 2);
      return sample(rng, [pick(rng, forms(word)), ...others], 3).join(' ');
    }
    case 'hyphen-apostrophe':
    case 'number-word':
    case 'mixed-case': {
      const test =
        kind === 'hyphen-apostrophe'
          ? (t: string) => /^[A-Za-z]+(?:['’-][A-Za-z]+)+$/.test(t)
          : kind === 'number-word'
            ? (t: string) => /\d/.test(t)
            : (t: string) => /^[A-Za-z]+$/.test(t) && /[a-z][A-Z]/.test(t);
      const special = bodyTokens(doc, test);
      const words = bodyWords(doc);
      if (special.length === 0 || words.length === 0) return null;
      const token = pick(rng, special);
      return shuffled(rng, [kind === 'hyphen-apostrophe' ? token.toLowerCase() : token, pick(rng, words)]);
    }
    case 'accent-typed': {
      const words = bodyWords(doc);
      if (words.length < 3) return null;
      const chosen = sample(rng, words, 3);
      const vowels = [...chosen[0]!].map((c, i) => (c in ACCENTS ? i : -1)).filter((i) => i >= 0);
      if (vowels.length === 0) return null;
      const at = pick(rng, vowels);
      chosen[0] = chosen[0]!.slice(0, at) + ACCENTS[chosen[0]![at]!]! + chosen[0]!.slice(at + 1);
      return shuffled(rng, chosen);
    }
    case 'long-8': {
      const k = 8 + Math.floor(rng() * 3);
      const words = bodyWords(doc);
      return words.length < k ? null : sample(rng, words, k).join(' ');
    }
    case 'quoted-stop': {
      const length = 3 + Math.floor(rng() * 3);
      const spans: string[] = [];
      for (const p of doc.paragraphs)
        for (const run of runs(p))
          for (let i = 0; i + length <= run.length; i++) {
            const words = run.slice(i, i + length).map((w) => w.toLowerCase());
            if (words.filter((w) => FUNCTION.has(w)).length >= 2 && words.some(isWord)) spans.push(words.join(' '));
          }
      return spans.length === 0 ? null : `"${pick(rng, spans)}"`;
    }
    case 'one-absent': {
      const words = bodyWords(doc);
      if (words.length < 3) return null;
      const held = new Set([...terms(doc.title), ...words]);
      const absent = pick(rng, others!).filter((w) => !held.has(w));
      if (absent.length === 0) return null;
      const chosen = sample(rng, words, 3);
      chosen.splice(Math.floor(rng() * 4), 0, pick(rng, absent));
      return chosen.join(' ');
    }
  }
}

/** `count` queries of `kind`, each from a different target article. */
export function querySet(rng: Rng, kind: QueryKind, docs: readonly BenchDoc[], count: number): TargetedQuery[] {
  const out: TargetedQuery[] = [];
  const used = new Set<number>();
  const df = kind === 'rare-1' || kind === 'inflected' ? documentFrequencies(docs) : null;
  // one-absent: every article's body words, to draw the wrong word from (an article drawn uniformly)
  const others = kind === 'one-absent' ? docs.map(bodyWords) : null;
  for (let tries = 0; out.length < count && used.size < docs.length && tries < count * 50; tries++) {
    const doc = Math.floor(rng() * docs.length);
    if (used.has(doc)) continue;
    used.add(doc);
    const q = makeQuery(rng, kind, docs[doc]!, df, others);
    if (q !== null) out.push({ q, doc });
  }
  return out;
}

/** Damerau (optimal string alignment) distance of two strings when at most `max`, else `max + 1`. */
export function damerau(a: string, b: string, max = Infinity): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let before = new Array<number>(lb + 1).fill(0);
  let previous = Array.from({ length: lb + 1 }, (_, j) => j);
  let current = new Array<number>(lb + 1).fill(0);
  for (let i = 1; i <= la; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[lb]!, max + 1);
}

/**
 * Textbook BM25 over one field (headline and paragraphs as one text), k1 1.2, b 0.75,
 * idf `ln(1 + (N − df + 0.5)/(df + 0.5))`, no stemming, query words ORed and scores summed.
 * With typo tolerance asked for, a query word that is not in the vocabulary is replaced by the
 * most frequent word within Damerau distance 1 (2 for words of 8+ letters), as a simple
 * spelling corrector in front of BM25 would. A word typed `elect*` scores, in each article, as its
 * best-scoring word starting with `elect`; quotes are ignored (no phrase search).
 */
export function plainBm25Adapter(): EngineAdapter {
  const k1 = 1.2;
  const b = 0.75;
  let postings = new Map<string, { docs: Uint32Array; tfs: Uint16Array }>();
  let lengths = new Float64Array(0);
  let average = 0;
  let n = 0;
  let byLength = new Map<number, string[]>();
  const correct = (w: string): string => {
    if (postings.has(w)) return w;
    const max = w.length >= 8 ? 2 : 1;
    let best = w;
    let bestDf = 0;
    for (let len = w.length - max; len <= w.length + max; len++) {
      for (const c of byLength.get(len) ?? []) {
        const df = postings.get(c)!.docs.length;
        if (df > bestDf && damerau(w, c, max) <= max) {
          best = c;
          bestDf = df;
        }
      }
    }
    return best;
  };
  const termScores = (word: string, into: Map<number, number>): void => {
    const p = postings.get(word);
    if (!p) return;
    const idf = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
    for (let i = 0; i < p.docs.length; i++) {
      const d = p.docs[i]!;
      const tf = p.tfs[i]!;
      const s = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[d]!) / average));
      into.set(d, Math.max(into.get(d) ?? 0, s));
    }
  };
  const scoreAll = (q: string, fuzzy: boolean): Map<number, number> => {
    const scores = new Map<number, number>();
    const add = (part: Map<number, number>) => {
      for (const [d, s] of part) scores.set(d, (scores.get(d) ?? 0) + s);
    };
    // a word typed `elect*`: each article scores its best-scoring word starting with `elect`
    const prefixes = new Set(q.toLowerCase().split(/\s+/).filter((w) => w.endsWith('*')).map((w) => w.replace(/[^\p{L}\p{N}]+/gu, '')));
    for (const prefix of prefixes) {
      const part = new Map<number, number>();
      for (const t of postings.keys()) if (t.startsWith(prefix)) termScores(t, part);
      add(part);
    }
    const plain = q.toLowerCase().split(/\s+/).filter((w) => !w.endsWith('*')).join(' ');
    for (const raw of new Set(plain.split(/[^\p{L}\p{N}]+/u).filter(Boolean))) {
      const part = new Map<number, number>();
      termScores(fuzzy ? correct(raw) : raw, part);
      add(part);
    }
    return scores;
  };
  return {
    name: 'plain BM25',
    build(docs) {
      n = docs.length;
      lengths = new Float64Array(n);
      const lists = new Map<string, { docs: number[]; tfs: number[] }>();
      docs.forEach((doc, d) => {
        const tokens = `${doc.title}\n${doc.paragraphs.join('\n')}`.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
        lengths[d] = tokens.length;
        const tf = new Map<string, number>();
        for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
        for (const [t, f] of tf) {
          let l = lists.get(t);
          if (!l) lists.set(t, (l = { docs: [], tfs: [] }));
          l.docs.push(d);
          l.tfs.push(f);
        }
      });
      average = lengths.reduce((a, x) => a + x, 0) / Math.max(1, n);
      postings = new Map([...lists].map(([t, l]) => [t, { docs: Uint32Array.from(l.docs), tfs: Uint16Array.from(l.tfs) }]));
      byLength = new Map();
      for (const t of postings.keys()) {
        let bucket = byLength.get(t.length);
        if (!bucket) byLength.set(t.length, (bucket = []));
        bucket.push(t);
      }
    },
    search(q, opts) {
      return [...scoreAll(q, opts?.fuzzy === true)]
        .sort((x, y) => y[1] - x[1] || x[0] - y[0])
        .slice(0, 10)
        .map(([d]) => d);
    },
    matchCount(q) {
      return scoreAll(q, false).size;
    },
  };
}

/** Paired bootstrap of the mean difference `a − b` (per-query values): 95% percentile interval. */
export function pairedBootstrap(rng: Rng, a: readonly number[], b: readonly number[], resamples = 2000): { mean: number; low: number; high: number } {
  const n = a.length;
  const diff = a.map((x, i) => x - b[i]!);
  const mean = diff.reduce((s, x) => s + x, 0) / Math.max(1, n);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diff[Math.floor(rng() * n)]!;
    means[r] = s / Math.max(1, n);
  }
  means.sort();
  return { mean, low: means[Math.floor(0.025 * resamples)]!, high: means[Math.min(resamples - 1, Math.floor(0.975 * resamples))]! };
}
