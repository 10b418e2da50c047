/**
 * HTML pages (.html, .htm), as scrapers and "save page" tools leave them. The page is decoded by
 * the charset it declares, its metadata read from its own statements (JSON-LD, then OpenGraph and
 * article:* meta tags, then <time datetime>, the canonical link and <html lang>), its related
 * blocks taken out as related headlines with their links, its chrome (cookie banners, adverts,
 * share bars) removed, and its main content found by Mozilla's Readability over linkedom's DOM
 * (bench/html-dom-bench.ts measured linkedom against jsdom and happy-dom; see the README). The
 * content's paragraphs, headings, list items and figures then go through the same body rules as
 * every other format.
 */
import { Readability } from '@mozilla/readability';
import iconv from 'iconv-lite';
import { parseHTML } from 'linkedom';
import { applyMetadata, type FieldProblem } from '../metadata.js';
import { cleanByline, splitCaption, statesDate, structureBody } from '../normalise/body.js';
import { DEFAULT_CHROME } from '../normalise/chrome.js';
import { cleanLine, countWords } from '../normalise/clean.js';
import { collectBlocks, resolve, textOf, type DomDocument, type DomElement } from '../normalise/html-blocks.js';
import { emptyCounts, emptyDraft, type Block, type FormatParser, type ParseContext, type ParseResult } from '../types.js';

// ---------------------------------------------------------------------------------------------
// Decoding by the declared charset

export type { DomDocument, DomElement } from '../normalise/html-blocks.js';

const BOMS: Array<[number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

/** The charset a page declares in its first 1024 bytes (`<meta charset>` or http-equiv), or null. */
export function declaredCharset(bytes: Uint8Array): string | null {
  for (const [bom, label] of BOMS) if (bom.every((b, i) => bytes[i] === b)) return label;
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = /<meta\s[^>]*charset\s*=\s*["']?\s*([\w:.-]+)/iu.exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

export type Decoded = { text: string; charset: string } | { problem: 'not-utf8' | 'parse-error'; reason: string };

/**
 * Decodes the page as browsers do: by its BOM or declared charset, its label read as the WHATWG
 * Encoding Standard reads it (TextDecoder: `iso-8859-1` and `latin1` mean windows-1252); with
 * none, as UTF-8 when it is valid and else windows-1252, the web's legacy default. Legacy
 * charsets are decoded by iconv-lite: Node 20's TextDecoder decodes windows-1252's 0x80-0x9F
 * (curly quotes, the euro sign) as control characters.
 */
export function decodePage(bytes: Uint8Array): Decoded {
  const declared = declaredCharset(bytes);
  let encoding: string;
  try {
    encoding = new TextDecoder(declared ?? 'utf-8').encoding;
  } catch {
    return { problem: 'parse-error', reason: `unknown charset "${declared}" declared by the page` };
  }
  if (encoding === 'utf-8' || encoding.startsWith('utf-16')) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), charset: encoding };
    } catch {
      if (declared !== null) return { problem: 'not-utf8', reason: `not valid ${encoding}, the charset the page declares` };
      encoding = 'windows-1252';
    }
  }
  if (iconv.encodingExists(encoding)) return { text: iconv.decode(Buffer.from(bytes), encoding), charset: encoding };
  return { text: new TextDecoder(encoding).decode(bytes), charset: encoding };
}

// ---------------------------------------------------------------------------------------------
// Metadata from the page's own statements

const ARTICLE_TYPES = new Set(['NewsArticle', 'Article', 'ReportageNewsArticle', 'AnalysisNewsArticle', 'BlogPosting', 'OpinionNewsArticle', 'LiveBlogPosting', 'BackgroundNewsArticle']);
type Json = Record<string, unknown>;

function isArticle(node: Json): boolean {
  const type = node['@type'];
  return (Array.isArray(type) ? type : [type]).some((t) => typeof t === 'string' && ARTICLE_TYPES.has(t));
}

/** The first JSON-LD NewsArticle/Article object on the page (in @graph lists and arrays too). */
function jsonLdArticle(doc: DomDocument): { article: Json | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json" i]'))) {
    let value: unknown;
    try {
      value = JSON.parse(script.textContent ?? '');
    } catch (e) {
      problems.push(`JSON-LD block ignored: ${(e as Error).message}`);
      continue;
    }
    const queue: unknown[] = [value];
    while (queue.length) {
      const v = queue.shift();
      if (Array.isArray(v)) queue.push(...v);
      else if (v && typeof v === 'object') {
        const node = v as Json;
        if (isArticle(node)) return { article: node, problems };
        if (Array.isArray(node['@graph'])) queue.push(...node['@graph']);
      }
    }
  }
  return { article: null, problems };
}

function meta(doc: DomDocument, key: string): string | null {
  const el = doc.querySelector(`meta[property="${key}"], meta[name="${key}"]`);
  const v = el?.getAttribute('content')?.trim();
  return v ? v : null;
}

function metaAll(doc: DomDocument, key: string): string[] {
  return Array.from(doc.querySelectorAll(`meta[property="${key}"], meta[name="${key}"]`))
    .map((el) => el.getAttribute('content')?.trim() ?? '')
    .filter(Boolean);
}

function ldName(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(ldName);
  if (v && typeof v === 'object') return (v as Json).name;
  return v;
}

function ldImage(v: unknown): { url: string; caption?: unknown; credit?: unknown } | null {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return { url: first };
  if (first && typeof first === 'object') {
    const im = first as Json;
    const url = typeof im.url === 'string' ? im.url : typeof im.contentUrl === 'string' ? im.contentUrl : null;
    if (url) return { url, caption: im.caption, credit: im.creditText ?? ldName(im.copyrightHolder) ?? ldName(im.author) };
  }
  return null;
}

const first = (...values: unknown[]): unknown => values.find((v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));

/**
 * The page's metadata as scraper fields (the names metadata.ts maps), in the order of
 * trust: JSON-LD, then OpenGraph and article:* meta tags, then <time datetime>, the canonical
 * link and <html lang>.
 */
function pageMetadata(doc: DomDocument): { fields: Json; problems: FieldProblem[] } {
  const { article: ld, problems } = jsonLdArticle(doc);
  const a = ld ?? {};
  const time = doc.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime');
  const canonical = doc.querySelector('link[rel~="canonical" i]')?.getAttribute('href');
  const locale = meta(doc, 'og:locale')?.replace('_', '-');
  const mainEntity = a.mainEntityOfPage && typeof a.mainEntityOfPage === 'object' ? (a.mainEntityOfPage as Json)['@id'] : a.mainEntityOfPage;
  const fields: Json = {
    title: first(a.headline, meta(doc, 'og:title')),
    source: first(ldName(a.publisher), meta(doc, 'og:site_name')),
    byline: first(ldName(a.author), metaAll(doc, 'article:author').filter((x) => !/^https?:/u.test(x)), meta(doc, 'author')),
    publishedAt: first(a.datePublished, meta(doc, 'article:published_time'), time),
    modifiedAt: first(a.dateModified, meta(doc, 'article:modified_time'), meta(doc, 'og:updated_time')),
    category: first(a.articleSection, meta(doc, 'article:section')),
    tags: first(a.keywords, metaAll(doc, 'article:tag')),
    url: first(a.url, mainEntity, canonical, meta(doc, 'og:url')),
    image: first(ldImage(a.image), meta(doc, 'og:image')),
    language: first(a.inLanguage, locale, doc.documentElement.getAttribute('lang')),
  };
  if (Array.isArray(fields.category)) fields.category = fields.category[0];
  return { fields, problems };
}

// ---------------------------------------------------------------------------------------------
// Chrome and related blocks, taken out before Readability looks for the content

/** Class, id and aria-label words of interface parts that are never the story. */
const CHROME_WORDS = new Set([
  'ad', 'ads', 'adslot', 'advert', 'adverts', 'advertisement', 'advertising', 'banner', 'consent', 'cookie', 'cookies', 'gdpr',
  'newsletter', 'outbrain', 'paywall', 'promo', 'share', 'sharing', 'sharebar', 'social', 'sponsored', 'subscribe', 'subscription', 'taboola',
]);
const RELATED_WORDS = /\b(?:related|read[\s_-]?more|more[\s_-]on|also[\s_-]read|see[\s_-]also|recommended|more[\s_-]stories|further[\s_-]reading)\b/iu;
const DROP =
  'script, style, noscript, template, iframe, form, button, svg, canvas, nav, dialog, [hidden], [aria-hidden="true"], [role="navigation"], [role="banner"], [role="contentinfo"], [role="dialog"], .visually-hidden, .sr-only, .screen-reader-text';

function words(el: DomElement): string[] {
  return `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''} ${el.getAttribute('aria-label') ?? ''} ${el.getAttribute('data-component') ?? ''}`
    .toLowerCase()
    .split(/[\s_-]+/u)
    .filter(Boolean);
}

/** Published/Updated/Posted lines anywhere on the page: Readability drops page headers that hold them. */
function statedDateLines(doc: DomDocument): string[] {
  const out = new Set<string>();
  for (const el of Array.from(doc.querySelectorAll('p, span, div, li, time, small'))) {
    if (el.querySelector('p, div, li')) continue;
    const t = textOf(el);
    if (t.length <= 160 && statesDate(t)) out.add(t);
  }
  return [...out];
}

/** Related blocks (by their class, id, label or heading): their links as headlines, the blocks removed. */
function takeRelated(doc: DomDocument, base: string | null): Array<{ title: string; url: string | null }> {
  const out: Array<{ title: string; url: string | null }> = [];
  const seen = new Set<string>();
  for (const block of Array.from(doc.querySelectorAll('aside, section, div, ul, ol, nav'))) {
    const heading = block.querySelector('h2, h3, h4, header, strong');
    const named = RELATED_WORDS.test(words(block).join(' ')) || (heading !== null && heading.parentElement === block && RELATED_WORDS.test(textOf(heading)) && textOf(heading).length < 40);
    if (!named) continue;
    const links = Array.from(block.querySelectorAll('a[href]'));
    if (links.length === 0) continue;
    for (const a of links) {
      const title = textOf(a);
      if (countWords(title) < 3 || seen.has(title)) continue;
      seen.add(title);
      out.push({ title, url: resolve(a.getAttribute('href'), base) });
    }
    block.remove();
  }
  return out;
}

function dropChrome(doc: DomDocument): void {
  for (const el of Array.from(doc.querySelectorAll(DROP))) el.remove();
  for (const el of Array.from(doc.querySelectorAll('[class], [id], [aria-label]'))) {
    if (el.tagName === 'BODY' || el.tagName === 'HTML' || el.tagName === 'ARTICLE' || el.tagName === 'MAIN') continue;
    if (words(el).some((w) => CHROME_WORDS.has(w))) el.remove();
  }
}

// ---------------------------------------------------------------------------------------------
// The content, as blocks for the shared body rules

export interface HtmlArticle {
  title: string | null;
  fields: Json;
  problems: FieldProblem[];
  related: Array<{ title: string; url: string | null }>;
  byline: string | null;
  blocks: Block[];
}

/**
 * Reads one page's document: metadata, related blocks, then Readability's content as blocks.
 * `parseContent` turns Readability's content HTML back into a DOM (the same implementation).
 */
export function readPage(doc: DomDocument, parseContent: (html: string) => DomDocument): HtmlArticle {
  const { fields, problems } = pageMetadata(doc);
  const base = typeof fields.url === 'string' && /^https?:/u.test(fields.url) ? fields.url : null;
  const h1 = doc.querySelector('article h1, main h1, h1');
  const h1Text = h1 ? textOf(h1) : null;
  const related = takeRelated(doc, base);
  dropChrome(doc);
  const blocks: Block[] = statedDateLines(doc);
  const result = new Readability(doc as never, { charThreshold: 200, keepClasses: true }).parse();
  if (result?.content) collectBlocks(parseContent(result.content).documentElement, base, blocks);
  const title = (typeof fields.title === 'string' && fields.title.trim()) || h1Text || cleanLine(result?.title ?? '') || null;
  return { title, fields, problems, related, byline: result?.byline ? cleanLine(result.byline) : null, blocks };
}

function linkedomDocument(html: string): DomDocument {
  return parseHTML(html).document as unknown as DomDocument;
}

export function parseHtml(bytes: Uint8Array, context: ParseContext = { chrome: DEFAULT_CHROME }): ParseResult {
  const counts = emptyCounts();
  const decoded = decodePage(bytes);
  if ('problem' in decoded) return { entries: [{ problem: { kind: decoded.problem, reason: decoded.reason, line: null } }], counts };
  if (decoded.text.trim() === '') return { entries: [{ problem: { kind: 'empty', reason: 'file holds only whitespace', line: null } }], counts };
  const page = readPage(linkedomDocument(decoded.text), (html) => linkedomDocument(`<!doctype html><html><body>${html}</body></html>`));
  if (!page.title) return { entries: [{ problem: { kind: 'no-title', reason: 'no headline in JSON-LD, og:title, <h1> or <title>', line: null } }], counts };
  const draft = emptyDraft(page.title);
  const { title: _title, ...rest } = page.fields;
  const warnings = [...page.problems, ...applyMetadata(draft, rest)];
  if (!draft.byline && page.byline) draft.byline = cleanByline(page.byline.replace(/^by\s+/iu, '')) || null;
  // The lead image is the cover: a figure above the first real paragraph, else the metadata image.
  const lead = page.blocks.findIndex((b) => typeof b === 'string' && countWords(b) >= 12);
  const leadFigure = page.blocks.findIndex((b) => typeof b !== 'string');
  if (leadFigure >= 0 && (lead < 0 || leadFigure < lead)) {
    const fig = page.blocks.splice(leadFigure, 1)[0] as Exclude<Block, string>;
    draft.cover = { caption: fig.image.caption, credit: fig.image.credit, url: fig.image.url ?? draft.cover?.url ?? null };
  }
  structureBody(draft, page.blocks, counts, context);
  if (draft.cover?.caption && draft.cover.credit === null) {
    const parts = splitCaption(draft.cover.caption);
    if (parts) draft.cover = { ...draft.cover, caption: parts.caption, credit: parts.credit };
  }
  draft.related.push(...page.related.filter((r) => !draft.related.some((x) => x.title === r.title)));
  return { entries: [{ draft, line: null, warnings }], counts };
}

export const htmlFormat: FormatParser = { format: 'html', parse: (file, context) => parseHtml(file.bytes, context) };
