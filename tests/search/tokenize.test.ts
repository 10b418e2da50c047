import { describe, expect, it } from 'vitest';
import { terms, tokenize } from '../../src/search/index.js';

describe('tokenize', () => {
  it('folds case and accents', () => {
    expect(terms('Café NAÏVE Zürich')).toEqual(['cafe', 'naiv', 'zurich']);
  });

  it('strips possessives, with ASCII and smart apostrophes', () => {
    expect(terms("Shell's")).toEqual(['shell']);
    expect(terms('Shell’s')).toEqual(['shell']);
    expect(terms("don't")).toEqual(['don', 't', 'dont']);
    expect(terms("O'Brien")).toEqual(['o', 'brien', 'obrien']);
  });

  it('stems with Porter', () => {
    expect(terms('rates Rate rating')).toEqual(['rate', 'rate', 'rate']);
    expect(terms('running')).toEqual(['run']);
  });

  it('keeps numbers and money amounts as tokens', () => {
    expect(terms('$1m (£522,000) in 2021 and £82.7m, 20%')).toEqual(['1m', '522000', '2021', '82.7m', '20']);
    expect(terms('522,000')).toEqual(terms('£522,000'));
    expect(terms('rose 2.5.')).toEqual(['rose', '2.5']);
  });

  it('maps U.S./US/USA to usa but leaves the pronoun us as a stop word', () => {
    expect(terms('U.S. US USA')).toEqual(['usa', 'usa', 'usa']);
    const t = tokenize('tell us');
    expect(t[1]).toMatchObject({ term: 'us', stop: true });
    expect(terms('U.K. UK')).toEqual(['uk', 'uk']);
  });

  it('splits hyphenated words into parts plus a compound at the first part position', () => {
    const t = tokenize('a well-known pay-off');
    const nonStop = t.filter((x) => !x.stop);
    expect(nonStop.map((x) => [x.term, x.position, x.compound])).toEqual([
      ['well', 1, false],
      ['known', 2, false],
      ['wellknown', 1, true],
      ['pai', 3, false],
      ['off', 4, false],
      ['payoff', 3, true],
    ]);
    const c = nonStop[2]!;
    expect('a well-known pay-off'.slice(c.start, c.end)).toBe('well-known');
  });

  it('stop words are flagged but keep their positions', () => {
    const t = tokenize('State of the Union');
    expect(t.map((x) => [x.term, x.position, x.stop])).toEqual([
      ['state', 0, false],
      ['of', 1, true],
      ['the', 2, true],
      ['union', 3, false],
    ]);
  });

  it('reports surface offsets', () => {
    const s = 'The “Rates” rose';
    const t = tokenize(s).find((x) => x.term === 'rate')!;
    expect(s.slice(t.start, t.end)).toBe('Rates');
  });

  it('keeps & inside words (M&S is not Ms) and splits other inner dots', () => {
    expect(terms('M&S Ms')).toEqual(['m&s', 'ms']);
    expect(terms('bbc.co.uk end.Next')).toEqual(['bbc', 'co', 'uk', 'end', 'next']);
  });
});
