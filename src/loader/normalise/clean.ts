/** Text clean-up shared by every input format. */
import type { ArticleDraft } from '../types.js';

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

/** A credit without its label: `Picture: Tom Pengelly` → `Tom Pengelly`. */
export function creditText(text: string): string | null {
  return cleanLine(text.replace(/^(?:photo|photograph|image|picture|credit|foto|fotografía|fotografia)s?\s*:\s*/iu, '')) || null;
}

/** A page address that relative links resolve against: an http(s) URL, else null. */
export function pageBase(url: unknown): string | null {
  return typeof url === 'string' && /^https?:/u.test(url) ? url : null;
}

/** A link as the page would follow it: resolved against `base` when there is one; null for `#…`, `javascript:`, `mailto:`. */
export function resolve(href: string | null, base: string | null): string | null {
  if (!href || href.startsWith('#') || /^(?:javascript|mailto):/iu.test(href)) return null;
  try {
    return base ? new URL(href, base).href : href;
  } catch {
    return href;
  }
}

/**
 * Relative addresses a draft holds (its own, its cover's, images', related links') resolved against
 * the page's own address when it is absolute, else `siteBase` (a folder's `_source.json` `url`).
 * Exports (JSON, Markdown front matter, Arc's `website_url`) often give paths only.
 */
export function resolveDraftLinks(draft: ArticleDraft, siteBase: string | null): void {
  const base = pageBase(draft.url) ?? (siteBase && draft.url ? resolve(draft.url, siteBase) : null) ?? siteBase;
  if (base === null) return;
  const relative = (u: string | null) => u !== null && !/^[a-z][a-z\d+.-]*:/iu.test(u);
  if (relative(draft.url)) draft.url = resolve(draft.url, siteBase);
  if (draft.cover && relative(draft.cover.url)) draft.cover = { ...draft.cover, url: resolve(draft.cover.url, base) };
  if (draft.images.some((im) => relative(im.url))) draft.images = draft.images.map((im) => (relative(im.url) ? { ...im, url: resolve(im.url, base) } : im));
  if (draft.related.some((r) => relative(r.url))) draft.related = draft.related.map((r) => (relative(r.url) ? { ...r, url: resolve(r.url, base) } : r));
}

/** The host of an http(s) address without its `www.` (`https://www.theguardian.com/…` → `theguardian.com`), else null. */
export function siteHost(url: string | null): string | null {
  if (pageBase(url) === null) return null;
  try {
    return new URL(url!).hostname.replace(/^www\./u, '') || null;
  } catch {
    return null;
  }
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

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/**
 * How many words `[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*` finds in `s` (letters and digits,
 * joined by single apostrophes, dots or hyphens), counted in one scan: a word starts at a letter
 * or digit that follows neither another nor such a joiner after one. Every paragraph of every
 * article is counted at least once, so this is a loop over character codes with the Unicode
 * classes asked only of characters past ASCII (the regex's exec loop was 5-10 % of a parse). A
 * kana or Han character is a word of its own (Japanese and Chinese put no spaces between words).
 */
export function countWords(s: string): number {
  let n = 0;
  // 0: outside a word; 1: just after a letter or digit; 2: just after a joiner that follows one.
  let state = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let word: boolean;
    if (c < 128) word = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
    else if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)) {
      // Japanese and Chinese write no spaces: each kana or Han character counts as a word, as
      // word counters for these languages do (a sentence is not one word).
      n++;
      state = 0;
      continue;
    } else {
      // A surrogate pair is one character (one code point), as the regex's u flag reads it.
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      word = LETTER_OR_DIGIT.test(pair ? s.slice(i, i + 2) : s[i]!);
      if (pair) i++;
    }
    if (word) {
      if (state === 0) n++;
      state = 1;
    } else state = state === 1 && (c === 39 || c === 0x2019 || c === 46 || c === 45) ? 2 : 0;
  }
  return n;
}
