/**
 * Search benchmark (throwaway tool, not part of the test suite).
 *
 *   node --expose-gc --import tsx bench/search/bench.ts [bbc|synthetic] [nDocs] [--minisearch]
 *
 * bbc: BBC corpus (../shared/corpora/bbc-news): build time, memory, query latency, MRR@10
 * against MiniSearch. synthetic: nDocs articles of ~400 words sampled (Zipf-like) from the BBC
 * vocabulary, 8 paragraphs each.
 */
import MiniSearch from 'minisearch';
import { parseQuery, SearchIndex, topK } from '../../src/search/index.js';
import type { SearchDocument } from '../../src/search/index.js';
import { knownItemQueries, loadBbc, rng } from '../../tests/search/bbc-corpus.js';

const mode = process.argv[2] ?? 'bbc';
const nDocs = Number(process.argv[3] ?? 100_000);
const withMini = process.argv.includes('--minisearch');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mem = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const MB = (b: number): string => (b / 1e6).toFixed(1) + ' MB';
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const mPre = mem();
const bbc = loadBbc();
const m0 = mode === 'bbc' ? mPre : mem();
let docs: Array<SearchDocument & { category: string }>;
if (mode === 'synthetic') {
  // vocabulary with corpus frequencies; sample words by frequency
  const counts = new Map<string, number>();
  for (const d of bbc) for (const w of d.paragraphs.join(' ').split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.keys()];
  const cum = new Float64Array(words.length);
  let acc = 0;
  words.forEach((w, i) => (cum[i] = acc += counts.get(w)!));
  const r = rng(7);
  const pick = (): string => {
    const x = r() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (cum[m]! < x) lo = m + 1;
      else hi = m;
    }
    return words[lo]!;
  };
  const cats = ['business', 'entertainment', 'politics', 'sport', 'tech'];
  docs = [];
  for (let i = 0; i < nDocs; i++) {
    const paras: string[] = [];
    for (let p = 0; p < 8; p++) paras.push(Array.from({ length: 50 }, pick).join(' '));
    docs.push({ title: Array.from({ length: 8 }, pick).join(' '), paragraphs: paras, category: cats[i % 5]! });
  }
} else docs = bbc;
let rawBytes = 0;
for (const d of docs) rawBytes += Buffer.byteLength(d.title) + d.paragraphs.reduce((s, p) => s + Buffer.byteLength(p), 0);
const m1 = mem();
console.log(`${mode}: ${docs.length} docs, raw text ${MB(rawBytes)}, records heap ${MB(m1 - m0)}`);

let t = performance.now();
const idx = SearchIndex.build(docs);
const buildMs = performance.now() - t;
const m2 = mem();
console.log(`SearchIndex build ${buildMs.toFixed(0)} ms, index heap ${MB(m2 - m1)}, (records+index)/raw = ${((m2 - m0) / rawBytes).toFixed(2)}x, vocab ${idx.vocabularySize}`);

// queries: two-term queries from random document words (+ facet counting by category)
const r = rng(3);
const queryWords = (d: SearchDocument): string[] => d.paragraphs.join(' ').toLowerCase().match(/[a-z]{4,}/g) ?? [];
const twoTerm: string[] = [];
for (let i = 0; i < 300; i++) {
  const w = queryWords(docs[Math.floor(r() * docs.length)]!);
  twoTerm.push(`${w[Math.floor(r() * w.length)]} ${w[Math.floor(r() * w.length)]}`);
}
const catIds = docs.map((d) => ['business', 'entertainment', 'politics', 'sport', 'tech'].indexOf(d.category));
function runQueries(qs: string[], fuzzy = false): { p50: number; p95: number; hits: number } {
  const times: number[] = [];
  let hits = 0;
  for (let rep = 0; rep < 2; rep++) {
    for (const q of qs) {
      const t0 = performance.now();
      const res = idx.match(parseQuery(q), { fuzzy });
      const facets = new Uint32Array(5);
      for (const d of res.docs) facets[catIds[d]!]!++;
      const top = topK(res.docs, res.scores, 10);
      for (const i of top) idx.highlight(res.docs[i]!, parseQuery(q));
      if (rep === 1) times.push(performance.now() - t0);
      hits += res.docs.length;
    }
  }
  return { p50: pct(times, 50), p95: pct(times, 95), hits: hits / (2 * qs.length) };
}
function runMatchOnly(qs: string[], fuzzy = false): { p50: number; p95: number } {
  const times: number[] = [];
  for (let rep = 0; rep < 2; rep++) {
    for (const q of qs) {
      const t0 = performance.now();
      const res = idx.match(parseQuery(q), { fuzzy });
      const facets = new Uint32Array(5);
      for (const d of res.docs) facets[catIds[d]!]!++;
      topK(res.docs, res.scores, 10);
      if (rep === 1) times.push(performance.now() - t0);
    }
  }
  return { p50: pct(times, 50), p95: pct(times, 95) };
}
const fmt = (x: { p50: number; p95: number }): string => `p50 ${x.p50.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms`;
console.log(`two-term AND (match+facets+top10): ${fmt(runMatchOnly(twoTerm))}`);
const withHl = runQueries(twoTerm);
console.log(`two-term AND incl. 10 highlights: ${fmt(withHl)}, avg hits ${withHl.hits.toFixed(0)}`);
console.log(`two-term OR: ${fmt(runMatchOnly(twoTerm.map((q) => q.replace(' ', ' OR '))))}`);
console.log(`two-term phrase: ${fmt(runMatchOnly(twoTerm.map((q) => `"${q}"`)))}`);
console.log(`prefix (3 chars): ${fmt(runMatchOnly(twoTerm.map((q) => q.slice(0, 3) + '*')))}`);
console.log(`fuzzy two-term: ${fmt(runMatchOnly(twoTerm, true))}`);
t = performance.now();
for (let i = 0; i < 100; i++) idx.moreLikeThis(Math.floor(r() * docs.length), 10);
console.log(`moreLikeThis avg ${((performance.now() - t) / 100).toFixed(2)} ms`);

if (mode === 'bbc') {
  const queries = knownItemQueries(docs);
  const same = (a: number, b: number): boolean =>
    a === b || (docs[a]!.title === docs[b]!.title && docs[a]!.paragraphs.join('\n') === docs[b]!.paragraphs.join('\n'));
  let mrr = 0;
  for (const { doc, q } of queries) {
    const res = idx.match(parseQuery(q));
    const rank = Array.from(topK(res.docs, res.scores, 10)).findIndex((i) => same(res.docs[i]!, doc));
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  console.log(`known-item MRR@10 (${queries.length} queries): ${(mrr / queries.length).toFixed(3)}`);
  if (withMini) {
    const mt0 = mem();
    t = performance.now();
    const ms = new MiniSearch<{ id: number; title: string; body: string }>({ fields: ['title', 'body'], searchOptions: { boost: { title: 2 }, combineWith: 'AND' } });
    ms.addAll(docs.map((d, i) => ({ id: i, title: d.title, body: d.paragraphs.join('\n') })));
    console.log(`MiniSearch build ${(performance.now() - t).toFixed(0)} ms, heap ${MB(mem() - mt0)}`);
    let mmrr = 0;
    for (const { doc, q } of queries) {
      const res = ms.search(q).slice(0, 10);
      const rank = res.findIndex((x) => same(x.id as number, doc));
      if (rank >= 0) mmrr += 1 / (rank + 1);
    }
    console.log(`MiniSearch known-item MRR@10: ${(mmrr / queries.length).toFixed(3)}`);
    const times: number[] = [];
    for (const q of twoTerm) {
      const t0 = performance.now();
      ms.search(q);
      times.push(performance.now() - t0);
    }
    console.log(`MiniSearch two-term: p50 ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms`);
  }
} else if (withMini) {
  const mt0 = mem();
  t = performance.now();
  const ms = new MiniSearch<{ id: number; title: string; body: string }>({ fields: ['title', 'body'] });
  ms.addAll(docs.map((d, i) => ({ id: i, title: d.title, body: d.paragraphs.join('\n') })));
  console.log(`MiniSearch build ${(performance.now() - t).toFixed(0)} ms, heap ${MB(mem() - mt0)}`);
}
