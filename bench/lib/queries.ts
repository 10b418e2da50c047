/**
 * Seeded query sets for the search benchmark.
 *
 * Terms: the text is split on anything that is not a letter or digit and lower-cased;
 * only tokens of 3+ ASCII letters that are not English function words are used as query
 * terms, so every engine's default tokenizer sees exactly the same words.
 *
 * - two-term: pick a random doc, then 2 distinct terms of its body whose document
 *   frequency is "mid": df in [max(3, ceil(N/500)), floor(N/20)] (0.2%..5% of docs).
 *   Every query therefore has at least one AND match.
 * - known-item: pick distinct random docs; candidates = body terms that are not in the
 *   title with the same mid df band [max(3, ceil(N/500)), floor(N/20)] (so no near-unique
 *   rare words); take the 3 with the highest tf * ln(N/df) (ties: alphabetical). Docs with
 *   < 3 candidates are skipped.
 *   The relevant answer is that doc (or an exact textual duplicate of it).
 */
import type { BenchDoc } from './corpus.js';
import { mulberry32, type Rng } from './prng.js';
import { FUNCTION_WORDS } from './vocabulary.js';

const STOP = new Set(FUNCTION_WORDS.map(([w]) => w));

export function terms(text: string): string[] {
  const out: string[] = [];
  for (const t of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (t.length >= 3 && /^[a-z]+$/.test(t) && !STOP.has(t)) out.push(t);
  }
  return out;
}

export interface KnownItemQuery {
  q: string;
  doc: number;
}

export class QueryFactory {
  /** Document frequency of every term (title + body). */
  readonly df = new Map<string, number>();
  private readonly n: number;

  constructor(private readonly docs: readonly BenchDoc[]) {
    this.n = docs.length;
    for (const d of docs) {
      const seen = new Set(terms(d.title));
      for (const p of d.paragraphs) for (const t of terms(p)) seen.add(t);
      for (const t of seen) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  private bodyTerms(doc: BenchDoc): string[] {
    return doc.paragraphs.flatMap((p) => terms(p));
  }

  twoTerm(rng: Rng, count: number): string[] {
    const lo = Math.max(3, Math.ceil(this.n / 500));
    const hi = Math.floor(this.n / 20);
    const out: string[] = [];
    for (let tries = 0; out.length < count && tries < count * 50; tries++) {
      const doc = this.docs[Math.floor(rng() * this.n)]!;
      const cands = [...new Set(this.bodyTerms(doc))].filter((t) => {
        const df = this.df.get(t) ?? 0;
        return df >= lo && df <= hi;
      });
      if (cands.length < 2) continue;
      const a = Math.floor(rng() * cands.length);
      let b = Math.floor(rng() * (cands.length - 1));
      if (b >= a) b++;
      out.push(`${cands[a]} ${cands[b]}`);
    }
    return out;
  }

  knownItem(rng: Rng, count: number): KnownItemQuery[] {
    const lo = Math.max(3, Math.ceil(this.n / 500));
    const hi = Math.floor(this.n / 20);
    const used = new Set<number>();
    const out: KnownItemQuery[] = [];
    for (let tries = 0; out.length < count && tries < count * 50 && used.size < this.n; tries++) {
      const i = Math.floor(rng() * this.n);
      if (used.has(i)) continue;
      used.add(i);
      const doc = this.docs[i]!;
      const inTitle = new Set(terms(doc.title));
      const tf = new Map<string, number>();
      for (const t of this.bodyTerms(doc)) if (!inTitle.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
      const scored: Array<[string, number]> = [];
      for (const [t, f] of tf) {
        const df = this.df.get(t) ?? 0;
        if (df >= lo && df <= hi) scored.push([t, f * Math.log(this.n / df)]);
      }
      if (scored.length < 3) continue;
      scored.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      out.push({ q: scored.slice(0, 3).map(([t]) => t).join(' '), doc: i });
    }
    return out;
  }
}

/**
 * The HTTP bench's uncached search URLs (`npm run bench -- --seed N`): a headline drawn
 * uniformly, then two of its distinct words (4+ letters) drawn uniformly, until `want` distinct
 * pairs; as `/search?q=…` paths. bench/search-cpu.ts, search-gap.ts and http/search-load.ts draw
 * the same way, so their figures are for the same kind of query.
 */
export function headlinePairQueries(titles: readonly string[], seed: number, want: number): string[] {
  const distinctWords = (title: string) => (title.toLowerCase().match(/[a-z]{4,}/gu) ?? []).filter((w, k, a) => a.indexOf(w) === k);
  const rng = mulberry32(seed);
  const out = new Set<string>();
  for (let tries = 0; out.size < want && tries < want * 20; tries++) {
    const words = distinctWords(titles[Math.floor(rng() * titles.length)]!);
    if (words.length < 2) continue;
    const a = Math.floor(rng() * words.length);
    const b = (a + 1 + Math.floor(rng() * (words.length - 1))) % words.length;
    out.add(`${words[a]} ${words[b]}`);
  }
  return [...out];
}
