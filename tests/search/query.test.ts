import { describe, expect, it } from 'vitest';
import { parseQuery, QuerySyntaxError } from '../../src/search/index.js';
import type { Query } from '../../src/search/index.js';

/** Compact rendering of an AST for assertions. */
function show(q: Query): string {
  switch (q.type) {
    case 'term':
      return (q.field ? `${q.field}:` : '') + q.term;
    case 'prefix':
      return (q.field ? `${q.field}:` : '') + q.prefix + '*';
    case 'phrase':
      return (q.field ? `${q.field}:` : '') + `"${q.terms.join(' ')}"`;
    case 'not':
      return `-${show(q.clause)}`;
    case 'and':
      return `(${q.clauses.map(show).join(' AND ')})`;
    case 'or':
      return `(${q.clauses.map(show).join(' OR ')})`;
  }
}

function err(q: string, opts?: { maxClauses?: number }): QuerySyntaxError {
  try {
    parseQuery(q, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(QuerySyntaxError);
    return e as QuerySyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(q)} to fail`);
}

describe('parseQuery: constructs', () => {
  it('ANDs terms by default and normalises them', () => {
    expect(show(parseQuery('inflation rates'))).toBe('(inflat AND rate)');
  });
  it('OR binds looser than (implicit or explicit) AND', () => {
    expect(show(parseQuery('oil gas OR coal'))).toBe('((oil AND ga) OR coal)');
    expect(show(parseQuery('oil AND gas OR coal'))).toBe('((oil AND ga) OR coal)');
    expect(show(parseQuery('oil OR gas'))).toBe('(oil OR ga)');
  });
  it('negation with -, NOT, phrases and groups', () => {
    expect(show(parseQuery('oil -gas'))).toBe('(oil AND -ga)');
    expect(show(parseQuery('oil NOT gas'))).toBe('(oil AND -ga)');
    expect(show(parseQuery('oil -"natural gas"'))).toBe('(oil AND -"natur ga")');
    expect(show(parseQuery('oil NOT (gas OR coal)'))).toBe('(oil AND -(ga OR coal))');
  });
  it('phrases keep stop words with their relative offsets', () => {
    const q = parseQuery('"state of the union"');
    expect(q).toMatchObject({ type: 'phrase', terms: ['state', 'of', 'the', 'union'], stop: [false, true, true, false], offsets: [0, 1, 2, 3] });
  });
  it('parentheses group', () => {
    expect(show(parseQuery('(oil OR gas) prices'))).toBe('((oil OR ga) AND price)');
  });
  it('field scoping on terms, phrases, prefixes and groups', () => {
    expect(show(parseQuery('title:inflation'))).toBe('title:inflat');
    expect(show(parseQuery('lead:"interest rates"'))).toBe('lead:"interest rate"');
    expect(show(parseQuery('body:infla*'))).toBe('body:infla*');
    expect(show(parseQuery('title:(oil OR gas)'))).toBe('(title:oil OR title:ga)');
  });
  it('text with colons that is not a field prefix stays text', () => {
    expect(show(parseQuery('10:30'))).toBe('"10 30"');
    expect(show(parseQuery('U.S.: trade'))).toBe('(usa AND trade)');
    expect(show(parseQuery('note: trade'))).toBe('(note AND trade)');
  });
  it('prefix terms are folded but not stemmed', () => {
    expect(parseQuery('Infla*')).toMatchObject({ type: 'prefix', prefix: 'infla' });
  });
  it('hyphenated and dotted words become phrases; money is normalised', () => {
    expect(show(parseQuery('well-known'))).toBe('"well known"');
    expect(show(parseQuery('£522,000'))).toBe('522000');
    expect(show(parseQuery('U.S.'))).toBe('usa');
  });
  it('drops stop words outside phrases; all-stop query matches nothing', () => {
    expect(show(parseQuery('the economy'))).toBe('economi');
    expect(show(parseQuery('the'))).toBe('()');
  });
  it('keeps the stop words typed beside plain words on the next word, or the last (not on phrases, prefixes, negations or scoped words)', () => {
    const q = parseQuery('film at the Berlin festival of');
    expect(q).toMatchObject({ type: 'and', clauses: [{ term: 'film' }, { term: 'berlin', stopsBefore: ['at', 'the'] }, { term: 'festiv', stopsAfter: ['of'] }] });
    expect((q as unknown as { clauses: Array<{ stopsBefore?: unknown }> }).clauses[0]!.stopsBefore).toBeUndefined();
    expect(parseQuery('the economy')).toMatchObject({ type: 'term', term: 'economi', stopsBefore: ['the'] });
    expect(parseQuery('-the economy')).not.toHaveProperty('stopsBefore');
    expect(parseQuery('title:the economy')).not.toHaveProperty('stopsBefore');
    expect(show(parseQuery('"state of" the union'))).toBe('("state of" AND union)');
    expect(parseQuery('"state of" the union')).toMatchObject({ clauses: [{ type: 'phrase' }, { term: 'union', stopsBefore: ['the'] }] });
  });
  it('marks fuzzy-eligible terms (5+ letters, plain words)', () => {
    expect(parseQuery('inflation')).toMatchObject({ fuzzy: true });
    expect(parseQuery('oil')).toMatchObject({ fuzzy: false });
    expect(parseQuery('"inflation"')).toMatchObject({ fuzzy: false });
  });
});

describe('parseQuery: errors with positions', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 0, /empty query/],
    ['   ', 0, /empty query/],
    ['oil "natural gas', 4, /unbalanced quote/],
    ['(oil OR gas', 0, /unbalanced parenthesis/],
    ['oil gas)', 7, /unbalanced parenthesis/],
    ['oil ()', 4, /empty parentheses/],
    ['OR', 0, /'OR'/],
    ['AND foo', 0, /'AND'/],
    ['foo OR', 4, /'OR' must be followed/],
    ['foo AND', 4, /'AND' must be followed/],
    ['NOT', 0, /'NOT' must be followed/],
    ['-oil', 0, /query needs at least one positive term/],
    ['NOT oil', 0, /query needs at least one positive term/],
    ['gas OR -oil', 7, /query needs at least one positive term/],
    ['foo:bar', 0, /unknown field 'foo'/],
    ['oil Foo:"a b"', 4, /unknown field 'Foo'/],
    ['title:', 5, /field 'title:' needs a word/],
    ['oil body: gas', 8, /field 'body:' needs a word/],
    ['i*', 0, /at least 2 characters/],
    ['oil ""', 4, /empty phrase/],
  ];
  for (const [q, pos, msg] of cases) {
    it(`${JSON.stringify(q)} → ${msg.source} at ${pos}`, () => {
      const e = err(q);
      expect(e.message).toMatch(msg);
      expect(e.position).toBe(pos);
    });
  }
  it('too many clauses (phrase words count)', () => {
    const q = Array.from({ length: 65 }, (_, i) => `w${i}x`).join(' OR ');
    const e = err(q);
    expect(e.message).toMatch(/too many terms/);
    expect(e.position).toBe(q.lastIndexOf('w64x'));
    expect(err('"a1 b1 c1" d1', { maxClauses: 3 }).position).toBe(11);
    expect(() => parseQuery('a1 b1 c1', { maxClauses: 3 })).not.toThrow();
  });
});
