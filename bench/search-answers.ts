/**
 * Prints every answer of the search path (hits, scores, highlights, suggestion, total) for the
 * quality bench's query samplers (uniformly random 2/3/5 body words, adjacent pairs, headline
 * paraphrases, substituted and swapped-letter typos with fuzzy=true) and the HTTP bench's
 * headline word pairs (relevance pages 1 and 2, newest first page 1), one JSON line per page, plus a hash of them all
 * (`sha256`), and the same for session 10's reader kinds (names, quoted phrases, natural language,
 * lead fragments, rare words, prefixes, headline + body words, inflected forms: `sha256Readers`). Run it on two trees and
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
import { mixSeed, mulberry32 } from './lib/prng.js';
import { FIRST_KINDS, READER_KINDS, isTypoKind, querySet } from './lib/quality.js';

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
for (const kind of FIRST_KINDS) for (const { q } of querySet(rng, kind, docs, perKind)) queries.push({ kind, q, fuzzy: isTypoKind(kind) });
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
// session 10's reader kinds from a stream of their own, after the others, so `sha256` (the first
// kinds and the HTTP pairs) keeps its meaning and `sha256Readers` covers the new kinds
const firstCount = queries.length;
const readerRng = mulberry32(mixSeed(seed, 10));
for (const kind of READER_KINDS) for (const { q } of querySet(readerRng, kind, docs, perKind)) queries.push({ kind, q, fuzzy: false });
const hash = createHash('sha256');
const readerHash = createHash('sha256');
const lines: string[] = [];
for (const [i, { kind, q, fuzzy }] of queries.entries()) {
  for (const [sort, offset] of [['relevance', 0], ['relevance', limit], ['newest', 0]] as const) {
    const r = corpus.search(q, { sort, limit, offset, fuzzy, facets: [], collapse: false });
    const page = searchPageBody({ query: q, total: r.total, totalEstimated: false, limit, offset, next: null, suggestion: r.suggestion }, r.hits).toString('utf8');
    // the page rounds scores: the exact ones are compared too
    const line = JSON.stringify({ kind, q, sort, offset, scores: r.hits.map((h) => h.score), page });
    (i < firstCount ? hash : readerHash).update(line);
    lines.push(line);
  }
}
if (values.out) writeFileSync(values.out, lines.join('\n') + '\n');
console.log(JSON.stringify({ corpus: dir, seed, queries: firstCount, pages: 3 * firstCount, sha256: hash.digest('hex'), readerQueries: queries.length - firstCount, sha256Readers: readerHash.digest('hex') }));
