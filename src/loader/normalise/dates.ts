/**
 * Dates a reader can trust: only where a page states when it was published — metadata, a
 * `Published`/`Updated`/`Posted` line, a byline line, a dateline, or, for a page with none of
 * these, a date in an image caption. Never from the prose: a story mentions deadlines, matches of
 * 1870 and birth dates, none of which is when it was written.
 *
 * Natural-language forms ("Jan. 13, 2023 at 4:05 p.m. ET", "Mon 4 Mar 2024 09.15 GMT") are read
 * by chrono-node in its strict mode (no "Friday", no "today"). A stated time zone is kept: the
 * timestamp is the page's local time with its offset (`…T10:32:00.000+03:00`; GMT/UTC as `Z`);
 * a time without one is taken as UTC; a day without a time is midnight UTC of that day.
 */
import { de, es, fr, it, nl, pt, strict as chrono, type ParsedComponents } from 'chrono-node';
import { z } from 'zod';
import type { ArticleDraft, DateSource } from '../types.js';

const ISO_DAY = z.iso.date();
const ISO_DATE_TIME = z.iso.datetime({ offset: true, local: true });
/** Without a year, chrono would assume the reference's: a fixed one makes that visible, never used. */
const REFERENCE = { instant: new Date(Date.UTC(2000, 0, 1)), timezone: 'UTC' };

/** ISO 8601 of the instant `ms` as local time at `offsetMinutes` east of UTC (`Z` for 0). */
function isoWithOffset(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A time read without a zone (`2026年11月25日 16時10分` → `…T16:10:00.000Z`, the wall clock taken as
 * UTC) placed in the zone `offsetMinutes` east of UTC that the page states elsewhere:
 * `…T16:10:00.000+09:00`.
 */
export function inZone(wallClockAsUtc: string, offsetMinutes: number): string {
  return isoWithOffset(Date.parse(wallClockAsUtc) - offsetMinutes * 60_000, offsetMinutes);
}

/** The first offset a page states on a timestamp (`2026-11-25T18:05:00+09:00` in a meta tag, JSON-LD, a `<time>`): minutes east of UTC, or null. */
export function statedOffset(page: string): number | null {
  const m = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):?(\d{2})(?!\d)/u.exec(page);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
}

function toIso(c: ParsedComponents): string | null {
  const y = c.get('year');
  if (y === null || y < 1800 || y > 2200) return null;
  if (c.isCertain('hour')) return isoWithOffset(c.date().getTime(), c.isCertain('timezoneOffset') ? (c.get('timezoneOffset') ?? 0) : 0);
  return new Date(Date.UTC(y, c.get('month')! - 1, c.get('day')!)).toISOString();
}

/** Every full date (day, month and year) written in the text, in order, as ISO timestamps. */
export function findDates(text: string): string[] {
  const out: string[] = [];
  for (const r of chrono.parse(text, REFERENCE)) {
    if (!r.start.isCertain('year') || !r.start.isCertain('day')) continue;
    const iso = toIso(r.start);
    if (iso) out.push(iso);
  }
  return out;
}

/** Other languages' date forms (`6 mars 2024 à 18h42`, `12.03.2024 15:30 Uhr`), strict as English is. */
const PARSERS = { fr: fr.strict, de: de.strict, es: es.strict, pt: pt.strict, it: it.strict, nl: nl.strict } as const;
export type DateLanguage = keyof typeof PARSERS;

/**
 * The first full date in a short stated-date text after a label in another language
 * (`Publié le …`, `Stand: …`), read by that language's parser: `12.03.2024` is 12 March in
 * German, not December 3. Only for such labelled parts: never run over the prose.
 */
export function findStatedDate(text: string, language: DateLanguage): string | null {
  for (const r of PARSERS[language].parse(text, REFERENCE)) {
    if (!r.start.isCertain('year') || !r.start.isCertain('day')) continue;
    const iso = toIso(r.start);
    if (iso) return iso;
  }
  return null;
}

/** The latest full date written in any of the texts, or null. */
export function latestDate(texts: Iterable<string>): string | null {
  let best: string | null = null;
  for (const t of texts) for (const d of findDates(t)) if (best === null || d > best) best = d;
  return best;
}

/** `2026年11月25日 14時30分`, `2026年11月25日（水）14:30`: a date as Japanese and Chinese pages print it. */
const CJK_DATE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:[（(][^）)]{1,3}[）)])?\s*(?:(\d{1,2})\s*[時时:：]\s*(\d{1,2})\s*分?)?\s*(?:更新|発表|配信|发布)?$/u;

function cjkDate(line: string): string | null {
  const m = CJK_DATE.exec(line);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as [number, number, number, number, number];
  const t = Date.UTC(year, month - 1, day, hour, minute);
  const d = new Date(t);
  // 2026年2月31日 is no date: the parts must survive the round trip.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return d.toISOString();
}

/** `2026.11.25 14:30`, `2026-11-25 오후 2:30`, `2026. 11. 25.`: the numeric stamp of Korean pages, year first. */
const NUMERIC_DATE = /^(\d{4})[./-]\s?(\d{1,2})[./-]\s?(\d{1,2})\.?\s*(?:[(（][^)）]{1,3}[)）])?\s*(?:(오전|오후)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/u;

/** A year-first numeric date and time after a Korean label (the wall clock as UTC, like every time without a zone), or null. */
export function numericDate(text: string): string | null {
  const m = NUMERIC_DATE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour12, minute, second] = [m[1], m[2], m[3], m[5] ?? '0', m[6] ?? '0', m[7] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const hour = m[4] === '오후' && hour12 < 12 ? hour12 + 12 : m[4] === '오전' && hour12 === 12 ? 0 : hour12;
  const t = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(t);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return d.toISOString();
}

/** Small words a date line of another language holds around its date (`à`, `um … Uhr`, `às`, `alle`). */
const DATE_LINE_WORDS: Readonly<Record<DateLanguage, RegExp>> = {
  fr: /(?<!\p{L})(?:le|à|a)(?!\p{L})/giu,
  de: /(?<!\p{L})(?:am|um|uhr)(?!\p{L})/giu,
  es: /(?<!\p{L})(?:el|a las|de)(?!\p{L})/giu,
  pt: /(?<!\p{L})(?:em|às|de)(?!\p{L})/giu,
  it: /(?<!\p{L})(?:il|alle|ore)(?!\p{L})/giu,
  nl: /(?<!\p{L})(?:op|om|uur)(?!\p{L})/giu,
};

/**
 * A line that is a date and little else ("Mon 4 Mar 2024 09.15 GMT"), as an ISO timestamp. On a
 * page in French, German, Spanish, Portuguese, Italian or Dutch, a line English does not read is
 * read in the page's language (`25 novembre 2026 à 14h30`, `25. November 2026, 14:30 Uhr`).
 */
export function dateOnlyLine(line: string, language: string | null = null): string | null {
  if (line.length > 60 || !/\d/u.test(line)) return null;
  if (line.includes('年')) return cjkDate(line);
  const english = onlyDate(line, chrono.parse(line, REFERENCE)[0], /\b(?:on|at|the)\b/giu);
  if (typeof english === 'string' || language === null || !(language in PARSERS)) return english ?? null;
  const lang = language as DateLanguage;
  return onlyDate(line, PARSERS[lang].parse(line, REFERENCE)[0], DATE_LINE_WORDS[lang]) ?? null;
}

/** The date `r` found in `line` when the line holds nothing else but `small` words; null when it holds more; undefined when `r` is no full date. */
function onlyDate(line: string, r: ReturnType<typeof chrono.parse>[number] | undefined, small: RegExp): string | null | undefined {
  if (!r || !r.start.isCertain('year') || !r.start.isCertain('day')) return undefined;
  const rest = line.slice(0, r.index) + line.slice(r.index + r.text.length);
  return /[\p{L}\p{N}]{3,}/u.test(rest.replace(small, '')) ? null : toIso(r.start);
}

/** A dateline's month and day ("NAIROBI, March 3 (Reuters) -"), in the year that puts it nearest the reference. */
export function datelineDate(datelineText: string, reference: string | null): string | null {
  if (reference === null) return null;
  const r = chrono.parse(datelineText, REFERENCE)[0];
  if (!r || !r.start.isCertain('day') || !r.start.isCertain('month')) return null;
  const refMs = Date.parse(reference);
  const refYear = new Date(refMs).getUTCFullYear();
  const year = r.start.isCertain('year') ? r.start.get('year')! : refYear;
  const candidates = r.start.isCertain('year') ? [year] : [year - 1, year, year + 1];
  let best: number | null = null;
  for (const y of candidates) {
    const t = Date.UTC(y, r.start.get('month')! - 1, r.start.get('day')!);
    if (best === null || Math.abs(t - refMs) < Math.abs(best - refMs)) best = t;
  }
  return new Date(best!).toISOString();
}

/** Parses a metadata date (ISO 8601, RFC 2822, "2021-08-09 10:00:00", epoch seconds or ms, natural forms) to ISO, or null. */
export function parseMetadataDate(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value < 1e11 ? value * 1000 : value);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' || value.trim() === '') return null;
  const s = value.trim();
  if (ISO_DAY.safeParse(s).success) return `${s}T00:00:00.000Z`;
  // ISO date-times without an offset are UTC here, not the machine's local time.
  const isoLike = s.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/u, '$1T$2');
  if (ISO_DATE_TIME.safeParse(isoLike).success) {
    // The page's offset is kept; none means UTC.
    const offset = /([+-])(\d{2}):?(\d{2})$/u.exec(isoLike);
    if (!offset) return new Date(isoLike.endsWith('Z') ? isoLike : `${isoLike}Z`).toISOString();
    const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
    return isoWithOffset(Date.parse(isoLike), minutes);
  }
  const d = new Date(s);
  if (!Number.isNaN(d.getTime()) && /[a-z]{3}/iu.test(s) && /\b\d{4}\b/u.test(s)) return d.toISOString();
  return findDates(s)[0] ?? null;
}

/** The dates the body rules found, before they are weighed (see {@link settleDates}). */
export interface StatedDates {
  published: string | null;
  updated: string | null;
  byline: string | null;
}

export function noStatedDates(): StatedDates {
  return { published: null, updated: null, byline: null };
}

/**
 * Sets the draft's dates from what the page states, unless metadata already did: a Published
 * line, else a byline date, else the dateline (its year from the nearest stated full date), else
 * an Updated line, else the latest date in the story's image captions. `modifiedAt` from an
 * Updated line when metadata gave none.
 */
export function settleDates(draft: ArticleDraft, stated: StatedDates): void {
  if (!draft.modifiedAt && stated.updated && stated.updated !== draft.publishedAt) draft.modifiedAt = stated.updated;
  if (draft.publishedAt) return;
  const captionDate = () => latestDate([...draft.images.map((i) => i.caption), ...(draft.cover?.caption ? [draft.cover.caption] : [])]);
  const pick = (iso: string | null, source: DateSource): boolean => {
    if (!iso) return false;
    draft.publishedAt = iso;
    draft.dateSource = source;
    return true;
  };
  if (pick(stated.published, 'published-line') || pick(stated.byline, 'byline')) return;
  if (draft.dateline) {
    const reference = stated.updated ?? captionDate();
    if (pick(datelineDate(draft.dateline.text, reference), 'dateline')) return;
  }
  if (pick(stated.updated, 'updated-line')) return;
  pick(captionDate(), 'caption');
}
