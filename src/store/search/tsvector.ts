/**
 * An article's weighted search vector, made by our own analyzer (src/search/tokenize.ts) and sent
 * to PostgreSQL as the text of a `tsvector`, so the database does no text analysis at ingest
 * (`to_tsvector` was about a third of its work per article) and the SQL search backend matches the
 * lexemes our query parser makes (tsquery.ts sends them as a `tsquery` the same way): the same
 * folding, stemming, stop words and per-language analysis as the in-memory index.
 *
 * - Headline words weigh A, the lead's (first paragraph) B, the other paragraphs' C.
 * - Positions count stop words (they are not stored, as in the memory index) and each field and
 *   paragraph starts one position after the last one ended plus one, so a phrase (`a <1> b`)
 *   never spans two paragraphs, as in the memory backend.
 * - PostgreSQL's limits are kept as `to_tsvector` keeps them: positions above 16,383 are stored
 *   as 16,383, at most 256 positions a lexeme, and a word longer than 2,047 bytes is left out.
 */
import type { Article } from '../../articles/schema.js';
import { analyzerFor, scanTokens } from '../../search/tokenize.js';
import { quoteOperand } from './tsquery.js';

/** PostgreSQL's largest position (MAXENTRYPOS - 1) and positions kept per lexeme (MAXNUMPOS). */
const MAX_POSITION = 16_383;
const MAX_POSITIONS = 256;
/** A lexeme's longest UTF-8 length (MAXSTRLEN). */
const MAX_LEXEME_BYTES = 2047;

/** The text of the article's `tsvector` (cast with `::tsvector`). */
export function searchVector(article: Pick<Article, 'title' | 'paragraphs' | 'language'>): string {
  const analyzer = analyzerFor(article.language);
  const lexemes = new Map<string, number[]>();
  // A position and its weight in one number (position * 4 + weight), in the order they come.
  let weight: number;
  const add = (term: string, _start: number, _end: number, position: number, stop: boolean) => {
    if (stop) return;
    const at = Math.min(position + 1, MAX_POSITION) * 4 + weight;
    const list = lexemes.get(term);
    if (!list) lexemes.set(term, [at]);
    else if (list.length < MAX_POSITIONS && list[list.length - 1]! >> 2 !== at >> 2) list.push(at);
  };
  // The headline weighs A (3), the lead B (2), every other paragraph C (1).
  weight = 3;
  let position = scanTokens(article.title, add, 0, true, analyzer) + 1;
  for (let i = 0; i < article.paragraphs.length; i++) {
    weight = i === 0 ? 2 : 1;
    position = scanTokens(article.paragraphs[i]!, add, position, true, analyzer) + 1;
  }
  let out = '';
  for (const [term, list] of lexemes) {
    if (term.length * 3 > MAX_LEXEME_BYTES && Buffer.byteLength(term) > MAX_LEXEME_BYTES) continue;
    out += `${out ? ' ' : ''}${quoteOperand(term)}:`;
    for (let i = 0; i < list.length; i++) out += `${i ? ',' : ''}${list[i]! >> 2}${WEIGHT_LETTER[list[i]! & 3]}`;
  }
  return out;
}

const WEIGHT_LETTER = ['D', 'C', 'B', 'A'] as const;

