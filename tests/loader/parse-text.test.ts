import { describe, expect, it } from 'vitest';
import { isChrome } from '../../src/loader/normalise/chrome.js';
import { findDates, latestDate } from '../../src/loader/normalise/dates.js';
import { splitCaption } from '../../src/loader/normalise/body.js';
import { looksLikeSourceName, parseArticleText } from '../../src/loader/formats/text.js';
import { cleanLine, countWords, slugify } from '../../src/loader/normalise/clean.js';
import fc from 'fast-check';

const page = (...lines: string[]) => lines.join('\n\n');

describe('structure detection on pages of our own', () => {
  it('splits captions from credits for many agencies, multi-word credits included', () => {
    for (const credit of ['AP', 'Xinhua', 'Reuters', 'AFP', 'VCG', 'CFP', 'Getty Images']) {
      expect(splitCaption(`Police stand guard in Paris, France, May 1, 2022. /${credit}`)).toEqual({
        caption: 'Police stand guard in Paris, France, May 1, 2022.',
        credit,
      });
    }
    expect(splitCaption('Prices rose 3% and/or more')).toBeNull();
    expect(splitCaption('The ratio was 3 / 4 of the total')).toBeNull();
  });

  it('keeps a caption once when printed twice, even non-adjacent, and places it after the right paragraph', () => {
    const { draft, counts } = parseArticleText(
      page('Headline here', 'First paragraph of the story.', 'A man walks. /AFP', 'Second paragraph.', 'A man walks. /AFP', 'Third.'),
    );
    expect(draft!.images).toEqual([{ caption: 'A man walks.', credit: 'AFP', afterParagraph: 0, url: null }]);
    expect(draft!.paragraphs).toEqual(['First paragraph of the story.', 'Second paragraph.', 'Third.']);
    expect(counts.duplicateLines).toBe(1);
  });

  it('puts a caption before the first paragraph at -1 and keeps single captions', () => {
    const { draft } = parseArticleText(page('Headline', 'Crowds gather in the square. /VCG', 'The story begins here.'));
    expect(draft!.images).toEqual([{ caption: 'Crowds gather in the square.', credit: 'VCG', afterParagraph: -1, url: null }]);
  });

  it('keeps repeated prose lines that are not adjacent (fixture lists repeat on purpose)', () => {
    const { draft } = parseArticleText(page('Cup draw', 'Mauritius v Madagascar', 'Winners meet in final match', 'Namibia v Botswana', 'Winners meet in final match'));
    expect(draft!.paragraphs.filter((p) => p === 'Winners meet in final match')).toHaveLength(2);
  });

  it('reads the source only from a short publisher line right under the headline', () => {
    expect(parseArticleText('Headline\nCGTN\n\nBody text here.').draft!.sourceName).toBe('CGTN');
    expect(parseArticleText('Headline\n\nEwood Park\n\nBlackburn won.').draft!.sourceName).toBeNull();
    expect(parseArticleText('Headline\n\nReuters\n\nBody.').draft!.sourceName).toBe('Reuters');
    expect(looksLikeSourceName('Stade de France, Paris')).toBe(false);
    expect(looksLikeSourceName('Saturday 20 November')).toBe(false);
    expect(looksLikeSourceName('The New York Times')).toBe(true);
    expect(looksLikeSourceName('Prices fell sharply today.')).toBe(false);
  });

  it('drops chrome anywhere and counts it, case-insensitively', () => {
    const { draft, counts } = parseArticleText(page('DOWNLOAD', 'Headline', 'Body one.', 'Share', 'Advertisement', 'Body two.', 'Search Trends'));
    expect(draft!.title).toBe('Headline');
    expect(draft!.paragraphs).toEqual(['Body one.', 'Body two.']);
    expect(counts.chromeLines).toBe(4);
    expect(isChrome('Search trends')).toBe(true);
    expect(isChrome('Download the report here')).toBe(false);
  });

  it('handles several related blocks and ends a list at prose or a caption', () => {
    const { draft } = parseArticleText(
      page(
        'Headline',
        'Opening paragraph.',
        'Read more:',
        'First related headline',
        'Second related headline',
        'This sentence is prose, so the list has ended.',
        'Related:',
        'Third related headline',
        'A photo of the scene. /Reuters',
        'Also read: Fourth related headline',
        'Closing paragraph.',
      ),
    );
    expect(draft!.related.map((r) => r.title)).toEqual(['First related headline', 'Second related headline', 'Third related headline', 'Fourth related headline']);
    expect(draft!.paragraphs).toEqual(['Opening paragraph.', 'This sentence is prose, so the list has ended.', 'Closing paragraph.']);
    expect(draft!.images).toHaveLength(1);
  });

  it('reads cover, attribution, byline, dateline and wire credits', () => {
    const { draft } = parseArticleText(
      page(
        'Headline',
        'By Jane Doe',
        'LONDON, May 2 (Reuters) - Shares rose on Monday.',
        'More detail here.',
        '(With input from Xinhua)',
        '(Cover: Traders at the London Stock Exchange, May 2, 2022. /CFP)',
        'Reporting by Jane Doe; Editing by Mark Potter',
      ),
    );
    expect(draft!.byline).toBe('Jane Doe');
    expect(draft!.dateline).toEqual({ place: 'LONDON', text: 'LONDON, May 2 (Reuters) -' });
    expect(draft!.paragraphs).toEqual(['Shares rose on Monday.', 'More detail here.']);
    expect(draft!.attribution).toBe('With input from Xinhua');
    expect(draft!.cover).toEqual({ caption: 'Traders at the London Stock Exchange, May 2, 2022.', credit: 'CFP', url: null });
    expect(draft!.credits).toEqual(['Reporting by Jane Doe', 'Editing by Mark Potter']);
  });

  it('returns no draft for a page with only chrome', () => {
    expect(parseArticleText('Download\n\nShare\n').draft).toBeNull();
  });
});

describe('text clean-up', () => {
  it('NFC-normalises, folds odd spaces, strips BOM and trims', () => {
    expect(cleanLine('\uFEFF  Cafe\u0301\u00A0au\u2009lait  ')).toBe('Café au lait');
  });
  it('makes URL-safe slugs', () => {
    expect(slugify('U.S.: it is up to Afghans — Taliban’s advance')).toBe('u-s-it-is-up-to-afghans-talibans-advance');
    expect(slugify('Café & Crème')).toBe('cafe-and-creme');
  });
});

describe('dates written in text', () => {
  it('finds both orders, abbreviations and ISO dates, rejecting impossible ones', () => {
    expect(findDates('on August 9, 2021 and 9 August 2021, Aug. 10, 2021, 2021-08-11, February 30, 2021')).toEqual([
      // In the order written (chrono-node reads them now, issue 12; the regexes listed one form after another).
      '2021-08-09T00:00:00.000Z',
      '2021-08-09T00:00:00.000Z',
      '2021-08-10T00:00:00.000Z',
      '2021-08-11T00:00:00.000Z',
    ]);
  });
  it('takes the latest, or null', () => {
    expect(latestDate(['July 9, 2021', 'August 9, 2021', 'July 23, 2021'])).toBe('2021-08-09T00:00:00.000Z');
    expect(latestDate(['no dates here', 'in 2021 only a year'])).toBeNull();
  });
});

describe('countWords', () => {
  // The definition the scan replaces: maximal matches of this pattern, where a kana or Han
  // character is a word of its own (Japanese and Chinese write no spaces between words).
  const CJK = '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';
  const LETTER = `(?:(?![${CJK}])[\\p{L}\\p{N}])`;
  const WORD = new RegExp(`[${CJK}]|${LETTER}+(?:['’.-]${LETTER}+)*`, 'gu');
  const byRegex = (s: string) => [...s.matchAll(WORD)].length;

  it('counts joined words once and split ones apart, letters past ASCII and surrogate pairs included', () => {
    expect(countWords("Don't stop-go U.S. 3.5 per-cent")).toBe(5);
    expect(countWords('a--b a.-b -a- ’a’')).toBe(6);
    expect(countWords('Zürich naïve 東京 𝐀𝐁 😀 x')).toBe(6);
    // A Japanese sentence is not one word: each kana or Han character counts.
    expect(countWords('新型フェリー、来春就航へ')).toBe(11);
    expect(countWords('\ud835 lone \udc00 surrogates')).toBe(2);
    expect(countWords('')).toBe(0);
  });

  it('agrees with the pattern on any text', () => {
    const piece = fc.constantFrom('a', 'Z', '7', 'é', 'ß', '東', 'フ', 'ー', '𝐀', '😀', "'", '’', '.', '-', ' ', ',', '\n', '\ud835', '\udc00', '_', '٣');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const s = parts.join('');
        expect(countWords(s)).toBe(byRegex(s));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        expect(countWords(s)).toBe(byRegex(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('splitCaption', () => {
  it('finds each credit form only where its telling character is, and nothing in plain prose', () => {
    expect(splitCaption('Crowds gather in the square. (Photo by Tony Karumba / AFP)')).toEqual({ caption: 'Crowds gather in the square.', credit: 'Tony Karumba/AFP' });
    expect(splitCaption('Crowds gather in the square. Photo: Simon Maina / AFP')).toEqual({ caption: 'Crowds gather in the square.', credit: 'Simon Maina/AFP' });
    expect(splitCaption('Crowds gather in the square. REUTERS/Thomas Mukoya')).toEqual({ caption: 'Crowds gather in the square.', credit: 'REUTERS/Thomas Mukoya' });
    expect(splitCaption('Crowds gather in the square /AP')).toEqual({ caption: 'Crowds gather in the square', credit: 'AP' });
    expect(splitCaption('Crowds gathered in the square on Monday (as they did last year).')).toBeNull();
  });
});
