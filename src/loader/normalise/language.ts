/**
 * An article's language: as its metadata or folder states it (a BCP 47 tag, kept as its primary
 * language subtag: `en-GB` → `en`), else detected from its headline and the start of its lead by eld
 * (bench/language-bench.ts measured eld against franc; see the README). The detector is
 * imported only when some article states no language, and belongs to the load that imported it.
 */
export type DetectLanguage = (text: string) => string | null;

/** The primary language subtag of a BCP 47 tag (`en-GB`, `pt_BR`, `ZH-hant` → `en`, `pt`, `zh`), or null. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const m = /^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$/iu.exec(tag?.trim() ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * How much of an article the detector reads: the headline and the lead's first sentence or so.
 * eld was right on every one-sentence sample (95 characters on average) of
 * bench/language-bench.ts, and on the 2,095 BBC articles 200 characters give the answer 400 gave;
 * eld's time grows with the text (at 400 characters it was a third of the loader's CPU), so more
 * only costs time.
 */
const SAMPLE_CHARS = 200;

export function languageSample(title: string, paragraphs: readonly string[]): string {
  let text = title;
  for (const p of paragraphs) {
    if (text.length >= SAMPLE_CHARS) break;
    text += `\n${p}`;
  }
  return text.slice(0, SAMPLE_CHARS);
}

/**
 * English function words: a third or more of the words of running English (headlines have
 * fewer). "the", which every accepted sample must hold, is not a word of the other languages eld
 * answers in Latin script.
 */
const ENGLISH_WORDS = new Set(
  'the a an and or but of to in on at by for from with as into about after over than that this which who what when there their they he she it its his her him we you be is are was were been has have had will would not said'.split(' '),
);
const WORD = /[a-z]+(?:'[a-z]+)?/giu;
/** A letter outside ASCII (é, ß, ł, an alphabet other than Latin): a text with one is left to eld. */
const NON_ASCII_LETTER = /(?!\p{ASCII})\p{L}/u;

/**
 * True when a sample is plainly English: only ASCII letters, at least 10 words, "the" among them,
 * and at least a fifth of them English function words. A few microseconds instead of eld's 50-250:
 * eld was the largest single cost of the loader's parse of an English corpus (a quarter of a parse
 * worker's CPU). A sample it does not accept goes to eld, which decides as before; on every sample
 * it accepted (85 % of the BBC's and the synthetic corpus's, 14 % of bench/lib/multilingual.ts's
 * seven languages: its English ones) eld said English too (tests/loader/language.test.ts;
 * bench/RESULTS.md, "Session 6: ingest rate").
 */
export function plainlyEnglish(sample: string): boolean {
  if (NON_ASCII_LETTER.test(sample)) return false;
  let words = 0;
  let english = 0;
  let the = false;
  for (const m of sample.matchAll(WORD)) {
    words++;
    const w = m[0].toLowerCase();
    if (ENGLISH_WORDS.has(w)) {
      english++;
      if (w === 'the') the = true;
    }
  }
  return the && words >= 10 && english * 5 >= words;
}

/** eld's smallest database: as accurate as its larger ones on our samples, and the quickest to import. */
export async function loadLanguageDetector(): Promise<DetectLanguage> {
  const { eld } = await import('eld/extrasmall');
  return (text) => {
    if (plainlyEnglish(text)) return 'en';
    const r = eld.detect(text);
    return r.language && r.isReliable() ? r.language : null;
  };
}
