/** Text clean-up shared by every input format. */

const PLAIN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/u;

/** NFC, no BOM, non-breaking and other odd spaces folded to a plain space, trimmed. */
export function cleanLine(line: string): string {
  // Most lines are printable ASCII with single spaces: nothing to normalise (a tenth of load time).
  if (PLAIN_ASCII.test(line)) return line;
  return line
    .normalize('NFC')
    .replace(/\uFEFF/gu, '')
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/gu, ' ')
    .replace(/[\u200B-\u200D\u2060]/gu, '')
    .replace(/[ \t\f\v]+/gu, ' ')
    .trim();
}

/** Splits text into cleaned lines (handles \n, \r\n and \r). */
export function cleanLines(text: string): string[] {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/u).map(cleanLine);
}

/** Straight quotes for matching (the stored text keeps the author's quotes). */
export function foldQuotes(s: string): string {
  return s.replace(/[\u2018\u2019\u201B\u2032]/gu, "'").replace(/[\u201C\u201D\u201F\u2033]/gu, '"');
}

/** Lowercase, accents removed, runs of anything else as one hyphen. */
export function slugify(s: string, maxLength = 120): string {
  const slug = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/&/gu, ' and ')
    .replace(/['\u2019]/gu, '')
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
  if (slug.length <= maxLength) return slug;
  return slug.slice(0, maxLength).replace(/-[^-]*$/u, '') || slug.slice(0, maxLength);
}

const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

export function countWords(s: string): number {
  WORD.lastIndex = 0;
  let n = 0;
  while (WORD.exec(s) !== null) n++;
  return n;
}
