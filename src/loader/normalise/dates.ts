/** Finding full dates written in article text ("August 9, 2021", "9 August 2021", "Aug. 9, 2021"). */
import { z } from 'zod';

const ISO_DAY = z.iso.date();

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8,
  september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?';
const MONTH_FIRST = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gu');
const DAY_FIRST = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})\\b`, 'gu');
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/gu;

function toIso(y: number, m: number, d: number): string | null {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
  const t = Date.UTC(y, m - 1, d);
  const date = new Date(t);
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString();
}

/** Every valid full date in the text, as ISO timestamps at midnight UTC. */
export function findDates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MONTH_FIRST)) {
    const iso = toIso(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]));
    if (iso) out.push(iso);
  }
  for (const m of text.matchAll(DAY_FIRST)) {
    const iso = toIso(Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]));
    if (iso) out.push(iso);
  }
  for (const m of text.matchAll(ISO_DATE)) {
    const iso = toIso(Number(m[1]), Number(m[2]), Number(m[3]));
    if (iso) out.push(iso);
  }
  return out;
}

/** The latest full date written in any of the texts, or null. */
export function latestDate(texts: Iterable<string>): string | null {
  let best: string | null = null;
  for (const t of texts) for (const d of findDates(t)) if (best === null || d > best) best = d;
  return best;
}

/** Parses a metadata date (ISO 8601, RFC 2822, "2021-08-09 10:00:00") to ISO, or null. */
export function parseMetadataDate(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value < 1e11 ? value * 1000 : value);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string' || value.trim() === '') return null;
  const s = value.trim();
  if (ISO_DAY.safeParse(s).success) return `${s}T00:00:00.000Z`;
  const d = new Date(s.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/u, '$1T$2'));
  if (!Number.isNaN(d.getTime())) return d.toISOString();
  return findDates(s)[0] ?? null;
}
