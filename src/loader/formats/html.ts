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
import { applyMetadata, type FieldProblem } from '../metadata.js';
import { addRelated, cleanByline, RELATED_LABELS, splitCoverCredit, statesDate, structureBody } from '../normalise/body.js';
import { bomCharset, decodeDeclared, type Decoded } from '../normalise/charset.js';
import { DEFAULT_CHROME } from '../normalise/chrome.js';
import { cleanLine, countWords, creditText, pageBase } from '../normalise/clean.js';
import { dateOnlyLine, inZone, statedOffset } from '../normalise/dates.js';
import { collectBlocks, DEEP_NESTING_NOTE, figureBlock, htmlBlocks, parseBoundedHtml, resolve, textOf, unwrapNoscriptImages, type DomDocument, type DomElement } from '../normalise/html-blocks.js';
import { entryFromObject } from '../shapes.js';
import { emptyCounts, emptyDraft, type ArticleDraft, type Block, type FormatParser, type NormalisationCounts, type ParseContext, type ParseResult } from '../types.js';

// ---------------------------------------------------------------------------------------------
// Decoding by the declared charset

export type { DomDocument, DomElement } from '../normalise/html-blocks.js';

export type { Decoded } from '../normalise/charset.js';

/** The charset a page declares in its first 1024 bytes (a BOM, `<meta charset>` or http-equiv), or null. */
export function declaredCharset(bytes: Uint8Array): string | null {
  const bom = bomCharset(bytes);
  if (bom) return bom;
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const m = /<meta\s[^>]*charset\s*=\s*["']?\s*([\w:.-]+)/iu.exec(head);
  return m ? m[1]!.toLowerCase() : null;
}

/** Decodes the page as browsers do: by its BOM or declared charset, else UTF-8 when valid, else windows-1252 (normalise/charset.ts). */
export function decodePage(bytes: Uint8Array): Decoded {
  return decodeDeclared(bytes, declaredCharset(bytes), 'the page');
}

// ---------------------------------------------------------------------------------------------
// Metadata from the page's own statements

const ARTICLE_TYPES = new Set(['NewsArticle', 'Article', 'ReportageNewsArticle', 'AnalysisNewsArticle', 'BlogPosting', 'OpinionNewsArticle', 'LiveBlogPosting', 'BackgroundNewsArticle']);
type Json = Record<string, unknown>;

function isArticle(node: Json): boolean {
  const type = node['@type'];
  return (Array.isArray(type) ? type : [type]).some((t) => typeof t === 'string' && ARTICLE_TYPES.has(t));
}

/**
 * The first JSON-LD NewsArticle/Article object on the page (in @graph lists and arrays too), its
 * `{ "@id": … }` references (a publisher or author stated once in the graph) replaced by the nodes.
 */
function jsonLdArticle(doc: DomDocument): { article: Json | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const nodes = new Map<string, Json>();
  let found: Json | null = null;
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
        if (typeof node['@id'] === 'string' && Object.keys(node).length > 1) nodes.set(node['@id'], node);
        if (isArticle(node)) found ??= node;
        if (Array.isArray(node['@graph'])) queue.push(...node['@graph']);
      }
    }
  }
  if (!found) return { article: null, problems };
  const deref = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(deref);
    if (v && typeof v === 'object' && typeof (v as Json)['@id'] === 'string' && Object.keys(v).length === 1) return nodes.get((v as Json)['@id'] as string) ?? v;
    return v;
  };
  const article: Json = {};
  for (const [k, v] of Object.entries(found)) article[k] = k === 'mainEntityOfPage' ? v : deref(v);
  return { article, problems };
}

const MICRODATA_ARTICLE = /schema\.org\/(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|BlogPosting|OpinionNewsArticle|LiveBlogPosting|BackgroundNewsArticle)\/?$/iu;

/** An itemprop element's value as microdata defines it: meta content, time datetime, link/a href, img src, else its text. */
function itemValue(el: DomElement): string | null {
  const tag = el.tagName.toUpperCase();
  const v = tag === 'META' ? el.getAttribute('content') : tag === 'TIME' ? (el.getAttribute('datetime') ?? el.textContent) : tag === 'A' || tag === 'LINK' ? el.getAttribute('href') : tag === 'IMG' ? el.getAttribute('src') : el.textContent;
  return v ? cleanLine(v.replace(/\s+/gu, ' ')) || null : null;
}

/**
 * A schema.org microdata article (`itemscope itemtype=".../NewsArticle"` with `itemprop`s) as the
 * JSON-LD object it states, for pages that carry their metadata that way.
 */
function microdataArticle(doc: DomDocument): Json | null {
  const scope = Array.from(doc.querySelectorAll('[itemscope][itemtype]')).find((el) => MICRODATA_ARTICLE.test(el.getAttribute('itemtype') ?? ''));
  if (!scope) return null;
  const prop = (root: DomElement, name: string) => root.querySelector(`[itemprop~="${name}"]`);
  const value = (root: DomElement, name: string) => {
    const el = prop(root, name);
    return el ? itemValue(el) : null;
  };
  /** A person or organisation: its name property when it is an item, else its text. */
  const named = (el: DomElement) => (el.getAttribute('itemscope') !== null ? value(el, 'name') : itemValue(el));
  const image = prop(scope, 'image');
  return {
    headline: value(scope, 'headline') ?? value(scope, 'name'),
    datePublished: value(scope, 'datePublished'),
    dateModified: value(scope, 'dateModified'),
    author: Array.from(scope.querySelectorAll('[itemprop~="author"]')).map(named).filter(Boolean).map((name) => ({ name })),
    publisher: (() => {
      const el = prop(scope, 'publisher');
      return el ? { name: named(el) } : undefined;
    })(),
    image: image
      ? image.getAttribute('itemscope') !== null
        ? { url: value(image, 'contentUrl') ?? value(image, 'url'), caption: value(image, 'caption'), creditText: value(image, 'creditText') ?? value(image, 'copyrightHolder') }
        : itemValue(image)
      : undefined,
    articleSection: value(scope, 'articleSection'),
    keywords: value(scope, 'keywords'),
    inLanguage: value(scope, 'inLanguage'),
    url: value(scope, 'url'),
  };
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

/** Blog platforms' rel="tag" / rel="category tag" links (WordPress, Ghost), the tags the page shows. */
function relLinks(doc: DomDocument): { tags: string[]; categories: string[] } {
  const tags = new Set<string>();
  const categories = new Set<string>();
  for (const a of Array.from(doc.querySelectorAll('a[rel]'))) {
    const rel = ` ${a.getAttribute('rel') ?? ''} `;
    const t = rel.includes(' category ') ? categories : rel.includes(' tag ') ? tags : null;
    const text = t ? textOf(a) : '';
    if (t && text) t.add(text);
  }
  return { tags: [...tags], categories: [...categories] };
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
    const credit = im.creditText ?? ldName(im.copyrightHolder) ?? ldName(im.author);
    if (url) return { url, caption: im.caption, credit: typeof credit === 'string' ? creditText(credit) : credit };
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
  const a = ld ?? microdataArticle(doc) ?? {};
  const time = doc.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime');
  const canonical = doc.querySelector('link[rel~="canonical" i]')?.getAttribute('href');
  const locale = meta(doc, 'og:locale')?.replace('_', '-');
  let rel: ReturnType<typeof relLinks> | null = null;
  const links = () => (rel ??= relLinks(doc));
  const mainEntity = a.mainEntityOfPage && typeof a.mainEntityOfPage === 'object' ? (a.mainEntityOfPage as Json)['@id'] : a.mainEntityOfPage;
  const fields: Json = {
    title: first(a.headline, meta(doc, 'og:title')),
    // Each further place is looked up only when the ones before name nobody (each query walks the page).
    source: first(ldName(a.publisher), meta(doc, 'og:site_name')) ?? meta(doc, 'application-name') ?? statedSiteName(doc, a.headline ?? meta(doc, 'og:title')),
    byline: first(ldName(a.author), metaAll(doc, 'article:author').filter((x) => !/^https?:/u.test(x)), meta(doc, 'author')),
    publishedAt: first(a.datePublished, meta(doc, 'article:published_time'), time),
    modifiedAt: first(a.dateModified, meta(doc, 'article:modified_time'), meta(doc, 'og:updated_time')),
    category: first(a.articleSection, meta(doc, 'article:section')) ?? links().categories[0],
    tags: first(a.keywords, metaAll(doc, 'article:tag')) ?? links().tags,
    url: first(a.url, mainEntity, canonical, meta(doc, 'og:url')),
    image: first(ldImage(a.image), meta(doc, 'og:image')),
    language: first(a.inLanguage, locale, doc.documentElement.getAttribute('lang')),
  };
  if (Array.isArray(fields.category)) fields.category = fields.category[0];
  // A live blog (schema.org LiveBlogPosting; dropChrome also knows one by its classes): its summary is read apart.
  fields.live = ld !== null && [ld['@type']].flat().includes('LiveBlogPosting');
  return { fields, problems };
}

/** A site name as pages print it: a few words, not a byline (`by Jo Bloggs`), a date or a sentence. */
const SITE_NAME = /^(?!by\s)[^\d.!?:;,"“”]{2,40}$/iu;

/**
 * The site's name where a page that names no publisher in its metadata still prints it: after the
 * headline in its `<title>` (`Headline | Ashford Observer`, `Headline - Tamworth Weekly News`), or as
 * the alt text of its logo. Null when it prints neither: the loader then names the source by the
 * page's host (parse-file.ts), never by a guess.
 */
function statedSiteName(doc: DomDocument, headline: unknown): string | null {
  const title = cleanLine(doc.querySelector('title')?.textContent ?? '');
  const h1 = doc.querySelector('h1');
  const head = typeof headline === 'string' && headline.trim() ? cleanLine(headline) : h1 ? textOf(h1) : '';
  // With no headline to compare, the last of two or more parts after a headline-length first part.
  const parts = (head && title.startsWith(head) ? title.slice(head.length) : title).split(/\s+[|–—-]\s+|\s+::\s+/u).map((p) => p.trim());
  const last = parts.at(-1);
  if (parts.length > 1 && (head ? parts[0] === '' : countWords(parts[0]!) >= 4) && last && SITE_NAME.test(last)) return last;
  for (const img of Array.from(doc.querySelectorAll('img[class*="logo" i][alt], [class*="logo" i] img[alt], [id*="logo" i] img[alt]'))) {
    const alt = cleanLine((img.getAttribute('alt') ?? '').replace(/\s+(?:logo|homepage|home)$/iu, ''));
    if (SITE_NAME.test(alt) && !/^(?:logo|home)$/iu.test(alt)) return alt;
  }
  return null;
}

const SUMMARY_WORDS = new Set(['summary', 'keypoints', 'highlights', 'takeaways', 'keyevents']);
const SUMMARY_HEADING = /^(?:key points|key events|summary|what we know(?: so far)?|at a glance|the latest|highlights)$/iu;

/** A live blog's key points (a summary block by its class, or headed "Key points"): its heading and items, else []. */
function liveSummary(doc: DomDocument): string[] {
  for (const el of Array.from(doc.querySelectorAll('div, section, aside, ul'))) {
    const named = SUMMARY_WORDS.has(words(el).join('')) || words(el).some((w) => SUMMARY_WORDS.has(w)) || words(el).join(' ').includes('key points');
    const heading = el.querySelector('h2, h3, h4');
    const headed = heading !== null && heading.parentElement === el && SUMMARY_HEADING.test(textOf(heading));
    if (!named && !headed) continue;
    const items = Array.from(el.querySelectorAll('li')).map(textOf).filter(Boolean);
    if (items.length === 0) continue;
    return [...(heading ? [textOf(heading)] : []), ...items];
  }
  return [];
}

/** The word before a byline, in the languages outlets print it (`By`, `Par`, `Von`, `Por`, `بقلم`, `מאת`). */
const BYLINE_WORD = /^(?:by|par|von|por|door|di|av|af|بقلم|كتب|מאת)[\s:]+/iu;

// ---------------------------------------------------------------------------------------------
// Chrome and related blocks, taken out before Readability looks for the content

/** Class, id and aria-label words of interface parts that are never the story. */
const CHROME_WORDS = new Set([
  'ad', 'ads', 'adslot', 'advert', 'adverts', 'advertisement', 'advertising', 'banner', 'consent', 'cookie', 'cookies', 'gdpr',
  'cta', 'newsletter', 'outbrain', 'paywall', 'piano', 'promo', 'signup', 'share', 'sharing', 'sharebar', 'social', 'sponsored', 'subscribe', 'subscription', 'taboola',
]);
const RELATED_WORDS = /\b(?:related|read[\s_-]?more|more[\s_-]on|also[\s_-]read|read[\s_-]also|see[\s_-]also|recommended|more[\s_-]stories|further[\s_-]reading|relacionad[ao]s|saiba[\s_-]mais|leia[\s_-]tamb[eé]m)\b/iu;
/** A related label in any language body.ts knows (`Related:`, `READ MORE:`, `Lire aussi`), alone or before a headline. */
const RELATED_LABEL_START = new RegExp(`^(?:${RELATED_LABELS})`, 'iu');
const RELATED_LABEL = new RegExp(`^(?:${RELATED_LABELS})\\s*(?:[:|]\\s*|$)`, 'iu');
const DROP =
  'script, style, noscript, template, iframe, form, button, svg, canvas, nav, dialog, [hidden], [aria-hidden="true"], [role="navigation"], [role="banner"], [role="contentinfo"], [role="dialog"], .visually-hidden, .sr-only, .screen-reader-text';

function words(el: DomElement): string[] {
  return `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''} ${el.getAttribute('aria-label') ?? ''} ${el.getAttribute('data-component') ?? ''}`
    .toLowerCase()
    .split(/[\s_-]+/u)
    .filter(Boolean);
}

/**
 * What a consent placeholder or a newsletter insert set inside the story says: a request for
 * permission to use cookies, its buttons' words, an e-mail box's prompt, a privacy notice, the
 * marker after a promotion. Never a story's words: each is short and speaks to the reader.
 */
const INSERT_TEXT =
  /^(?:(?=.{0,300}$).*\b(?:we need your (?:permission|consent)|(?:may be|is) using cookies|(?:accept|allow|enable) (?:all )?cookies (?:to|and|in order)|consent to (?:the use of )?cookies|(?:this|the) content is (?:blocked|provided by|hosted by))\b.*|(?:accept|allow|enable|reject|manage) (?:all |my |the )?(?:cookies|choices|preferences|consent)(?: and continue)?|enter your e-?mail(?: address)?|your e-?mail(?: address)?|privacy notice: .{10,250}|after (?:e-?mail|newsletter) promotion)$/iu;
/** What INSERT_TEXT's lines hold, for a glance before the pattern: most paragraphs hold none. */
const INSERT_HINT = /ookie|mail|rivacy|onsent|ontent is|hoices|references/u;

/**
 * Consent placeholders (a video "provided by YouTube" until cookies are allowed) and newsletter
 * inserts set inside the story's body, under class names no chrome list knows: the block around a
 * paragraph that says what INSERT_TEXT says (its largest short container, so the insert's heading
 * and buttons go with it), or the paragraph alone when the story's body holds it directly.
 */
function dropInserts(doc: DomDocument): void {
  for (const p of Array.from(doc.querySelectorAll('p, label'))) {
    const raw = p.textContent ?? '';
    if (raw.length > 400 || !INSERT_HINT.test(raw) || !INSERT_TEXT.test(textOf(p))) continue;
    let block = p;
    for (let up = p.parentElement; up && !/^(?:ARTICLE|MAIN|BODY|HTML)$/u.test(up.tagName.toUpperCase()) && (up.textContent ?? '').length <= 700 && up.querySelectorAll('p').length <= 8; up = up.parentElement) block = up;
    block.remove();
  }
}

/**
 * The next page of a story split over pages (`<link rel="next">`, or a pager's `rel="next"` link,
 * to the same address with a page number): the loader keeps the page it was given and says so.
 * A link to the next story (a blog's "next post") is another address, not a page of this one.
 */
function nextPageOf(doc: DomDocument, url: unknown): string | null {
  const base = pageBase(url);
  if (!base) return null;
  const next = doc.querySelector('link[rel~="next" i][href], a[rel~="next" i][href]');
  const href = next ? resolve(next.getAttribute('href'), base) : null;
  if (!href) return null;
  try {
    const page = new URL(base);
    const to = new URL(href);
    const path = page.pathname.replace(/\/$/u, '');
    return to.host === page.host && to.href !== page.href && (to.pathname.replace(/\/$/u, '') === path || to.pathname.startsWith(`${path}/`)) ? href : null;
  } catch {
    return null;
  }
}

/** Published/Updated/Posted lines anywhere on the page: Readability drops page headers that hold them. */
function statedDateLines(doc: DomDocument, language: string | null): string[] {
  const out = new Set<string>();
  for (const el of Array.from(doc.querySelectorAll('p, span, div, li, time, small'))) {
    if (el.querySelector('p, div, li')) continue;
    const t = textOf(el);
    // A <time> with no datetime states its date only as text (`2026年11月25日 14時30分`).
    if (t.length <= 160 && (statesDate(t) || (el.tagName === 'TIME' && el.getAttribute('datetime') === null && dateOnlyLine(t, language) !== null))) out.add(t);
  }
  return [...out];
}

/** Related blocks (by their class, id, label or heading): their links as headlines, the blocks removed. */
function takeRelated(doc: DomDocument, base: string | null): Array<{ title: string; url: string | null }> {
  const out: Array<{ title: string; url: string | null }> = [];
  const seen = new Set<string>();
  const take = (links: DomElement[], headline?: string) => {
    for (const a of links) {
      // A teaser's own label ("READ MORE: Residents near…") is not part of the headline.
      const title = headline ?? textOf(a).replace(RELATED_LABEL, '');
      if (countWords(title) < 3 || seen.has(title)) continue;
      seen.add(title);
      out.push({ title, url: resolve(a.getAttribute('href'), base) });
    }
  };
  for (const block of Array.from(doc.querySelectorAll('aside, section, div, ul, ol, nav'))) {
    const heading = block.querySelector('h2, h3, h4, header, strong');
    const headingText = heading !== null && heading.parentElement === block ? textOf(heading) : '';
    const named = RELATED_WORDS.test(words(block).join(' ')) || (headingText.length > 0 && headingText.length < 40 && (RELATED_WORDS.test(headingText) || RELATED_LABEL.test(headingText)));
    if (!named) continue;
    const links = Array.from(block.querySelectorAll('a[href]'));
    if (links.length === 0) continue;
    take(links);
    block.remove();
  }
  // A rich link (the Guardian's `data-gu-name="rich-link"` aside), or any aside set between the
  // story's paragraphs that links one other page: a related headline, not a paragraph.
  for (const aside of Array.from(doc.querySelectorAll('aside, [data-gu-name="rich-link"], [data-component="rich-link"]'))) {
    const link = inlineLink(aside);
    if (!link) continue;
    take([link.a], link.title);
    aside.remove();
  }
  // A paragraph that opens with a label (`<p><strong>Related:</strong> <a>…</a></p>`), or holds
  // only the label with the list of links right after it, as CMS editors insert them in the text.
  for (const p of Array.from(doc.querySelectorAll('p'))) {
    // Most paragraphs are story: a glance at their start rejects them before their text is cleaned.
    const raw = p.textContent ?? '';
    if (raw.length > 400 || !RELATED_LABEL_START.test(raw.trimStart().slice(0, 40))) continue;
    const t = textOf(p);
    if (!RELATED_LABEL.test(t)) continue;
    const links = Array.from(p.querySelectorAll('a[href]'));
    if (links.length > 0) {
      take(links);
      p.remove();
      continue;
    }
    const list = p.nextElementSibling;
    if (t.replace(RELATED_LABEL, '') === '' && list && /^(?:UL|OL)$/iu.test(list.tagName)) {
      take(Array.from(list.querySelectorAll('a[href]')));
      list.remove();
      p.remove();
    }
  }
  return out;
}

const RICH_LINK = /rich-?link/iu;

/**
 * The one link of an aside that stands between a story's paragraphs (or is named a rich link),
 * with its headline: the heading inside the link when it has one (the Guardian puts a kicker such
 * as "Explainer" beside it), else the link's text; null for asides that hold more than a link
 * (pull quotes, fact boxes, lists of links) or sit outside the text (sidebars).
 */
function inlineLink(aside: DomElement): { a: DomElement; title: string } | null {
  const named = RICH_LINK.test(`${aside.getAttribute('data-gu-name') ?? ''} ${aside.getAttribute('data-component') ?? ''} ${aside.getAttribute('class') ?? ''}`);
  if (!named && !(aside.parentElement?.querySelector(':scope > p') ?? null)) return null;
  const links = Array.from(aside.querySelectorAll('a[href]'));
  if (links.length !== 1) return null;
  const a = links[0]!;
  const heading = a.querySelector('h2, h3, h4, h5, h6');
  const title = (heading ? textOf(heading) : textOf(a)).replace(RELATED_LABEL, '');
  // Besides the link, at most a label or a kicker ("Related", "Explainer").
  if (countWords(title) < 3 || countWords(textOf(aside)) - countWords(textOf(a)) > 3) return null;
  return { a, title };
}

/** Class words outlets give the byline's element, in several languages. */
const BYLINE_WORDS = new Set(['byline', 'author', 'autor', 'auteur']);

/**
 * Removes the chrome; returns the text of the first short byline element it passed (`<p
 * class="autor">Von Jonas Brenner</p>`), read here, in the same walk, for pages whose byline
 * neither metadata nor Readability finds (Readability takes such elements out of the page), and
 * whether an element's classes say the page is a live blog.
 */
function dropChrome(doc: DomDocument): { byline: string | null; live: boolean } {
  let byline: string | null = null;
  let live = false;
  unwrapNoscriptImages(doc);
  for (const el of Array.from(doc.querySelectorAll(DROP))) el.remove();
  for (const el of Array.from(doc.querySelectorAll('[class], [id], [aria-label]'))) {
    if (el.tagName === 'BODY' || el.tagName === 'HTML' || el.tagName === 'ARTICLE' || el.tagName === 'MAIN') continue;
    const w = words(el);
    if (!live && (w.includes('liveblog') || (w.includes('live') && w.includes('blog')))) live = true;
    if (w.some((x) => CHROME_WORDS.has(x))) el.remove();
    else if (byline === null && w.some((x) => BYLINE_WORDS.has(x))) {
      const t = textOf(el);
      if (t && countWords(t) <= 8 && BYLINE_WORD.test(t)) byline = t;
    }
  }
  return { byline, live };
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
  /** The article object in the page's data (Next.js), when it has one. */
  pageData: Json | null;
  /** The figure above the story's first paragraph, wherever the page puts it. */
  hero: Exclude<Block, string> | null;
}

/**
 * Reads one page's document: metadata, related blocks, then Readability's content as blocks.
 * `parseContent` turns Readability's content HTML back into a DOM (the same implementation).
 */
export function readPage(doc: DomDocument, parseContent: (html: string) => DomDocument): HtmlArticle {
  const { fields, problems } = pageMetadata(doc);
  const base = pageBase(fields.url);
  const live = fields.live;
  delete fields.live;
  const h1 = doc.querySelector('article h1, main h1, h1');
  const h1Text = h1 ? textOf(h1) : null;
  const pageData = nextDataArticle(doc);
  const related = takeRelated(doc, base);
  const nextPage = nextPageOf(doc, fields.url);
  if (nextPage) problems.push(`only this page of a story split over pages is read: its next page (${nextPage}) is another file, or not saved`);
  const { byline: bylineElement, live: liveClasses } = dropChrome(doc);
  dropInserts(doc);
  const hero = doc.querySelector('figure') ? heroFigure(doc, base) : null;
  const blocks: Block[] = statedDateLines(doc, typeof fields.language === 'string' ? fields.language.slice(0, 2).toLowerCase() : null);
  const dateLines = blocks.length;
  // A page that marks its story's body (schema.org microdata `itemprop="articleBody"`) says where
  // the story is: no need for Readability to guess, nor for its kicker and headline above.
  const articleBody = doc.querySelector('[itemprop~="articleBody"]');
  if (articleBody && countWords(textOf(articleBody)) >= 40) {
    collectBlocks(articleBody, base, blocks);
    const title = (typeof fields.title === 'string' && fields.title.trim()) || h1Text || null;
    return { title, fields, problems, related, byline: bylineElement, blocks, pageData, hero };
  }
  const summary = live || liveClasses ? liveSummary(doc) : [];
  const result = new Readability(doc as never, { charThreshold: 200, keepClasses: true }).parse();
  if (result?.content) collectBlocks(parseContent(result.content).documentElement, base, blocks);
  // Readability picks a live blog's entries; its key points sit outside them, above, where the page shows them.
  if (summary.length > 0 && !blocks.includes(summary.at(-1)!)) blocks.splice(dateLines, 0, ...summary);
  const title = (typeof fields.title === 'string' && fields.title.trim()) || h1Text || cleanLine(result?.title ?? '') || null;
  return { title, fields, problems, related, byline: result?.byline ? cleanLine(result.byline) : bylineElement, blocks, pageData, hero };
}

/**
 * A paragraph of the story, not a standfirst above it: 12 words or more, ending a sentence
 * (standfirsts and subtitles end without a full stop; the lead picture comes after them).
 */
function isStoryParagraph(text: string): boolean {
  return countWords(text) >= 12 && /[.!?"”’»)…。！？」』]$/u.test(text);
}

/**
 * The story's lead picture: the first <figure> above the first paragraph of the story (12 words
 * or more). CMSs put it above the body's container, where Readability does not look.
 */
function heroFigure(doc: DomDocument, base: string | null): Exclude<Block, string> | null {
  for (const el of Array.from(doc.querySelectorAll('figure, p'))) {
    if (el.tagName.toUpperCase() === 'P') {
      if (isStoryParagraph(textOf(el))) return null;
      continue;
    }
    const block = figureBlock(el.cloneNode(true), base);
    if (typeof block !== 'string' && (block.image.url || block.image.caption)) return block;
  }
  return null;
}

/** Keys under which page data holds an article's body, as shapes.ts reads them. */
const BODY_KEYS = ['body', 'content', 'text', 'articleBody', 'content_elements', 'blocks', 'bodyHtml', 'body_html'];
const MAX_PAGE_DATA_NODES = 20_000;

/**
 * The article in a Next.js page's data (`<script id="__NEXT_DATA__">`): pages rendered in the
 * browser ship the story there and little or none of it in the HTML. The object with a headline
 * and the longest body wins (a page's data also holds teasers of other stories).
 */
function nextDataArticle(doc: DomDocument): Json | null {
  const script = doc.querySelector('script#__NEXT_DATA__');
  if (!script) return null;
  let data: unknown;
  try {
    data = JSON.parse(script.textContent ?? '');
  } catch {
    return null;
  }
  let best: Json | null = null;
  let bestSize = 0;
  const stack: unknown[] = [data];
  for (let seen = 0; stack.length > 0 && seen < MAX_PAGE_DATA_NODES; seen++) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      const node = v as Json;
      const titled = typeof node.title === 'string' || typeof node.headline === 'string' || (node.headlines !== null && typeof node.headlines === 'object');
      const bodyKey = titled ? BODY_KEYS.find((k) => node[k] !== undefined && node[k] !== null) : undefined;
      if (bodyKey) {
        const size = JSON.stringify(node[bodyKey]).length;
        if (size > bestSize) {
          best = node;
          bestSize = size;
        }
      }
      stack.push(...Object.values(node));
    }
  }
  return best;
}

export function parseHtml(bytes: Uint8Array, context: ParseContext = { chrome: DEFAULT_CHROME }): ParseResult {
  const counts = emptyCounts();
  const decoded = decodePage(bytes);
  if ('problem' in decoded) return { entries: [{ problem: { kind: decoded.problem, reason: decoded.reason, line: null } }], counts };
  if (decoded.text.trim() === '') return { entries: [{ problem: { kind: 'empty', reason: 'file holds only whitespace', line: null } }], counts };
  const { document: doc, deep } = parseBoundedHtml(decoded.text);
  const page = readPage(doc, (html) => parseBoundedHtml(`<!doctype html><html><body>${html}</body></html>`).document);
  if (!page.title) return { entries: [{ problem: { kind: 'no-title', reason: 'no headline in JSON-LD, og:title, <h1> or <title>', line: null } }], counts };
  const draft = emptyDraft(page.title);
  const { title: _title, ...rest } = page.fields;
  const warnings = [...(deep ? [DEEP_NESTING_NOTE] : []), ...page.problems, ...applyMetadata(draft, rest)];
  if (!draft.byline && page.byline) draft.byline = cleanByline(page.byline.replace(BYLINE_WORD, '')) || null;
  // The lead image is the cover: a figure above the first real paragraph, else the metadata image.
  const lead = page.blocks.findIndex((b) => typeof b === 'string' && isStoryParagraph(b));
  const leadFigure = page.blocks.findIndex((b) => typeof b !== 'string');
  if (leadFigure >= 0 && (lead < 0 || leadFigure < lead)) {
    const fig = page.blocks.splice(leadFigure, 1)[0] as Exclude<Block, string>;
    draft.cover = { caption: fig.image.caption, credit: fig.image.credit, url: fig.image.url ?? draft.cover?.url ?? null };
  } else if (page.hero && !page.blocks.some((b) => typeof b !== 'string' && b.image.url !== null && b.image.url === page.hero!.image.url)) {
    const fig = page.hero.image;
    if (!draft.cover?.caption) draft.cover = { caption: fig.caption, credit: fig.credit, url: fig.url ?? draft.cover?.url ?? null };
  }
  // A metadata image's address may be relative to the page, as <img src> may.
  const coverBase = pageBase(draft.url);
  if (draft.cover?.url && coverBase) draft.cover = { ...draft.cover, url: resolve(draft.cover.url, coverBase) };
  structureBody(draft, page.blocks, counts, context);
  splitCoverCredit(draft);
  addRelated(draft, page.related);
  if (draft.dateSource !== null && draft.dateSource !== 'metadata' && draft.language !== null && CJK_LANGUAGES.has(draft.language.slice(0, 2).toLowerCase())) placeInPageZone(draft, page.blocks, decoded.text);
  const fromData = page.pageData ? fromPageData(page.pageData, draft, context) : null;
  if (fromData) return { entries: [{ draft: fromData.draft, line: null, warnings: [...warnings, ...fromData.warnings] }], counts: fromData.counts };
  return { entries: [{ draft, line: null, warnings }], counts };
}

const CJK_LANGUAGES = new Set(['ja', 'zh', 'ko']);
/** A zone a date line states itself (`GMT`, `JST`, `+09:00`): then the line's time is not local. */
const ZONE_MARK = /\b(?:GMT|UTC|JST|KST|CST|HKT|SGT|CET|BST)\b|[+-]\d{2}:?\d{2}\b|\(?UTC[+-]/u;

/**
 * Japanese, Chinese and Korean pages print their local time with no zone (`2026年11月25日 16時10分`),
 * read as UTC like any time without one; when the page states its zone on a timestamp anywhere (an
 * `article:modified_time`, JSON-LD's `dateModified`, a `+09:00` in its data), that time is placed in
 * it. `dateSource` still says which line gave the date. Days without a time stay midnight UTC.
 */
function placeInPageZone(draft: ArticleDraft, blocks: readonly Block[], page: string): void {
  const published = draft.publishedAt;
  if (published === null || !published.endsWith('Z') || published.endsWith('T00:00:00.000Z')) return;
  if (blocks.some((b) => typeof b === 'string' && b.length <= 80 && /\d/u.test(b) && ZONE_MARK.test(b))) return;
  const offset = statedOffset(page);
  if (offset !== null && offset !== 0) draft.publishedAt = inZone(published, offset);
}

const wordsOf = (paragraphs: string[]) => paragraphs.reduce((n, p) => n + countWords(p), 0);

/**
 * The article as the page's data states it, when that holds more of the story than the HTML
 * (a page rendered in the browser), with what only the page states (its publisher, canonical
 * link, language) filled in from the page.
 */
function fromPageData(data: Json, page: ArticleDraft, context: ParseContext): { draft: ArticleDraft; warnings: string[]; counts: NormalisationCounts } | null {
  const counts = emptyCounts();
  const entry = entryFromObject(data, null, counts, context, htmlBlocks);
  if ('problem' in entry || wordsOf(entry.draft.paragraphs) <= wordsOf(page.paragraphs)) return null;
  const draft = entry.draft;
  if (draft.publishedAt === null && page.publishedAt !== null) {
    draft.publishedAt = page.publishedAt;
    draft.dateSource = page.dateSource;
  }
  for (const key of ['sourceName', 'sourceId', 'byline', 'modifiedAt', 'category', 'url', 'language', 'cover', 'dateline', 'attribution'] as const) {
    if (draft[key] === null && page[key] !== null) (draft as unknown as Record<string, unknown>)[key] = page[key];
  }
  if (draft.tags.length === 0) draft.tags = page.tags;
  addRelated(draft, page.related);
  return { draft, warnings: entry.warnings ?? [], counts };
}

export const htmlFormat: FormatParser = { format: 'html', parse: (file, context) => parseHtml(file.bytes, context) };
