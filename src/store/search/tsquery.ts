/**
 * Our parsed query (src/search/query.ts) as the text of a PostgreSQL tsquery, for
 * `to_tsquery('english', $1)`: the whole tsquery travels as one bound parameter, and every piece
 * of user text in it is a quoted, escaped operand, so nothing a user types can become an operator,
 * let alone SQL. to_tsquery then analyses each operand as the articles' text was analysed
 * (english stemming and stop words: a quoted operand of several words becomes a phrase, a stop
 * word alone drops out).
 *
 * - term `rates` → `'rates'`; phrase `"state of the union"` → `'state of the union'` (a phrase);
 *   prefix `infla*` → `'infla':*`
 * - `title:` → weight A (the headline), `lead:` → B, `body:` → B and C (all paragraphs)
 * - AND → `&`, OR → `|`, NOT/`-` → `!`, parentheses kept as the tree says.
 */
import type { Query, SearchField } from '../../search/query.js';

/** Text safe inside a quoted tsquery operand: backslash and quote escaped, NUL (refused by PostgreSQL) dropped. */
export function quoteOperand(text: string): string {
  return `'${text.replace(/\0/gu, '').replace(/\\/gu, '\\\\').replace(/'/gu, "''")}'`;
}

const WEIGHTS: Record<SearchField, string> = { title: 'A', lead: 'B', body: 'BC' };

/**
 * The tsquery text of `query`, or null when it can match nothing (an AND whose positive parts
 * were all stop words). Under a NOT, a part that matches nothing is dropped (it excludes nothing).
 */
export function toTsquery(query: Query): string | null {
  switch (query.type) {
    case 'term':
      return quoteOperand(query.text) + (query.field ? `:${WEIGHTS[query.field]}` : '');
    case 'phrase':
      return quoteOperand(query.text) + (query.field ? `:${WEIGHTS[query.field]}` : '');
    case 'prefix':
      return `${quoteOperand(query.prefix)}:*${query.field ? WEIGHTS[query.field] : ''}`;
    case 'not': {
      const inner = toTsquery(query.clause);
      return inner === null ? null : `!(${inner})`;
    }
    case 'and': {
      const parts: string[] = [];
      let positives = 0;
      for (const clause of query.clauses) {
        const part = toTsquery(clause);
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
      const parts = query.clauses.map(toTsquery).filter((p): p is string => p !== null);
      return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : `(${parts.join(' | ')})`;
    }
  }
}
