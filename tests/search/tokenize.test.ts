import { describe, expect, it } from 'vitest';
import { terms, tokenize } from '../../src/search/index.js';
import { analyzerFor, scanTokens, WordCache, WORD_PATTERN, wordMatches } from '../../src/search/tokenize.js';

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

describe('word scanner', () => {
  it('finds exactly the WORD_PATTERN matches (random Unicode soup)', () => {
    const alphabet = ['a', 'B', 'z', '0', '9', '-', "'", '\u2019', '\u2010', '\u2013', '.', ',', '&', ' ', '\u00e9', '\u0301', '\uff9e', '\ud835\udc00', '\ud83d\ude00', '\ud800', '\udc00', '\u00df', '\u0130', '\ufb01', '\u00bd', '\u0663', '\u4e2d', '\u0e33', '£', '%', '\n'];
    let seed = 7;
    const r = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const re = new RegExp(WORD_PATTERN, 'gu');
    for (let n = 0; n < 5000; n++) {
      let t = '';
      const len = Math.floor(r() * 24);
      for (let k = 0; k < len; k++) t += alphabet[Math.floor(r() * alphabet.length)];
      const want = [...t.matchAll(re)].map((m) => [m.index, m.index + m[0].length]);
      expect(wordMatches(t), JSON.stringify(t)).toEqual(want);
    }
  });
  it('joins, ends and skips words at exactly the characters WORD_PATTERN does (every code unit up to U+3000 between letters)', () => {
    // the scanner tests ASCII by a table and joiners by comparison, not by the pattern itself
    const re = new RegExp(WORD_PATTERN, 'gu');
    for (let c = 0; c < 0x3000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      for (const t of [`a${ch}b`, `${ch}ab`, `ab${ch}`, `a${ch}${ch}b`]) {
        const want = [...t.matchAll(re)].map((m) => [m.index, m.index + m[0].length]);
        expect(wordMatches(t), JSON.stringify(t)).toEqual(want);
      }
    }
  });
  it('scanTokens without stemming gives the same tokens with term = word', () => {
    const text = "Shell's well-known U.S. rates rose 2.5% to £522,000; M&S e-mail rock\u2019n\u2019roll 2Mbps";
    const a: string[] = [];
    const b: string[] = [];
    scanTokens(text, (_t, s, e, p, st, c, w) => void a.push(`true|${s}|${e}|${p}|${st}|${c}|${w}`), 3);
    const na = scanTokens(text, (t, s, e, p, st, c, w) => void b.push(`${t === w}|${s}|${e}|${p}|${st}|${c}|${w}`), 3, false);
    expect(b).toEqual(a);
    expect(na).toBe(scanTokens(text, () => {}, 3));
  });
  it('a word cache gives the same tokens as without, and one entry number per word and analyzer (random texts of many words sharing one cache)', () => {
    // capitals (US, USA, Us, THE), stop words in two languages, digits first and inside, & and joiners, non-ASCII,
    // words of ten characters (all held in a cache slot) and longer ones sharing their first ten
    const words = ['US', 'USA', 'Us', 'us', 'usa', 'uSA', 'The', 'THE', 'the', 'les', 'Les', 'a', 'A', 'I', 'rates', 'Rates', 'RATES', 'rate', 'x1', 'X1y', '2021', '7', '07', '1990s', '3d4', '123456789012', '123456789013', '2,500', '2Mbps', 'covid19', 'M&S', "Shell's", 'well-known', 'U.S.', 'café', 'Café', 'naïve', 'ét', 'bbc.co.uk', 'Zürich', 'zz', 'Zz', 'ab', 'ba', 'abc', 'acb', 'abcdefghij', 'abcdefghijk', 'abcdefghijz', 'ABCDEFGHIJK', 'internationalisation', 'internationalisatioN', 'z9z9z9z9z9z9', 'well', 'known', 'wellknown', 'e-mail', 'email', "don't", 'dont', 'shell', '1.8bn', 'bn', 'cafe', 'It’s', 'it', 'abé', 'x-', 'ab&', '\u{1d400}b', 'b\u{1d400}', 'e\u0301'];
    // no separator at all, and joiners, so words run into each other, into letters outside ASCII and into joined words
    const separators = [' ', ' ', ', ', '. ', '\n', ' (', '£', ' — ', '’', '', '-', '&', '.', "'s ", 'é', '\u{1d400}', '\u0301'];
    let seed = 11;
    const r = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
    const cache = new WordCache();
    const entryOf = new Map<string, number>();
    const numberSeen = new Map<number, string>();
    for (let n = 0; n < 2000; n++) {
      let text = '';
      for (let k = Math.floor(r() * 30); k > 0; k--) text += pick(words) + pick(separators);
      const analyzer = analyzerFor(pick(['en', 'en', 'fr']));
      const start = Math.floor(r() * 5);
      const plain: string[] = [];
      const cached: string[] = [];
      const end = scanTokens(text, (t, s, e, p, st, c, w) => void plain.push(`${t}|${s}|${e}|${p}|${st}|${c}|${w}`), start, false, analyzer);
      const endCached = scanTokens(
        text,
        (t, s, e, p, st, c, w, known) => {
          cached.push(`${t}|${s}|${e}|${p}|${st}|${c}|${w}`);
          if (known === undefined) return;
          const key = `${analyzer.language}|${w}|${st}`;
          expect(entryOf.get(key) ?? known, key).toBe(known);
          expect(numberSeen.get(known) ?? key, key).toBe(key);
          entryOf.set(key, known);
          numberSeen.set(known, key);
        },
        start,
        false,
        analyzer,
        undefined,
        cache,
      );
      expect(cached, JSON.stringify(text)).toEqual(plain);
      expect(endCached).toBe(end);
    }
    // the cache was used (plain ASCII words of both languages have entries)
    expect(entryOf.size).toBeGreaterThan(20);
    expect([...entryOf.keys()].some((k) => k.startsWith('fr|'))).toBe(true);
    // numbers of digits alone and `US`/`USA` in capitals come from it too (one entry with `usa`, checked above)
    for (const key of ['en|2021|false', 'en|123456789012|false', 'en|usa|false', 'fr|usa|false']) expect(entryOf.has(key), key).toBe(true);
    // and so do the words the full analysis makes: parts of joined words, possessives, compounds, acronyms, units, folded accents
    for (const key of ['en|shell|false', 'en|known|false', 'en|wellknown|false', 'en|dont|false', 'en|mail|false', 'en|it|true', 'fr|s|true', 'en|bn|false', 'en|cafe|false', 'en|naive|false', 'fr|wellknown|false'])
      expect(entryOf.has(key), key).toBe(true);
  });
});
