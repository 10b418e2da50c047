/**
 * Raw article text (.txt): the headline on the first line, an optional publisher line right
 * under it, then the body, which goes through the shared body rules.
 */
import { applyMetadata } from '../metadata.js';
import { structureBody } from '../normalise/body.js';
import { DEFAULT_CHROME } from '../normalise/chrome.js';
import { cleanLines, countWords } from '../normalise/clean.js';
import { emptyCounts, emptyDraft, type ArticleDraft, type FormatParser, type NormalisationCounts, type ParseContext } from '../types.js';

/** Header names of a text file's header block (`Title:`, `Date:`, `Author:`…) and the metadata field each fills. */
const HEADER_FIELDS: Readonly<Record<string, string>> = {
  title: 'title', headline: 'title', subject: 'title',
  date: 'date', published: 'date', 'publication date': 'date', updated: 'modifiedAt', modified: 'modifiedAt',
  author: 'author', authors: 'author', byline: 'author', by: 'author', from: 'author',
  source: 'source', publisher: 'source', publication: 'source',
  url: 'url', link: 'url', category: 'category', section: 'category', tags: 'tags', keywords: 'tags', language: 'language', lang: 'language',
};
const HEADER_LINE = /^([A-Za-z][A-Za-z ]{0,18}):\s*(.+)$/u;

/**
 * A header block at the top of a text file, as email-like exports and archive tools write it:
 * `Title: …`, `Date: …`, `Author: …` lines, one field each, ending at the first blank line. Two
 * or more known fields, one of them the title, make a header; anything else is the story's text.
 */
function headerBlock(lines: readonly string[], blankBefore: readonly boolean[]): { fields: Record<string, string>; length: number } | null {
  if (!HEADER_LINE.test(lines[0] ?? '')) return null;
  const fields: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && (i === 0 || !blankBefore[i]); i++) {
    const m = HEADER_LINE.exec(lines[i]!);
    const field = m ? HEADER_FIELDS[m[1]!.toLowerCase()] : undefined;
    if (!field) return null;
    fields[field] = m![2]!;
  }
  return i >= 2 && fields.title ? { fields, length: i } : null;
}

/** Publishers recognised on the line under the headline even when a blank line separates them. */
const KNOWN_SOURCES: ReadonlySet<string> = new Set(
  ['AFP', 'AP', 'Associated Press', 'BBC', 'BBC News', 'Bloomberg', 'CGTN', 'China Daily', 'CNN', 'Global Times', 'NPR', 'Reuters', 'The Guardian', 'Xinhua', 'Al Jazeera', 'Deutsche Welle', 'France 24'].map((s) => s.toLowerCase()),
);

/** A publisher name on its own line: a few capitalised words, no sentence punctuation. */
export function looksLikeSourceName(line: string): boolean {
  if (line.length > 40 || /[.!?,;:"“”()]/u.test(line) || /^by\s/iu.test(line)) return false;
  if (/\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/iu.test(line) || /\d{4}/u.test(line)) return false;
  const words = line.split(' ');
  if (words.length > 4) return false;
  if (!/\p{L}/u.test(line)) return false;
  return words.every((w, i) => /^[\p{Lu}\p{N}]/u.test(w) || (i > 0 && /^(?:of|the|and|de|du|la|le|&)$/u.test(w)));
}

/** `Home / News / Cities / Chennai`, `News › World › Europe`: a breadcrumb trail. */
const BREADCRUMB = /^[^/>›»|.!?]{1,30}(?:\s[/>›»]\s[^/>›»|.!?]{1,30}){2,}$/u;
/** A menu item: a word or two, no sentence punctuation. */
const isMenuItem = (line: string) => countWords(line) <= 2 && !/[!?,;:"“”]|\p{Ll}\.|\.\s/u.test(line);
/** A scraped site menu above the headline is at least this many menu items in a row. */
const MENU_RUN = 3;

/**
 * How many lines at the top are the site's navigation rather than the story: breadcrumb trails,
 * and runs of MENU_RUN or more one- or two-word lines. The headline is never such a line, so a
 * page that is all of them keeps its first line as the headline.
 */
function navigationLines(lines: readonly string[]): number {
  let i = 0;
  for (;;) {
    if (i < lines.length && BREADCRUMB.test(lines[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && isMenuItem(lines[j]!)) j++;
    if (j - i >= MENU_RUN && j < lines.length) {
      i = j;
      continue;
    }
    return i < lines.length ? i : 0;
  }
}

/**
 * Parses raw article text: headline, publisher line, then the body's structure. A missing title
 * gives `draft === null`; an empty body gives `draft.paragraphs.length === 0`.
 */
export function parseArticleText(text: string, context: ParseContext = { chrome: DEFAULT_CHROME }): { draft: ArticleDraft | null; counts: NormalisationCounts; warnings?: string[] } {
  const counts = emptyCounts();
  // Each kept line remembers whether a blank line came before it.
  const lines: string[] = [];
  const blankBefore: boolean[] = [];
  let blank = false;
  for (const l of cleanLines(text)) {
    if (l === '') {
      blank = true;
      continue;
    }
    if (context.chrome.has(l)) {
      counts.chromeLines++;
      continue;
    }
    lines.push(l);
    blankBefore.push(blank);
    blank = false;
  }
  const header = headerBlock(lines, blankBefore);
  if (header) {
    const { title, ...fields } = header.fields;
    const draft = emptyDraft(title!);
    const warnings = applyMetadata(draft, fields);
    structureBody(draft, lines.slice(header.length), counts, context);
    return { draft, counts, warnings };
  }
  const top = navigationLines(lines);
  counts.chromeLines += top;
  const title = lines[top];
  if (title === undefined) return { draft: null, counts };
  const draft = emptyDraft(title);
  let start = top + 1;
  // The publisher line sits right under the headline (no blank line between), or is a known name.
  const second = lines[start];
  if (second !== undefined && looksLikeSourceName(second) && (!blankBefore[start] || KNOWN_SOURCES.has(second.toLowerCase()))) {
    draft.sourceName = second;
    start++;
  }
  structureBody(draft, lines.slice(start), counts, context);
  return { draft, counts };
}

export const textFormat: FormatParser = {
  format: 'txt',
  parse(file, context) {
    const { draft, counts, warnings } = parseArticleText(file.text ?? '', context);
    if (!draft) return { entries: [{ problem: { kind: 'no-title', reason: 'no title line', line: null } }], counts };
    return { entries: [{ draft, line: null, ...(warnings?.length ? { warnings } : {}) }], counts };
  },
};
