/**
 * Our parsed query (src/search/query.ts) as the text of a PostgreSQL tsquery, cast with
 * `$1::tsquery`: the whole tsquery travels as one bound parameter, and every operand in it is a
 * quoted, escaped lexeme, so nothing a user types can become an operator, let alone SQL. The
 * operands are the lexemes our query parser made with the query's analyzer (folded, stemmed, stop
 * words dropped), which are what the articles' vectors hold: tsvector.ts makes them with the same
 * analyzer at ingest, so PostgreSQL analyses no text on either side.
 *
 * - term `rates` → `'rate'`; phrase `"state of the union"` → `'state' <3> 'union'` (stop words
 *   keep their places, as in the vectors); prefix `infla*` → `'infla':*` (the prefix stemmed, as
 *   to_tsquery did: a stored lexeme is a stem)
 * - `title:` → weight A (the headline), `lead:` → B, `body:` → B and C (all paragraphs)
 * - AND → `&`, OR → `|`, NOT/`-` → `!`, parentheses kept as the tree says.
 */
import type { PhraseQuery, Query, SearchField } from '../../search/query.js';
import { ENGLISH, type Analyzer } from '../../search/tokenize.js';

/** Text safe inside a quoted tsquery operand: backslash and quote escaped, NUL (refused by PostgreSQL) dropped. */
export function quoteOperand(text: string): string {
  return `'${text.replace(/\0/gu, '').replace(/\\/gu, '\\\\').replace(/'/gu, "''")}'`;
}

const WEIGHTS: Record<SearchField, string> = { title: 'A', lead: 'B', body: 'BC' };

/**
 * The tsquery text of `query`, or null when it can match nothing (an AND whose positive parts
 * were all stop words). Under a NOT, a part that matches nothing is dropped (it excludes nothing).
 */
export function toTsquery(query: Query, analyzer: Analyzer = ENGLISH): string | null {
  switch (query.type) {
    case 'term':
      return quoteOperand(query.term) + (query.field ? `:${WEIGHTS[query.field]}` : '');
    case 'phrase':
      return phrase(query);
    case 'prefix':
      return `${quoteOperand(analyzer.stem(query.prefix))}:*${query.field ? WEIGHTS[query.field] : ''}`;
    case 'not': {
      const inner = toTsquery(query.clause, analyzer);
      return inner === null ? null : `!(${inner})`;
    }
    case 'and': {
      const parts: string[] = [];
      let positives = 0;
      for (const clause of query.clauses) {
        const part = toTsquery(clause, analyzer);
        if (clause.type === 'not') {
          if (part !== null) parts.push(part);
          continue;
        }
        if (part === null) return null; // one required part matches nothing: the whole AND matches nothing
        parts.push(part);
        positives++;
      }
      return positives === 0 ? null : parts.length === 1 ? parts[0]! : `(${parts.join(' & ')})`;
    }
    case 'or': {
      const parts = query.clauses.map((c) => toTsquery(c, analyzer)).filter((p): p is string => p !== null);
      return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : `(${parts.join(' | ')})`;
    }
  }
}

/** The phrase's indexed words at their distances (`'a' <2> 'b'`); null when all are stop words. */
function phrase(query: PhraseQuery): string | null {
  const weights = query.field ? `:${WEIGHTS[query.field]}` : '';
  let text: string | null = null;
  let last = 0;
  query.terms.forEach((term, i) => {
    if (query.stop[i]) return;
    const operand = quoteOperand(term) + weights;
    text = text === null ? operand : `${text} <${query.offsets[i]! - last}> ${operand}`;
    last = query.offsets[i]!;
  });
  return text === null ? null : `(${text})`;
}
