/**
 * Article objects in the shapes content systems export, read into the scraper field names
 * metadata.ts maps plus a body of parts. The shapes are families, recognised by their structure,
 * not by an outlet's name:
 *
 * - WordPress REST API posts: `{ rendered }` values (`title.rendered`, `content.rendered` HTML),
 *   `date_gmt` (UTC; `date` is the site's local time with no offset), `_embedded` author, featured
 *   media and terms;
 * - Arc XP ANS stories: `headlines.basic`, `credits.by`, `first_publish_date`, `taxonomy`,
 *   `promo_items.basic`, `content_elements` (text, header, image, list, quote, interstitial_link);
 * - block bodies (newsroom exports, headless CMSs, Next.js page data, Sanity's Portable Text): a
 *   body that is a list of objects, each with a type (`type`, `kind`, `_type`…) and its text,
 *   image or links.
 *
 * Nothing here parses HTML: a part that holds HTML is passed on as `{ html }` for the format to
 * turn into blocks (normalise/html-blocks.ts, loaded only when a file has such a part).
 */
import { decodeHTML } from 'entities';
import { applyMetadata, FIELD_NAMES, pick, text } from './metadata.js';
import { addRelated, splitCoverCredit, structureBody } from './normalise/body.js';
import { cleanLine, cleanLines, pageBase, resolve } from './normalise/clean.js';
import { emptyDraft, type Block, type NormalisationCounts, type ParseContext, type ParsedEntry } from './types.js';

type Fields = Record<string, unknown>;

/** One part of a body: plain text (line breaks separate paragraphs), HTML, an image or related links. */
export type BodyPart =
  | { text: string }
  | { html: string }
  | { image: { caption: string | null; credit: string | null; url: string | null } }
  | { related: Array<{ title: string; url: string | null }> };

export interface ArticleObject {
  fields: Fields;
  body: BodyPart[];
}

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
/**
 * HTML in a string: a tag of the elements story markup is made of. Any `<word>` would not do: a
 * plain-text body may say "handle <most> of the trade", and that text must stay as written.
 */
const TAGS = String.raw`<\/?(?:p|br|div|span|a|b|i|u|em|strong|h[1-6]|ul|ol|li|figure|figcaption|img|blockquote|section|article|table|tbody|thead|tr|td|th|iframe|script|style)(?:\s[^<>]*)?\/?>`;
export const HOLDS_HTML = new RegExp(TAGS, 'iu');
const ALL_TAGS = new RegExp(TAGS, 'giu');
/** An entity (`&#8217;`, `&amp;`) in a CMS field's rendered text. */
const ENTITY = /&(?:#\d+|#x[\da-f]+|[a-z]+\d*);/iu;

/** Text of a string that may hold inline HTML (`<b>`, `&#8217;`), without parsing a DOM. */
function plain(v: unknown): string | null {
  const s = str(v);
  if (s === null) return null;
  return cleanLine(HOLDS_HTML.test(s) || ENTITY.test(s) ? decodeHTML(s.replace(ALL_TAGS, ' ')) : s) || null;
}

/** Names of people from `{ name }` objects, strings, or lists of either. */
function namesOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(namesOf);
  if (isObject(v)) return namesOf(v.name ?? v.displayName ?? v.byline ?? v.title);
  const s = plain(v);
  return s ? [s] : [];
}

function body(value: unknown): BodyPart[] {
  if (typeof value === 'string') return [HOLDS_HTML.test(value) ? { html: value } : { text: value }];
  if (isObject(value) && typeof value.rendered === 'string') return body(value.rendered);
  if (!Array.isArray(value)) return [];
  return value.flatMap((part) => (typeof part === 'string' ? body(part) : isObject(part) ? blockPart(part) : []));
}

const IMAGE_TYPE = /image|photo|picture|figure|gallery/iu;
const RELATED_TYPE = /related|interstitial|read[-_ ]?more|links?$/iu;
const SKIPPED_TYPE = /^(?:raw_html|ad|advert|advertisement|embed|oembed|oembed_\w+|video|audio|newsletter|promo|social|tweet|instagram|iframe|script)$/iu;

/** One block of a block body, whatever the CMS calls its fields. */
function blockPart(b: Fields): BodyPart[] {
  const type = String(b.type ?? b.kind ?? b._type ?? b.blockType ?? b.__typename ?? '');
  if (SKIPPED_TYPE.test(type)) return [];
  if (IMAGE_TYPE.test(type)) {
    const img = isObject(b.image) ? b.image : isObject(b.asset) ? b.asset : b;
    const url = str(img.url) ?? str(img.src) ?? str(img.source_url) ?? str(b.url) ?? str(b.src);
    const credit = namesOf((img.credits as Fields | undefined)?.by ?? img.credit ?? b.credit ?? img.copyright ?? b.copyright);
    return [{ image: { caption: plain(img.caption ?? b.caption ?? img.alt ?? b.alt), credit: credit.length ? credit.join(', ') : null, url } }];
  }
  if (RELATED_TYPE.test(type)) {
    const items = Array.isArray(b.items) ? b.items : Array.isArray(b.links) ? b.links : [b];
    const related = items
      .filter(isObject)
      .map((i) => ({ title: plain(i.title ?? i.headline ?? i.content ?? i.text) ?? '', url: str(i.url ?? i.href) }))
      .filter((r) => r.title !== '');
    return related.length ? [{ related }] : [];
  }
  // Lists, quotes and other containers: their items or elements, in order.
  if (Array.isArray(b.items)) return b.items.flatMap((i) => (isObject(i) ? blockPart({ type: 'text', ...i }) : body(i)));
  if (Array.isArray(b.content_elements)) return body(b.content_elements);
  // Portable Text: a block's spans are its children.
  if (Array.isArray(b.children)) {
    const spans = b.children.map((c) => (isObject(c) ? (str(c.text) ?? '') : '')).join('');
    return spans.trim() ? [{ text: spans }] : [];
  }
  const content = b.text ?? b.content ?? b.html ?? b.value ?? b.body;
  if (typeof content === 'string') return body(content);
  return [];
}

/** A WordPress `*_gmt` time (UTC, written with no zone) as an instant with its zone; null when absent. */
function utc(v: unknown): string | null {
  const s = str(v);
  return s === null ? null : /[zZ]|[+-]\d\d:?\d\d$/u.test(s) ? s : `${s}Z`;
}

/** WordPress REST: `_embedded` author, featured media and terms as plain fields. */
function wordpress(o: Fields, out: Fields): void {
  // `categories` and `tags` are term ids; their names are in `_embedded`.
  delete out.categories;
  if (Array.isArray(out.tags) && out.tags.every((t) => typeof t === 'number')) delete out.tags;
  const embedded = isObject(o._embedded) ? o._embedded : {};
  if (typeof o.author === 'number' || out.author === undefined) {
    const authors = namesOf(embedded.author);
    out.author = authors.length ? authors : undefined;
  }
  // `date` is the site's local time with no offset; `date_gmt` is the same instant in UTC.
  const gmt = utc(o.date_gmt);
  if (gmt) out.publishedAt = gmt;
  const modifiedGmt = utc(o.modified_gmt);
  if (modifiedGmt) out.modifiedAt = modifiedGmt;
  const media = Array.isArray(embedded['wp:featuredmedia']) ? embedded['wp:featuredmedia'][0] : undefined;
  if (isObject(media) && str(media.source_url)) out.image = { url: media.source_url, caption: plain(isObject(media.caption) ? media.caption.rendered : media.caption) ?? plain(media.alt_text) };
  const terms = Array.isArray(embedded['wp:term']) ? embedded['wp:term'].flat().filter(isObject) : [];
  const category = terms.find((t) => t.taxonomy === 'category');
  if (category) out.category = plain(category.name);
  const tags = terms.filter((t) => t.taxonomy === 'post_tag').map((t) => plain(t.name)).filter(Boolean);
  if (tags.length) out.tags = tags;
}

/** Arc XP ANS: headlines, credits, dates, taxonomy and promo image as plain fields. */
function ans(o: Fields, out: Fields): void {
  const headlines = isObject(o.headlines) ? o.headlines : {};
  out.title = plain(headlines.basic) ?? plain(headlines.web) ?? out.title;
  const by = namesOf((o.credits as Fields | undefined)?.by);
  if (by.length) out.author = by;
  out.publishedAt = str(o.first_publish_date) ?? str(o.display_date) ?? str(o.publish_date) ?? undefined;
  out.modifiedAt = str(o.last_updated_date) ?? undefined;
  const taxonomy = isObject(o.taxonomy) ? o.taxonomy : {};
  const section = isObject(taxonomy.primary_section) ? plain(taxonomy.primary_section.name) : null;
  if (section) out.category = section;
  const tags = Array.isArray(taxonomy.tags) ? taxonomy.tags.map((t) => plain(isObject(t) ? (t.text ?? t.slug) : t)).filter(Boolean) : [];
  if (tags.length) out.tags = tags;
  out.url = str(o.canonical_url) ?? str(o.website_url) ?? out.url;
  const promo = isObject(o.promo_items) && isObject(o.promo_items.basic) ? o.promo_items.basic : null;
  if (promo && str(promo.url)) {
    const credit = namesOf((promo.credits as Fields | undefined)?.by);
    out.image = { url: promo.url, caption: plain(promo.caption), credit: credit.length ? credit.join(', ') : null };
  }
  out.description = plain(isObject(o.description) ? o.description.basic : undefined) ?? plain(isObject(o.subheadlines) ? o.subheadlines.basic : undefined);
}

/** ninjs `associations`: the first picture, its largest rendition and its description as caption. */
function wireImage(associations: Fields, out: Fields): void {
  if (pick(out, FIELD_NAMES.image) !== undefined) return;
  const picture = Object.values(associations).find((a) => isObject(a) && /picture|image|photo/iu.test(String(a.type ?? '')));
  if (!isObject(picture)) return;
  const renditions = isObject(picture.renditions) ? Object.values(picture.renditions).filter(isObject) : [];
  const largest = renditions.sort((a, b) => Number(b.width ?? 0) - Number(a.width ?? 0))[0];
  const url = str(largest?.href) ?? str(picture.uri?.toString().startsWith('http') ? picture.uri : null);
  if (url) out.image = { url, caption: plain(picture.description_text ?? picture.body_text ?? picture.headline), credit: null };
}

/** Content API tags: contributors are the byline, keywords the tags (each `{ type, webTitle }`). */
function contentApiTags(tags: unknown[], out: Fields): void {
  const of = (type: string) => tags.filter((t): t is Fields => isObject(t) && t.type === type).map((t) => plain(t.webTitle)).filter(Boolean);
  const contributors = of('contributor');
  if (pick(out, FIELD_NAMES.byline) === undefined && contributors.length) out.byline = contributors;
  out.tags = of('keyword');
}

/** Keys outlets' exports use beyond the common scraper names, for the same fields. */
const MORE_NAMES: Record<string, readonly string[]> = {
  // The Guardian's content API (`webTitle`, `webPublicationDate`, `webUrl`, `sectionName`, `trailText`),
  // JSON Feed (`content_html`, `date_published`), ninjs wire items (`body_html`, `firstcreated`,
  // `versioncreated`, `copyrightholder`, `subject`), rss-parser's items (`isoDate`, `dc:creator`).
  title: ['webTitle'],
  body: ['body_html', 'content_html', 'bodyHtml', 'body_text', 'content_text', 'bodyText'],
  description: ['trailText', 'description_text', 'contentSnippet'],
  date: ['webPublicationDate', 'firstPublicationDate', 'date_published', 'firstcreated', 'isoDate'],
  // Arc's `canonical_website` is the site's id in Arc, the only name of the site such a story states.
  source: ['outlet', 'publication', 'brand', 'site', 'website_name', 'copyrightholder', 'canonical_website'],
  category: ['desk', 'section_name', 'sectionName', 'vertical', 'categories'],
  byline: ['authors_display', 'writer', 'writers', 'creator', 'creators', 'dc:creator'],
  modified: ['lastmod', 'last_modified', 'updated', 'date_modified', 'versioncreated'],
  url: ['webUrl'],
  image: ['images', 'heroImage', 'hero_image', 'leadImage', 'lead_image', 'featured_image', 'thumbnail'],
  tags: ['subject'],
};
/** A publication-date key by its name: `pub_ts`, `publication_date`, `firstPublished`, `published`… */
const PUBLISHED_KEY = /^(?:first_?)?pub(?:lish(?:ed)?|lication)?(?:_?(?:at|on|date|time|ts|timestamp|datetime))?$/iu;

/**
 * Reads an article object of any known shape into scraper field names (metadata.ts) and a body.
 * Fields the object states in the common names are kept as they are.
 */
export function readArticleObject(o: Fields): ArticleObject {
  const out: Fields = {};
  // The Guardian's content API keeps the story's own fields (headline, body, byline) in `fields`.
  if (isObject(o.fields)) for (const [k, v] of Object.entries(o.fields)) out[k] = v;
  for (const [k, v] of Object.entries(o)) out[k] = isObject(v) && typeof v.rendered === 'string' ? (k === 'content' ? v.rendered : plain(v.rendered)) : v;
  if (isObject(o.fields)) delete out.fields;
  // An RSS item's full text is `content:encoded`; its `content` (rss-parser) is the teaser.
  if (str(o['content:encoded'])) out.content = o['content:encoded'];
  if (isObject(o.associations)) wireImage(o.associations, out);
  if (Array.isArray(o.tags) && o.tags.some((t) => isObject(t) && typeof t.webTitle === 'string')) contentApiTags(o.tags, out);
  if (isObject(o.content) && typeof o.content.rendered === 'string') wordpress(o, out);
  if (isObject(o.headlines) || Array.isArray(o.content_elements)) ans(o, out);
  for (const [field, names] of Object.entries(MORE_NAMES)) {
    const canonical = FIELD_NAMES[field as keyof typeof FIELD_NAMES];
    if (pick(out, canonical) !== undefined) continue;
    const v = pick(out, names);
    if (v !== undefined) out[canonical[0]] = Array.isArray(v) && field !== 'byline' && field !== 'tags' ? v[0] : v;
  }
  if (pick(out, FIELD_NAMES.date) === undefined) {
    const key = Object.keys(out).find((k) => PUBLISHED_KEY.test(k) && (typeof out[k] === 'string' || typeof out[k] === 'number'));
    if (key) out.publishedAt = out[key];
  }
  // Objects with a name (a section `{ name, slug }`) stand for their name; lists of them for the names.
  for (const f of ['category', 'section']) if (isObject(out[f])) out[f] = plain((out[f] as Fields).name);
  for (const f of ['tags', 'keywords']) if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).map((t) => (isObject(t) ? plain(t.name ?? t.text ?? t.title) : t));
  const image = out.image ?? pick(out, FIELD_NAMES.image);
  if (Array.isArray(image)) out.image = image[0];
  const bodyValue = Array.isArray(o.content_elements) ? o.content_elements : pick(out, FIELD_NAMES.body);
  return { fields: out, body: bodyValue === undefined ? [] : body(bodyValue) };
}

/** Keys an API response or export wraps its article in (the Guardian's content API: `response.content`). */
const WRAPPERS = ['response', 'content', 'results', 'data', 'article', 'story', 'post', 'item'];
const TITLE_KEYS = ['title', 'headline', 'webTitle', 'headlines'];

/**
 * The article objects a JSON file's object holds: itself; the items of a feed (JSON Feed, or an
 * RSS feed as rss-parser and feedparser save it: a list of `items` and no body of its own), each
 * with the feed's title as its source when it names none, its language, and its address resolved
 * against the feed's home page; or the article an API response wraps (`response.content`, `data`).
 */
export function articlesIn(value: unknown, depth = 0): { items: unknown[]; feed: boolean } {
  if (!isObject(value) || depth > 3) return { items: [value], feed: false };
  if (Array.isArray(value.items) && value.items.length > 0 && value.items.every(isObject) && pick(value, FIELD_NAMES.body) === undefined) {
    const home = pageBase(value.home_page_url) ?? pageBase(value.link);
    const feed: Fields = {};
    if (plain(value.title)) feed.website_name = plain(value.title);
    if (str(value.language)) feed.language = value.language;
    return {
      items: value.items.map((item: Fields) => ({ ...feed, ...item, ...(home && str(item.url) ? { url: resolve(item.url as string, home) } : {}) })),
      feed: true,
    };
  }
  if (TITLE_KEYS.some((k) => value[k] !== undefined)) return { items: [value], feed: false };
  for (const k of WRAPPERS) {
    const v = value[k];
    if (isObject(v)) return articlesIn(v, depth + 1);
    if (Array.isArray(v) && v.length > 0 && v.every(isObject)) return { items: v, feed: true };
  }
  return { items: [value], feed: false };
}

/** HTML to blocks: normalise/html-blocks.ts's htmlBlocks, which the caller loads only when it needs it. */
export type HtmlBlocks = (html: string, base: string | null) => Block[];

/** A body's parts as blocks; related links apart, since they carry their URLs. */
function blocksOf(parts: BodyPart[], htmlBlocks: HtmlBlocks | null, base: string | null): { blocks: Block[]; related: Array<{ title: string; url: string | null }> } {
  const blocks: Block[] = [];
  const related: Array<{ title: string; url: string | null }> = [];
  for (const part of parts) {
    if ('text' in part) blocks.push(...cleanLines(part.text));
    else if ('html' in part) blocks.push(...(htmlBlocks ? htmlBlocks(part.html, base) : cleanLines(part.html)));
    else if ('image' in part) blocks.push(part);
    else related.push(...part.related);
  }
  return { blocks, related };
}

/**
 * One article object, of any shape shapes.ts knows (scraper fields, WordPress REST, Arc ANS, a
 * block body), as a draft. Also for HTML pages whose article is in page data (Next.js).
 */
export function entryFromObject(value: unknown, line: number | null, counts: NormalisationCounts, context: ParseContext, htmlBlocks: HtmlBlocks | null = null): ParsedEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: { kind: 'parse-error', reason: `expected an article object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, line } };
  }
  const { fields, body } = readArticleObject(value as Fields);
  const title = text(pick(fields, FIELD_NAMES.title));
  if (!title) return { problem: { kind: 'no-title', reason: `no ${FIELD_NAMES.title.join(' or ')} field`, line } };
  const url = text(pick(fields, FIELD_NAMES.url));
  const parts = blocksOf(body, htmlBlocks, pageBase(url));
  let blocks = parts.blocks;
  if (!blocks.some((b) => typeof b === 'string' && b !== '')) {
    const description = pick(fields, FIELD_NAMES.description);
    // A feed's summary may be markup (`<p>…</p>`), as a body may.
    if (typeof description === 'string') blocks = [...blocks, ...(htmlBlocks && HOLDS_HTML.test(description) ? htmlBlocks(description, pageBase(url)) : cleanLines(description))];
  }
  const draft = emptyDraft(title);
  const warnings = applyMetadata(draft, fields);
  structureBody(draft, blocks, counts, context);
  splitCoverCredit(draft);
  addRelated(draft, parts.related);
  return { draft, line, warnings };
}

