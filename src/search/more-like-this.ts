/**
 * "More like this": a document's most distinctive words (tf-idf over the live documents) run
 * as a weighted OR query.
 */
import { paragraphsOf } from '../articles/record.js';
import type { IndexReader } from './reader.js';
import { ALL_FIELDS, wordHits } from './scoring.js';
import { analyzerFor, scanTokens } from './tokenize.js';
import { topK } from './topk.js';
import { UnionScratch } from './postings.js';

/**
 * Live documents most similar to version document `doc`: its `moreLikeThisTerms` most
 * distinctive words (tf-idf, words in at least 2 documents and at most half of them) as a
 * weighted OR query; `doc` itself is excluded. Sorted by descending score.
 */
export function moreLikeThis(reader: IndexReader, doc: number, limit: number): Array<{ doc: number; score: number }> {
  if (!reader.isLive(doc)) throw new RangeError(`no document ${doc}`);
  if (limit <= 0) return [];
  const placed = reader.segments[reader.segmentOf(doc)]!;
  const document = placed.segment.documents[doc - placed.base]!;
  const { titleBoost, leadBoost, bodyBoost, moreLikeThisTerms } = reader.options;
  const weightedFrequency = new Map<string, number>();
  // the document's own stop words, as it was indexed with (only words are used: no stemming)
  const analyzer = analyzerFor(document.language);
  const addText = (text: string, weight: number): void => {
    scanTokens(
      text,
      (_term, _start, _end, _position, stop, _compound, word) => {
        if (!stop) weightedFrequency.set(word, (weightedFrequency.get(word) ?? 0) + weight);
      },
      0,
      false,
      analyzer,
    );
  };
  addText(document.title, titleBoost);
  paragraphsOf(document).forEach((p, i) => addText(p, i === 0 ? leadBoost : bodyBoost));
  const candidates: Array<{ word: string; weight: number; df: number }> = [];
  for (const [word, frequency] of weightedFrequency) {
    const df = reader.wordDocFreq(word);
    if (df < 2 || df > reader.size / 2) continue;
    candidates.push({ word, weight: (1 + Math.log(frequency)) * reader.idf(df), df });
  }
  candidates.sort((a, b) => b.weight - a.weight || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  const top = candidates.slice(0, moreLikeThisTerms);
  if (top.length === 0) return [];
  const maxWeight = top[0]!.weight;
  const result = new UnionScratch(reader.documentSpace).union(
    top.map((c) => wordHits(reader, c.word, ALL_FIELDS, c.weight / maxWeight, reader.idf(c.df))),
    false,
  );
  const ranked = topK(result.docs, result.scores, limit + 1);
  const out: Array<{ doc: number; score: number }> = [];
  for (const i of ranked) {
    const other = result.docs[i]!;
    if (other === doc) continue;
    if (out.length < limit) out.push({ doc: other, score: result.scores[i]! });
  }
  return out;
}
