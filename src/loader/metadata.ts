/**
 * Explicit metadata, as Markdown front matter and scraper JSON name it, mapped onto a draft.
 * Field names follow common scraper output (news-please, newspaper3k, NewsAPI-style exports).
 */
import { cleanByline, wireTrailer } from './normalise/body.js';
import { parseMetadataDate } from './normalise/dates.js';
import { cleanLine } from './normalise/clean.js';
import { primaryLanguage } from './normalise/language.js';
import type { ArticleDraft } from './types.js';

type Fields = Record<string, unknown>;

export const FIELD_NAMES = {
  title: ['title', 'headline'],
  body: ['text', 'content', 'body', 'maintext', 'articleBody', 'article_text'],
  description: ['description', 'summary', 'lead', 'standfirst'],
  source: ['source', 'source_name', 'publisher', 'site_name', 'source_domain'],
  byline: ['byline', 'author', 'authors'],
  date: ['publishedAt', 'published_at', 'date_publish', 'publish_date', 'datePublished', 'pubDate', 'date'],
  modified: ['modifiedAt', 'modified_at', 'date_modify', 'dateModified', 'updatedAt', 'updated_at', 'lastModified'],
  category: ['category', 'section'],
  tags: ['tags', 'keywords'],
  url: ['url', 'link', 'canonical_url'],
  image: ['image', 'image_url', 'top_image', 'urlToImage'],
  language: ['language', 'lang'],
} as const;

export function pick(fields: Fields, names: readonly string[]): unknown {
  for (const n of names) {
    const v = fields[n];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

export function text(v: unknown): string | null {
  if (typeof v === 'string') return cleanLine(v) || null;
  if (typeof v === 'number') return String(v);
  return null;
}

function names(v: unknown): string | null {
  if (Array.isArray(v)) {
    const list = v.map((x) => text(typeof x === 'object' && x ? (x as Fields).name : x)).filter((x): x is string => !!x);
    if (list.length === 0) return null;
    return list.length <= 2 ? list.join(' and ') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  }
  if (typeof v === 'object' && v) return text((v as Fields).name);
  const s = text(v);
  return s ? cleanByline(s.replace(/^by\s+/iu, '')) || null : null;
}

/** A problem with one metadata field: the draft is still usable without it. */
export type FieldProblem = string;

/** Applies metadata fields to the draft (metadata wins over text inference). Returns complaints. */
export function applyMetadata(draft: ArticleDraft, fields: Fields): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const source = pick(fields, FIELD_NAMES.source);
  if (source !== undefined) {
    const name = typeof source === 'object' && source ? text((source as Fields).name) : text(source);
    if (name) draft.sourceName = name;
    // An id the input states is kept as given (finish.ts checks that it is a valid id).
    const id = typeof source === 'object' && source ? text((source as Fields).id) : null;
    if (name && id) draft.sourceId = id;
  }
  const byline = pick(fields, FIELD_NAMES.byline);
  // A wire item's byline field may hold its trailer (`Reporting by …; Editing by …`): credits, not a name.
  const trailer = typeof byline === 'string' ? wireTrailer(cleanLine(byline)) : null;
  if (trailer) draft.credits = trailer;
  else if (byline !== undefined) draft.byline = names(byline) ?? draft.byline;
  const date = pick(fields, FIELD_NAMES.date);
  if (date !== undefined) {
    const iso = parseMetadataDate(date);
    if (iso) {
      draft.publishedAt = iso;
      draft.dateSource = 'metadata';
    } else problems.push(`unreadable date ${JSON.stringify(date)}; using dates the page states instead`);
  }
  const modified = pick(fields, FIELD_NAMES.modified);
  if (modified !== undefined) {
    const iso = parseMetadataDate(modified);
    if (iso) draft.modifiedAt = iso;
    else problems.push(`unreadable modified date ${JSON.stringify(modified)}; ignored`);
  }
  const category = text(pick(fields, FIELD_NAMES.category));
  if (category) draft.category = category.toLowerCase();
  const tags = pick(fields, FIELD_NAMES.tags);
  // One tag that lists several (`<meta property="article:tag" content="Flooding,Environment">`) is those tags.
  const list = Array.isArray(tags) && tags.length === 1 && typeof tags[0] === 'string' && tags[0].includes(',') ? tags[0].split(',') : tags;
  if (Array.isArray(list)) draft.tags = list.map(text).filter((t): t is string => !!t);
  else if (typeof tags === 'string') draft.tags = tags.split(',').map((t) => cleanLine(t)).filter(Boolean);
  const url = text(pick(fields, FIELD_NAMES.url));
  if (url) draft.url = url;
  const image = pick(fields, FIELD_NAMES.image);
  if (typeof image === 'string' && image.trim()) draft.cover = { caption: null, credit: null, url: image.trim() };
  else if (typeof image === 'object' && image) {
    const im = image as Fields;
    const caption = text(im.caption ?? im.alt);
    const credit = text(im.credit);
    const imageUrl = text(im.url ?? im.src);
    if (caption || imageUrl) draft.cover = { caption, credit, url: imageUrl };
  }
  const language = primaryLanguage(text(pick(fields, FIELD_NAMES.language)));
  if (language) draft.language = language;
  return problems;
}
