/**
 * The body rules every format shares: page chrome, image captions with agency credits, cover,
 * "Read more:" lists, attribution, bylines, datelines and wire trailers. The rules are written
 * for the family of scraped news pages, not for one file.
 */
import type { ArticleDraft, Block, NormalisationCounts, ParseContext } from '../types.js';
import { countWords, foldQuotes } from './clean.js';

/** `caption text /Credit` — a credit of one to four capitalised words after a slash. */
const CAPTION = /^(.*\S)\s+\/\s?([A-Z][\p{L}\p{N}&.'-]*(?:\s(?:[A-Z][\p{L}\p{N}&.'-]*|of|de|for)){0,3})$/u;
const COVER = /^\(\s*(?:Cover|Cover photo|Cover image|Top image|Header image)\s*:\s*(.+?)\s*\)$/iu;
const ATTRIBUTION = /^\(\s*((?:With|Additional|Source|Sources|Compiled|Edited|Written)\b[^()]*)\)$/iu;
const RELATED_HEADER = /^(?:read more|related|also read|read also|see also|related stories|related articles|related news|more on this story|more on this)\s*:\s*(.*)$/iu;
const BYLINE = /^By\s+(\p{Lu}[\p{L}.'’-]*(?:[ ,]+(?:and|&|de|da|van|von|der|la|le|bin|al|el|\p{Lu}[\p{L}.'’-]*))*)(?:\s*[|,–—-]\s*(.+))?$/u;
const CREDITS = /^(?:Reporting|Writing|Editing|Additional reporting|Compiled|Graphics|Fact-checking)\s+by\s+/iu;
const DATELINE = /^(\p{Lu}[\p{Lu}\p{N} .'’-]+(?:,\s*\p{Lu}[\p{L} .'’-]+)?)\s*,?\s*((?:\p{Lu}\p{Ll}+\.?\s+\d{1,2}\s*)?\(\s*[\p{L} ]{2,30}\s*\))\s*[-–—]+\s*(.+)$/u;

export function splitCaption(line: string): { caption: string; credit: string } | null {
  const m = CAPTION.exec(line);
  if (!m) return null;
  return { caption: m[1]!.trim(), credit: m[2]!.trim() };
}

/** "Maria Rossi, AFP" or "Jo Bloggs, Staff Reporter" → the names only. */
function cleanByline(names: string): string {
  const parts = names.split(/\s*,\s*/u).filter(Boolean);
  while (parts.length > 1 && (/^[\p{Lu}\p{N}&.]+$/u.test(parts.at(-1)!) || /\b(?:Staff|Reporter|Correspondent|Editor|Writer)\b/u.test(parts.at(-1)!))) parts.pop();
  return parts.join(', ');
}

function isHeadline(line: string): boolean {
  if (line.length > 180 || countWords(line) > 22) return false;
  if (/[.!]["'”’)]?$/u.test(line)) return false;
  return !(line.endsWith('?') && countWords(line) > 16);
}

function parseAttribution(line: string): string | null {
  const m = ATTRIBUTION.exec(foldQuotes(line));
  return m ? line.slice(line.indexOf('(') + 1, line.lastIndexOf(')')).trim() : null;
}

/**
 * The body rules shared by every format: chrome, duplicate captions, cover, attribution, related
 * lists, captions, byline, wire credits, dateline; everything else is a paragraph, in order.
 * Fills `draft` in place and counts what it removed.
 */
export function structureBody(draft: ArticleDraft, blocks: readonly Block[], counts: NormalisationCounts, context: ParseContext): void {
  const captionsSeen = new Set<string>();
  let previous = draft.title;
  let inRelated = false;
  for (const block of blocks) {
    if (typeof block !== 'string') {
      const { caption, credit, url } = block.image;
      const split = caption && credit === null ? splitCaption(caption) : null;
      if (caption && captionsSeen.has(caption)) {
        counts.duplicateLines++;
        continue;
      }
      if (caption) captionsSeen.add(caption);
      if (caption) draft.images.push({ caption: split?.caption ?? caption, credit: split?.credit ?? credit, afterParagraph: draft.paragraphs.length - 1, url });
      else if (!draft.cover && url) draft.cover = { caption: null, credit, url };
      inRelated = false;
      continue;
    }
    const line = block;
    if (line === '') continue;
    if (context.chrome.has(line)) {
      counts.chromeLines++;
      continue;
    }
    // Scrapers print captions twice, and sometimes a whole line twice in a row: keep one.
    if (line === previous || captionsSeen.has(line)) {
      counts.duplicateLines++;
      continue;
    }
    previous = line;
    const folded = foldQuotes(line);

    const cover = COVER.exec(line);
    if (cover) {
      const parts = splitCaption(cover[1]!);
      draft.cover = parts ? { caption: parts.caption, credit: parts.credit, url: null } : { caption: cover[1]!, credit: null, url: null };
      inRelated = false;
      continue;
    }
    const attribution = parseAttribution(line);
    if (attribution) {
      draft.attribution = attribution;
      inRelated = false;
      continue;
    }
    const header = RELATED_HEADER.exec(folded);
    if (header) {
      const inline = line.slice(line.indexOf(':') + 1).trim();
      if (inline) draft.related.push({ title: inline, url: null });
      inRelated = inline === '';
      continue;
    }
    const caption = splitCaption(line);
    if (caption) {
      captionsSeen.add(line);
      draft.images.push({ caption: caption.caption, credit: caption.credit, afterParagraph: draft.paragraphs.length - 1, url: null });
      inRelated = false;
      continue;
    }
    if (inRelated) {
      if (isHeadline(line)) {
        draft.related.push({ title: line, url: null });
        continue;
      }
      inRelated = false;
    }
    if (draft.paragraphs.length === 0 && draft.byline === null) {
      const by = BYLINE.exec(line);
      if (by && countWords(line) <= 12) {
        draft.byline = cleanByline(by[1]!);
        continue;
      }
    }
    if (CREDITS.test(line) && countWords(line) <= 30) {
      draft.credits.push(...line.split(/\s*;\s*/u).filter(Boolean));
      continue;
    }
    if (draft.paragraphs.length === 0 && draft.dateline === null) {
      const d = DATELINE.exec(line);
      if (d && d[1]!.length <= 40) {
        draft.dateline = { place: d[1]!.replace(/,\s*$/u, '').trim(), text: line.slice(0, line.length - d[3]!.length).trim() };
        draft.paragraphs.push(d[3]!);
        continue;
      }
    }
    draft.paragraphs.push(line);
  }
}
