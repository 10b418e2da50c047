/**
 * The body rules every format shares: page chrome, image captions with agency credits, cover,
 * "Read more:" lists, attribution, bylines, datelines and wire trailers. The rules are written
 * for the family of scraped news pages, not for one file.
 */
import type { ArticleDraft, Block, NormalisationCounts, ParseContext } from '../types.js';
import { countWords, foldQuotes } from './clean.js';
import { dateOnlyLine, findDates, findStatedDate, noStatedDates, numericDate, settleDates, type DateLanguage, type StatedDates } from './dates.js';

/** `caption text /Credit` — a credit of one to four capitalised words after a slash. */
const CAPTION = /^(.*\S)\s+\/\s?([A-Z][\p{L}\p{N}&.'-]*(?:\s(?:[A-Z][\p{L}\p{N}&.'-]*|of|de|for)){0,3})$/u;
const COVER = /^\(\s*(?:Cover|Cover photo|Cover image|Top image|Header image)\s*:\s*(.+?)\s*\)$/iu;
const ATTRIBUTION = /^\(\s*((?:With|Additional|Source|Sources|Compiled|Edited|Written)\b[^()]*)\)$/iu;
/**
 * Labels over related headlines, in the languages outlets print them. With a colon or a bar
 * (`Also Read | …`) the headline may follow on the same line; a label alone on its line
 * (`RELATED COVERAGE`) opens a list.
 */
export const RELATED_LABELS =
  "read more|related|also read|read also|see also|related stories|related articles|related news|related coverage|related content|more on this story|more on this|lire aussi|à lire aussi|a lire aussi|voir aussi|lesen sie auch|mehr zum thema|auch interessant|leer más|lee también|lea también|noticias relacionadas|te puede interesar|leia também|leia mais|saiba mais|leggi anche|lees ook|اقرأ أيضا|اقرأ أيضاً";
const RELATED_HEADER = new RegExp(`^(?:${RELATED_LABELS})(?:\\s*[:|]\\s*(.*))?$`, 'iu');
/** A related label (`Related:`, `READ MORE`, `Lire aussi`), alone or before a headline. */
export function isRelatedHeader(line: string): boolean {
  return RELATED_HEADER.test(foldQuotes(line));
}
/** Adds the related headlines `draft` does not hold yet (by headline), in their order. */
/** A cover caption that carries its credit (`… REUTERS/Name`, `… Photo: Name`) split in two, as image captions are. */
export function splitCoverCredit(draft: ArticleDraft): void {
  if (!draft.cover?.caption || draft.cover.credit !== null) return;
  const parts = splitCaption(draft.cover.caption);
  if (parts) draft.cover = { ...draft.cover, caption: parts.caption, credit: parts.credit };
}

export function addRelated(draft: ArticleDraft, related: ReadonlyArray<{ title: string; url: string | null }>): void {
  draft.related.push(...related.filter((r) => !draft.related.some((x) => x.title === r.title)));
}
/** `By`, and the word outlets in other languages print before a byline. */
const BYLINE = /^(?:By|Par|Von|Por|Door|Av|Af)\s+(\p{Lu}[\p{L}.'’-]*(?:[ ,]+(?:and|&|de|da|van|von|der|la|le|bin|al|el|\p{Lu}[\p{L}.'’-]*))*)(?:\s*[|,–—-]\s*(.+))?$/u;
const CREDITS = /^(?:Reporting|Writing|Editing|Additional reporting|Compiled|Graphics|Fact-checking)\s+by\s+/iu;
/**
 * Agency trailers without "by": `Delaney reported from Madrid.`, `Associated Press writer Jo Roe
 * contributed to this report.` Tried only on a short line ending a sentence and holding one of the
 * phrases: tried on every line, the pattern's backtracking made loading text twice as slow.
 */
const REPORTED = /^(?:\p{Lu}[\p{L}.'’-]*\s+){0,6}?\p{Lu}[\p{L}.'’-]*(?:\s+and\s+\p{Lu}[\p{L}.'’-]*)?\s+(?:reported from\s+\p{Lu}[\p{L} ,.'’-]{1,60}|contributed (?:to )?(?:this )?report(?:ing)?(?:\s+from\s+\p{Lu}[\p{L} ,.'’-]{1,60})?)\.$/u;
/** `CHENNAI:`, `NEW DELHI:` — the dateline of South Asian outlets: a place in capitals and a colon. */
const COLON_DATELINE = /^(\p{Lu}[\p{Lu} .'’-]{2,30}):\s+(\p{Lu}.*)$/u;
/** Capitalised labels that open a paragraph the same way but are not places. */
const NOT_A_PLACE = /^(?:UPDATE|UPDATED|BREAKING|BREAKING NEWS|EXCLUSIVE|WATCH|LIVE|NOTE|EDITOR'S NOTE|EDITOR’S NOTE|PHOTOS|VIDEO|CORRECTION|ANALYSIS|OPINION|READ MORE|ALSO READ|RELATED|FILE|Q|A)$/u;
/** A desk or agency credit in a byline's place: `Express News Service`, `Special Correspondent`, `HT Correspondent`. */
const DESK_BYLINE = /^(?:\p{Lu}[\p{L}]*\s+){0,3}(?:News Service|News Network|Bureau|Staff Reporter|Special Correspondent|Correspondent|Staff Writer|News Desk|Web Desk|Online Desk)$/u;
/**
 * Copyright and rights lines at a page's foot: `© 2024 Hillside Times. All rights reserved.`,
 * `Copyright 2024 The Associated Press.` — "Copyright" followed by a sign or a year, so prose
 * about copyright ("Copyright reform was approved…") stays.
 */
const COPYRIGHT = /^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})|all rights reserved)/iu;
/** A rule drawn with characters (`___`, `* * *`, `• • •`). */
const RULE = /^[\s_*•·~=#–—-]{3,}$/u;
/**
 * Interface lines of blog platforms and galleries that no chrome list can hold word for word:
 * counters alone (`1.4K` likes; a bare number is not one: football reports print the attendance so), `4 photos`, `6 min read …`, Medium's `Follow`,
 * an RSS item's `The post … appeared first on …`, a newsletter's `Thanks for reading X! Subscribe…`.
 */
const CHROME_FORM =
  /^(?:\d+(?:[.,]\d+)?[KkM]|\d+\s+(?:photos|images|pictures|slides)|\d+\s+min(?:ute)?s?\s+read\b.{0,60}|Follow|Following|The post .{3,200} appeared first on .{2,80}|Thanks for reading .{2,80}\b[Ss]ubscribe\b.{0,120})$/u;
/** What CHROME_FORM's lines start with: most lines are rejected by their first character. */
const CHROME_FORM_START = /^[\dFT]/u;
const COUNTER = /^\d+(?:[.,]\d+)?[KkM]$/u;
/** A page's date stamp with a relative update (`25/11/2026 08h15 · Atualizado há 2 horas`): the date is in the metadata. */
const DATE_STAMP = /^\d{1,2}[./-]\d{1,2}[./-]\d{4}(?:\s+\d{1,2}[h:.]\d{2})?(?:\s*[·|•–-]\s*(?:atualizado|actualizado|updated|mis à jour|aktualisiert)\s.{0,30})?$/iu;
/** A standfirst or subtitle: no sentence end. The byline may come after it. */
const ENDS_SENTENCE = /[.!?"”’»)…:。！？」』]$/u;
/** A clock time alone on its line, as live blogs stamp their entries (`13:47`, `9.05am`, `10:05 GMT`). */
const CLOCK = /^\d{1,2}[:.h]\d{2}(?:\s?[ap]\.?m\.?)?(?:\s?[A-Z]{2,4})?$/iu;
const DATELINE = /^(\p{Lu}[\p{Lu}\p{N} .'’-]+(?:,\s*\p{Lu}[\p{L} .'’-]+)?)\s*,?\s*((?:\p{Lu}\p{Ll}+\.?\s+\d{1,2}\s*)?\(\s*[\p{L} ]{2,30}\s*\))\s*[-–—]+\s*(.+)$/u;

/**
 * A wire trailer's credits (`Reporting by …; Editing by …`, also in brackets as agencies print it
 * under the story, or as an export's byline field): each credit, or null.
 */
export function wireTrailer(line: string): string[] | null {
  const inner = line.startsWith('(') && line.endsWith(')') ? line.slice(1, -1).trim() : line;
  if (!CREDITS.test(inner) || countWords(inner) > 30) return null;
  return inner.split(/\s*;\s*/u).filter(Boolean);
}

/** A caption's text ends a sentence (or a parenthesis) before the credit forms below. */
const ENDS = `.*[.!?)"”’]`;
const NAME = `\\p{Lu}[\\p{L}&.'’-]*`;
/** `… REUTERS/Thomas Mukoya`, `… Tony Karumba/AFP via Getty Images`: a slash between capitalised names, no space around it. */
const SLASH_CREDIT = new RegExp(`^(${ENDS})\\s+(${NAME}(?:\\s${NAME}){0,3}\\/${NAME}(?:\\s(?:via\\s)?${NAME}){0,3})$`, 'u');
/** `… Photo: Simon Maina / AFP`, `… Credit: Getty Images`, `… Picture credit: …`. */
const LABEL_CREDIT = /^(.*[.!?)"”’])\s+(?:[|·]\s+)?(?:Photo|Photograph|Picture|Image|Credit|Photo [Cc]redit|Image [Cc]redit|Picture [Cc]redit|Photos|Foto|Fotos|Fotografía|Fotografia)\s*:\s*([^:;]{2,80}?)\.?$/u;
/** `… (AP Photo/Jose Costa)`, `… (EPA Photo/Name)`: an agency's photo credit in brackets. */
const AGENCY_PHOTO = /^(.*\S)\s*\(((?:\p{Lu}[\p{L}.&-]*\s+){1,3}Photos?\s*\/\s*[^()]{2,60})\)$/u;
/** `… Courtesy of the Marchetti family`, `… Photo courtesy of Name`. */
const COURTESY = /^(.*[.!?)"”’])\s+((?:Photo |Image |Picture )?[Cc]ourtesy(?: of)?\s+[^.:;]{2,60}?)\.?$/u;
/** `… (Photo by Tony Karumba / AFP)`. */
const PHOTO_BY = /^(.*\S)\s*\(\s*(?:Photo|Photograph|Picture|Image)s?\s+(?:by|credit:?)\s+([^()]{2,80})\)$/iu;
/** `… Photo by Owen Barclay.` (blog platforms, Unsplash): the credit after a sentence, no brackets. */
const PHOTO_BY_AFTER = /^(.*[.!?)"”’])\s+(?:Photo|Photograph|Picture|Image)s?\s+by\s+([^.:;()]{2,60}?)\.?$/u;
/** `…（24日、港町港沖で）＝運航会社提供`: a Japanese caption's credit after `＝` (提供 "courtesy", 撮影 "photographed by"). */
const CJK_CREDIT = /^(.*\S)\s*＝\s*([^＝]{1,30}(?:提供|撮影))$/u;
/** `Photo: A man walks. /AFP`: the label goes, the caption stays. */
const LEADING_LABEL = /^(?:Photo|Picture|Image|Caption)\s*:\s*/iu;

function credit(s: string): string {
  return s.trim().replace(/\s*\/\s*/gu, '/');
}

/**
 * A caption and its credit, in any of the forms outlets print them: `text /AP`,
 * `text REUTERS/Photographer`, `text Photo: Name / Agency`, `text (Photo by Name / Agency)`,
 * `text Credit: Agency`. Null for anything else.
 */
export function splitCaption(line: string): { caption: string; credit: string } | null {
  // The labelled forms first: "… Photo: Name / Agency" would otherwise split at its slash.
  // Each form is tried only on a line holding the character it cannot match without (most body
  // lines hold none): the backtracking `^(.*…)` of each costs a pass per line otherwise.
  const m =
    (line.endsWith(')') ? (PHOTO_BY.exec(line) ?? (/Photos?\s*\//u.test(line) ? AGENCY_PHOTO.exec(line) : null)) : null) ??
    (/[Cc]ourtesy/u.test(line) ? COURTESY.exec(line) : null) ??
    (line.includes(':') ? LABEL_CREDIT.exec(line) : null) ??
    // These two credits end the line: a glance at its end, not a scan of a whole paragraph.
    (/(?:Photo|Photograph|Picture|Image)s? by [^.:;()]{2,60}\.?$/u.test(line.length > 90 ? line.slice(-90) : line) ? PHOTO_BY_AFTER.exec(line) : null) ??
    ((line.length > 40 ? line.slice(-40) : line).includes('＝') ? CJK_CREDIT.exec(line) : null) ??
    (line.includes('/') ? (SLASH_CREDIT.exec(line) ?? CAPTION.exec(line)) : null);
  if (!m) return null;
  const caption = m[1]!.trim().replace(LEADING_LABEL, '');
  if (countWords(caption) < 2) return null;
  return { caption, credit: credit(m[2]!) };
}

/** `Published 3 March 2024`, `Updated March 4, 2024 10:32 AM GMT`, `Posted on … | Updated …`. */
const STATED_DATE_LABEL =
  /(?<!\p{L})(first published|published|posted|last updated|updated|last modified|modified|publié le|publiée le|mis à jour le|modifié le|veröffentlicht am|aktualisiert am|zuletzt aktualisiert|stand|publicado el|publicado em|publicado|actualizado el|actualizado|atualizado em|pubblicato il|aggiornato il|gepubliceerd op|bijgewerkt op|기사입력|최종수정|입력|수정|업데이트)(?!\p{L})\s*(?:on|at)?\s*[:-]?\s*/giu;
/** The same labels at the start of a line: a line that does not open with one is rejected in one anchored test. */
const STARTS_WITH_LABEL = new RegExp(`^${STATED_DATE_LABEL.source.replace('(?<!\\p{L})', '')}`, 'iu');
const UPDATED_LABEL = /updated|modified|mis à jour|modifié|aktualisiert|stand|actualizado|atualizado|aggiornato|bijgewerkt|수정|업데이트/iu;
/** Korean pages' stamps (`입력 2026.11.25 14:30 수정 2026.11.25 16:02`): numeric dates, read by {@link numericDate}. */
const KOREAN_LABEL = /입력|수정|업데이트/u;
/** The language of a label that is not English, whose parser reads the date after it. */
function labelLanguage(label: string): DateLanguage | null {
  const l = label.toLowerCase();
  if (/publié|mis à jour|modifié le/u.test(l)) return 'fr';
  if (/veröffentlicht|aktualisiert|stand/u.test(l)) return 'de';
  if (/publicado em|atualizado/u.test(l)) return 'pt';
  if (/publicado|actualizado/u.test(l)) return 'es';
  if (/pubblicato|aggiornato/u.test(l)) return 'it';
  if (/gepubliceerd|bijgewerkt/u.test(l)) return 'nl';
  return null;
}

/**
 * A line that states when the page was published or updated, and little else: the dates it
 * gives, or null when it is prose ("Updated figures show…").
 */
function statedDateLine(line: string): { published: string | null; updated: string | null } | null {
  if (line.length > 160 || !/\d/u.test(line)) return null;
  if (!STARTS_WITH_LABEL.test(line)) return null;
  STATED_DATE_LABEL.lastIndex = 0;
  const labels = [...line.matchAll(STATED_DATE_LABEL)];
  if (labels.length === 0 || labels[0]!.index !== 0) return null;
  const out = { published: null as string | null, updated: null as string | null };
  for (let i = 0; i < labels.length; i++) {
    const from = labels[i]!.index! + labels[i]![0].length;
    const to = labels[i + 1]?.index ?? line.length;
    // `25 nov 2026 - 10:32`: a dash between the day and its time hides the time from the parsers.
    const part = line.slice(from, to).replace(/[|·•,;–—-]+\s*$/u, '').trim().replace(/(\d{4})\s+[-–|·]\s+(\d{1,2}[:h.]\d{2})/u, '$1 $2');
    const language = labelLanguage(labels[i]![1]!);
    const date = KOREAN_LABEL.test(labels[i]![1]!) ? numericDate(part) : language ? (countWords(part) <= 12 ? findStatedDate(part, language) : null) : (dateOnlyLine(part) ?? (countWords(part) <= 12 ? (findDates(part)[0] ?? null) : null));
    if (!date) return null;
    if (UPDATED_LABEL.test(labels[i]![1]!)) out.updated ??= date;
    else out.published ??= date;
  }
  return out;
}

/** True for a line such as `Published 3 March 2024` or `Posted on 12 May 2023 by Jo Bloggs`. */
export function statesDate(line: string): boolean {
  return statedDateLine(line) !== null;
}

const ROLE = /\b(?:Staff|Reporter|Correspondent|Editor|Writer|Columnist|Contributor|Producer)\b/iu;
const NAME_PARTICLES = /\b(?:and|de|da|van|von|der|la|le|bin|al|el)\b/gu;

/**
 * "Maria Rossi, AFP" or "Jo Bloggs, Staff Reporter" → the names only; names an outlet prints in
 * capitals (`ANA RIBEIRO and MARK DELANEY`, `AMELIA FRANKS, HEALTH CORRESPONDENT`) as names are written.
 */
export function cleanByline(names: string): string {
  // `山田 花子 記者`, `记者 王明`: a Japanese or Chinese reporter's title around the name.
  if (/[記记特撮]/u.test(names)) names = names.replace(/^(?:记者|記者)\s*|\s*(?:記者|记者|特派員|特派员|編集委員|撮影)$/gu, '');
  // `김서연 기자`: a Korean reporter's title (기자 reporter, 특파원 correspondent) after the name.
  else if (/(?:기자|특파원)$/u.test(names)) names = names.replace(/\s*(?:기자|특파원)$/u, '');
  const parts = names.split(/\s*,\s*/u).filter(Boolean);
  while (parts.length > 1 && (/^[\p{Lu}\p{N}&.]+$/u.test(parts.at(-1)!) || ROLE.test(parts.at(-1)!))) parts.pop();
  const joined = parts.join(', ');
  if (/\p{Ll}/u.test(joined.replace(NAME_PARTICLES, '')) || !/\p{Lu}{2}/u.test(joined)) return joined;
  return joined.replace(/\p{Lu}+/gu, (w) => w[0] + w.slice(1).toLowerCase());
}

function isKicker(line: string, draft: ArticleDraft): boolean {
  const l = line.toLowerCase();
  return draft.category === l || draft.tags.some((t) => t.toLowerCase() === l);
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
  const stated: StatedDates = noStatedDates();
  let previous = draft.title;
  let inRelated = false;
  let clock: string | null = null;
  let counter = false;
  // A date line of a page in another language is read in it (`25 novembre 2026 à 14h30`).
  const pageLanguage = draft.language?.slice(0, 2).toLowerCase() ?? null;
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
    let line = block;
    if (line === '') continue;
    if (context.chrome.has(line) || RULE.test(line) || (COPYRIGHT.test(line) && countWords(line) <= 25) || (line.length <= 300 && CHROME_FORM_START.test(line) && CHROME_FORM.test(line))) {
      counts.chromeLines++;
      counter = COUNTER.test(line);
      continue;
    }
    // Counters come in a row (likes `1.4K`, then comments `23`): a bare number right after one is one too.
    if (counter && /^\d{1,6}$/u.test(line)) {
      counts.chromeLines++;
      continue;
    }
    counter = false;
    if (draft.paragraphs.length <= 1 && draft.publishedAt !== null && DATE_STAMP.test(line)) {
      counts.chromeLines++;
      continue;
    }
    // A kicker above the headline that repeats the section or a tag (`Opinion`, `Gardening`).
    if (draft.paragraphs.length === 0 && line.length <= 40 && (draft.category !== null || draft.tags.length > 0) && isKicker(line, draft)) {
      counts.chromeLines++;
      continue;
    }
    // A live blog's entry time opens the entry's first line.
    if (CLOCK.test(line)) {
      clock = clock === null ? line : `${clock} ${line}`;
      continue;
    }
    if (clock !== null) {
      line = `${clock} ${line}`;
      clock = null;
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
      const inline = header[1] === undefined ? '' : line.slice(line.length - header[1].length).trim();
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
    // Wire trailers end a related list: "Reporting by …; Editing by …" is not a headline.
    const trailer = wireTrailer(line);
    if (trailer) {
      for (const c of trailer) if (!draft.credits.includes(c)) draft.credits.push(c);
      inRelated = false;
      continue;
    }
    if (line.length <= 200 && line.endsWith('.') && / (?:reported from|contributed) /u.test(line) && countWords(line) <= 25 && REPORTED.test(line)) {
      draft.credits.push(...line.split(/\s*;\s*/u).filter(Boolean));
      inRelated = false;
      continue;
    }
    // Published/Updated lines are metadata, not the lead; a dateline after them is still found.
    const dates = statedDateLine(line) ?? (draft.paragraphs.length === 0 && draft.dateline === null ? bareDate(line, pageLanguage) : null);
    if (dates) {
      stated.published ??= dates.published;
      stated.updated ??= dates.updated;
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
    // The byline printed again where metadata or a byline element already gave it: not a paragraph.
    if (draft.paragraphs.length === 0 && draft.byline !== null && line.length <= 200) {
      const by = BYLINE.exec(line);
      if (by && cleanByline(by[1]!) === draft.byline) {
        if (by[2]) {
          const dates = statedDateLine(by[2]);
          stated.published ??= dates?.published ?? null;
          stated.updated ??= dates?.updated ?? null;
        }
        counts.duplicateLines++;
        continue;
      }
    }
    // The byline under a standfirst (`Por Rafael Nogueira, Folha do Vale — São José`), as well as first.
    if ((draft.paragraphs.length === 0 || (draft.paragraphs.length === 1 && !ENDS_SENTENCE.test(draft.paragraphs[0]!))) && draft.byline === null) {
      const by = BYLINE.exec(line);
      if (by && countWords(line) <= 16) {
        draft.byline = cleanByline(by[1]!);
        // "By Jane Doe | March 3, 2024": a byline line states the date too.
        if (by[2]) stated.byline = findDates(by[2])[0] ?? null;
        continue;
      }
      if (DESK_BYLINE.test(line)) {
        draft.byline = line;
        continue;
      }
    }
    if (draft.paragraphs.length === 0 && draft.dateline === null) {
      const d = DATELINE.exec(line);
      if (d && d[1]!.length <= 40) {
        draft.dateline = { place: d[1]!.replace(/,\s*$/u, '').trim(), text: line.slice(0, line.length - d[3]!.length).trim() };
        draft.paragraphs.push(d[3]!);
        continue;
      }
      const c = COLON_DATELINE.exec(line);
      if (c && !NOT_A_PLACE.test(c[1]!.trim())) {
        draft.dateline = { place: c[1]!.trim(), text: `${c[1]!}:` };
        draft.paragraphs.push(c[2]!);
        continue;
      }
    }
    draft.paragraphs.push(line);
  }
  authorNote(draft);
  settleDates(draft, stated);
}

/** `Dr Helen Marsh is a lecturer in …`: who is the subject of a closing note, and what follows. */
const NOTE_SUBJECT = /^(.{3,80}?)\s+(?:is|was|has been|writes|teaches|works|leads|chairs|directs|runs)\s/u;

/**
 * An opinion column's closing note on its author (`Samir Haddad is a senior lecturer in public
 * policy at …`): the last paragraph, short, about the byline's author (or "The author"/"The
 * writer"), is attribution, not story. Kept in `attribution`, or with the credits when the page
 * already states one.
 */
function authorNote(draft: ArticleDraft): void {
  const last = draft.paragraphs.at(-1);
  if (draft.paragraphs.length < 3 || last === undefined || last.length > 400 || countWords(last) > 50 || !/[.!]$/u.test(last)) return;
  const subject = NOTE_SUBJECT.exec(last)?.[1];
  if (!subject) return;
  const author = draft.byline?.split(/\s*(?:,|\band\b|&)\s*/u)[0]?.trim() ?? '';
  const aboutAuthor = /^The (?:author|writer|columnist)$/iu.test(subject) || (countWords(author) >= 2 && (subject.endsWith(author) || author.endsWith(subject)) && countWords(subject) >= 2);
  if (!aboutAuthor) return;
  draft.paragraphs.pop();
  if (draft.attribution === null) draft.attribution = last;
  else draft.credits.push(last);
}

/** A line that is only a date, above the story ("Mon 4 Mar 2024 09.15 GMT"): its publication date. */
function bareDate(line: string, language: string | null): { published: string | null; updated: null } | null {
  const date = dateOnlyLine(line, language);
  return date ? { published: date, updated: null } : null;
}
