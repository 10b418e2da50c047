/**
 * Highlighting a record with no index behind it (SEARCH_BACKEND=postgres highlights the page's
 * records as fetched): the same marks, window and snippet rules as the index-driven highlighter
 * (`highlight.ts`), but every paragraph is tokenised in full, and a prefix is expanded to the
 * words of this record that start with it. Costs the text of one page's records: nothing next to
 * the query that found them.
 */
import { paragraphsOf } from '../articles/record.js';
import type { Article } from '../articles/schema.js';
import { bestWindow, cutSnippet, F_LEAD, F_REST, F_TITLE, findSpans, renderMarked, type Marker, type Span } from './highlight.js';
import { fieldMask } from './execution.js';
import type { Highlight } from './options.js';
import { positiveLeaves, type Query } from './query.js';
import { analyzerFor, scanTokens, type Analyzer } from './tokenize.js';

/** The words of `texts` (folded, unstemmed) that start with one of `prefixes`. */
function wordsStartingWith(texts: readonly string[], prefixes: ReadonlyMap<string, number>, analyzer: Analyzer): Map<string, number> {
  const out = new Map<string, number>();
  for (const text of texts) {
    scanTokens(
      text,
      (_term, _start, _end, _position, stop, _compound, word) => {
        if (stop) return;
        for (const [prefix, mask] of prefixes) if (word.startsWith(prefix)) out.set(word, (out.get(word) ?? 0) | mask);
      },
      0,
      false,
      analyzer,
    );
  }
  return out;
}

function markerFor(query: Query, article: Article, analyzer: Analyzer): Marker {
  const terms = new Map<string, number>();
  const prefixes = new Map<string, number>();
  const phrases: Array<{ terms: readonly string[]; mask: number }> = [];
  for (const leaf of positiveLeaves(query)) {
    const mask = fieldMask(leaf.field);
    if (leaf.type === 'term') terms.set(leaf.term, (terms.get(leaf.term) ?? 0) | mask);
    else if (leaf.type === 'prefix') prefixes.set(leaf.prefix, (prefixes.get(leaf.prefix) ?? 0) | mask);
    else phrases.push({ terms: leaf.terms, mask });
  }
  const words = prefixes.size > 0 ? wordsStartingWith([article.title, ...paragraphsOf(article)], prefixes, analyzer) : new Map<string, number>();
  return { terms, words, phrases };
}

/** The record's title with its matches marked, and its best passage, as the index-driven highlighter makes them. */
export function highlightRecord(article: Article, query: Query, snippetLength = 200): Highlight {
  const analyzer = analyzerFor(article.language);
  const marker = markerFor(query, article, analyzer);
  const length = Math.max(20, snippetLength);
  let best: { paragraph: number; spans: Span[]; start: number; end: number; distinct: number; count: number } | null = null;
  const paragraphs = paragraphsOf(article);
  paragraphs.forEach((text, p) => {
    const spans = findSpans(text, p === 0 ? F_LEAD : F_REST, marker, undefined, analyzer);
    if (spans.length === 0) return;
    const window = bestWindow(spans, length);
    // the same preference as the index-driven highlighter: more distinct matches, then more matches, then the earlier paragraph
    if (window && (best === null || window.distinct > best.distinct || (window.distinct === best.distinct && window.count > best.count))) {
      best = { paragraph: p, spans, ...window };
    }
  });
  const titleSpans = findSpans(article.title, F_TITLE, marker, undefined, analyzer);
  const chosen = best as { paragraph: number; spans: Span[]; start: number; end: number } | null;
  let snippet = '';
  if (chosen !== null) snippet = cutSnippet(paragraphs[chosen.paragraph]!, chosen.spans, chosen.start, chosen.end, length);
  else if (paragraphs.length > 0) snippet = cutSnippet(paragraphs[0]!, [], 0, 0, length);
  return { title: renderMarked(article.title, titleSpans), titleMatched: titleSpans.length > 0, snippet };
}
