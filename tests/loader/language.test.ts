/** Languages (issue 12): detected by eld unless metadata or the folder states them. */
import { paragraphsOf } from '../../src/articles/record.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatText, report } from '../../src/cli/check-data.js';
import { loadArticles } from '../../src/loader/index.js';
import { languageSample, loadLanguageDetector, plainlyEnglish, primaryLanguage } from '../../src/loader/normalise/language.js';
import { languageSamples } from '../../bench/lib/multilingual.js';
import { BBC_DIR, FIXTURES, HAVE_BBC, bbcSkipReason, tempDataDir } from '../helpers/paths.js';

const r = await loadArticles(path.join(FIXTURES, 'languages'));
const lang = (id: string) => r.articles.find((a) => a.id === id)?.language;

describe('article languages', () => {
  it('detects the language of articles that do not state one', () => {
    expect(r.problems).toEqual([]);
    expect([lang('en-rates'), lang('fr-inondations'), lang('de-zinsen'), lang('es-exportaciones')]).toEqual(['en', 'fr', 'de', 'es']);
    expect(r.stats.languagesDetected).toBe(4);
  });

  it('keeps a language the metadata states (its primary subtag), whatever the text looks like', () => {
    expect(lang('stated-1')).toBe('pt');
  });

  it('takes a folder language from _source.json before detecting', async () => {
    const res = await loadArticles(tempDataDir({ 'wire/_source.json': '{"source":"Wire","language":"fr-CA"}', 'wire/a.txt': 'Rates held\n\nThe central bank left interest rates unchanged on Thursday.\n' }));
    expect(res.articles[0]!.language).toBe('fr');
    expect(res.stats.languagesDetected).toBe(0);
  });

  it('reads BCP 47 tags down to their primary language', () => {
    expect(['en-GB', 'pt_BR', 'ZH-hant', 'de', 'not a tag', '', null].map(primaryLanguage)).toEqual(['en', 'pt', 'zh', 'de', null, null, null]);
  });

  it('says so instead of guessing when a text is too short to tell', async () => {
    const detect = await loadLanguageDetector();
    expect(detect('OK')).toBeNull();
    expect(detect(languageSample('Le gouvernement annonce de nouvelles mesures', ['Le ministre a déclaré aux journalistes que les négociations reprendraient la semaine prochaine.']))).toBe('fr');
  });

  it('answers English without eld only for plainly English samples, where eld says English too', async () => {
    const { eld } = await import('eld/extrasmall');
    expect(plainlyEnglish('The central bank left interest rates unchanged on Thursday, saying that inflation was easing')).toBe(true);
    // Too short, no "the", or letters outside ASCII: eld decides.
    expect(plainlyEnglish('The rates are held')).toBe(false);
    expect(plainlyEnglish('Central bank leaves interest rates unchanged on Thursday as inflation eases across Europe')).toBe(false);
    expect(plainlyEnglish('The café owners said the rent had risen and that the council was to blame for it')).toBe(false);
    expect(plainlyEnglish('The ſtate of the nation was said to be better than it had been in the past year')).toBe(false);
    // Typographic quotes and currency signs are not letters: still plainly English.
    expect(plainlyEnglish('The “state” of the nation was said to be £3bn better than it had been in the past year')).toBe(true);
    let english = 0;
    for (const seed of [1, 2]) {
      for (const s of languageSamples(100, seed, seed === 2 ? 1 : undefined)) {
        if (!plainlyEnglish(s.text)) continue;
        expect(s.language, s.text).toBe('en');
        expect(eld.detect(s.text).language, s.text).toBe('en');
        english++;
      }
    }
    // It takes most of the English samples (the rest go to eld).
    expect(english).toBeGreaterThan(100);
  });

  it('counts files, articles and problems per format and articles per language for the data checker', async () => {
    const res = await loadArticles(
      tempDataDir({
        'a.txt': 'Rates held\n\nThe central bank left interest rates unchanged on Thursday, saying inflation was easing.\n',
        'b.json': JSON.stringify({ title: 'Taux inchangés', text: 'La banque centrale a maintenu ses taux directeurs jeudi, estimant que l’inflation ralentissait.' }),
        'c.json': '{"title": ',
        'd.html': '<html lang="de"><head><meta charset="utf-8"></head><body><h1>Zinsen</h1><p>Die Zentralbank hat die Leitzinsen am Donnerstag unverändert gelassen.</p></body></html>',
      }),
    );
    const rep = report('x', res);
    expect(rep.byFormat).toEqual({ txt: { files: 1, articles: 1, problems: 0 }, json: { files: 2, articles: 1, problems: 1 }, html: { files: 1, articles: 1, problems: 0 } });
    expect(rep.byLanguage).toEqual({ de: 1, en: 1, fr: 1 });
    expect(rep.languagesDetected).toBe(2);
    const text = formatText(rep);
    expect(text).toContain('  by format:       txt 1 files, 1 articles, 0 problems; json 2 files, 1 articles, 1 problems; html 1 files, 1 articles, 0 problems\n');
    expect(text).toContain('  by language:     de 1, en 1, fr 1 (2 detected from the text)\n');
  });
});

bbcSkipReason();
describe.skipIf(!HAVE_BBC)('the BBC corpus', () => {
  it('is detected as English throughout', async () => {
    const bbc = await loadArticles(BBC_DIR);
    expect(bbc.stats.byLanguage).toEqual({ en: 2095 });
    // eld alone says English of every sample the quick check answers for it.
    const { eld } = await import('eld/extrasmall');
    const taken = bbc.articles.map((a) => languageSample(a.title, paragraphsOf(a))).filter(plainlyEnglish);
    expect(taken.length).toBeGreaterThan(1000);
    for (const s of taken) expect(eld.detect(s).language, s).toBe('en');
  });
});
