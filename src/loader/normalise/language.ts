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

/** eld's smallest database: as accurate as its larger ones on our samples, and the quickest to import. */
export async function loadLanguageDetector(): Promise<DetectLanguage> {
  const { eld } = await import('eld/extrasmall');
  return (text) => {
    const r = eld.detect(text);
    return r.language && r.isReliable() ? r.language : null;
  };
}
