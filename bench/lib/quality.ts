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
 * An answer counts when the target, or an exact textual duplicate of it, is in the top 10.
 */
import type { BenchDoc } from './corpus.js';
import type { EngineAdapter } from './engines.js';
import { pick, type Rng } from './prng.js';
import { terms } from './queries.js';

export const QUERY_KINDS = ['random-3', 'random-2', 'random-5', 'adjacent-2', 'headline', 'typo-substituted', 'typo-swapped'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface TargetedQuery {
  q: string;
  doc: number;
}

/** True for the kinds that engines answer with typo tolerance turned on. */
export const isTypoKind = (kind: QueryKind): boolean => kind.startsWith('typo');

const isWord = (t: string): boolean => terms(t).length === 1 && terms(t)[0] === t;

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

/** One query of `kind` for `doc`, or null when the article cannot give one. */
function makeQuery(rng: Rng, kind: QueryKind, doc: BenchDoc): string | null {
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
  }
}

/** `count` queries of `kind`, each from a different target article. */
export function querySet(rng: Rng, kind: QueryKind, docs: readonly BenchDoc[], count: number): TargetedQuery[] {
  const out: TargetedQuery[] = [];
  const used = new Set<number>();
  for (let tries = 0; out.length < count && used.size < docs.length && tries < count * 50; tries++) {
    const doc = Math.floor(rng() * docs.length);
    if (used.has(doc)) continue;
    used.add(doc);
    const q = makeQuery(rng, kind, docs[doc]!);
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
 * spelling corrector in front of BM25 would.
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
  const scoreAll = (q: string, fuzzy: boolean): Map<number, number> => {
    const scores = new Map<number, number>();
    for (const raw of new Set(q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean))) {
      const p = postings.get(fuzzy ? correct(raw) : raw);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5));
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i]!;
        const tf = p.tfs[i]!;
        const s = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[d]!) / average));
        scores.set(d, (scores.get(d) ?? 0) + s);
      }
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
