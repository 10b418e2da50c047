/**
 * Prints every answer of the search path (hits, scores, highlights, suggestion, total) for the
 * quality bench's query samplers (uniformly random 2/3/5 body words, adjacent pairs, headline
 * paraphrases, substituted and swapped-letter typos with fuzzy=true) and the HTTP bench's
 * headline word pairs (relevance pages 1 and 2, newest first page 1), one JSON line per page, plus a hash of them all. Run it on two trees and
 * compare the hashes (or `diff` the output): a speed change to search must leave them equal.
 *
 * `npx tsx bench/search-answers.ts --corpus ../shared/corpora/bbc-news --seed 1 [--per-kind 300] [--limit 20] [--out file]`
 */
import { paragraphsOf } from '../src/articles/record.js';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Corpus } from '../src/corpus/index.js';
import { loadArticles } from '../src/loader/index.js';
import { searchPageBody } from '../src/http/representations.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { mulberry32 } from './lib/prng.js';
import { QUERY_KINDS, isTypoKind, querySet } from './lib/quality.js';

const USAGE = 'usage: tsx bench/search-answers.ts --corpus DIR [--seed N] [--per-kind N] [--limit N] [--out FILE]';
const values = parseCli(
  { corpus: { type: 'string' }, seed: { type: 'string', default: '1' }, 'per-kind': { type: 'string', default: '300' }, limit: { type: 'string', default: '20' }, out: { type: 'string' } },
  USAGE,
);
const dir = path.resolve(requiredArg(values.corpus, 'corpus', USAGE));
const seed = intArg(values.seed, 'seed', 1);
const perKind = intArg(values['per-kind'], 'per-kind', 300);
const limit = intArg(values.limit, 'limit', 20);
const corpus = new Corpus(await loadArticles(dir));
const docs = corpus.articles.map((a) => ({ title: a.title, paragraphs: [...paragraphsOf(a)], category: '', month: '' }));
const rng = mulberry32(seed);
const queries: Array<{ kind: string; q: string; fuzzy: boolean }> = [];
for (const kind of QUERY_KINDS) for (const { q } of querySet(rng, kind, docs, perKind)) queries.push({ kind, q, fuzzy: isTypoKind(kind) });
// the HTTP bench's --seed draw: a headline uniformly, then two of its distinct words
const distinct = (title: string) => (title.toLowerCase().match(/[a-z]{4,}/gu) ?? []).filter((w, k, a) => a.indexOf(w) === k);
for (let n = 0, tries = 0; n < perKind && tries < perKind * 20; tries++) {
  const words = distinct(docs[Math.floor(rng() * docs.length)]!.title);
  if (words.length < 2) continue;
  const a = Math.floor(rng() * words.length);
  const b = (a + 1 + Math.floor(rng() * (words.length - 1))) % words.length;
  queries.push({ kind: 'http-pair', q: `${words[a]} ${words[b]}`, fuzzy: false });
  n++;
}
const hash = createHash('sha256');
const lines: string[] = [];
for (const { kind, q, fuzzy } of queries) {
  for (const [sort, offset] of [['relevance', 0], ['relevance', limit], ['newest', 0]] as const) {
    const r = corpus.search(q, { sort, limit, offset, fuzzy, facets: [], collapse: false });
    const page = searchPageBody({ query: q, total: r.total, totalEstimated: false, limit, offset, next: null, suggestion: r.suggestion }, r.hits).toString('utf8');
    // the page rounds scores: the exact ones are compared too
    const line = JSON.stringify({ kind, q, sort, offset, scores: r.hits.map((h) => h.score), page });
    hash.update(line);
    lines.push(line);
  }
}
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
console.log(JSON.stringify({ corpus: dir, seed, queries: queries.length, pages: lines.length, sha256: hash.digest('hex') }));
