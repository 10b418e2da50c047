/**
 * Feeds and wire files saved as XML (.xml, .rss, .atom): an RSS 2.0 feed (`content:encoded`,
 * `dc:creator`, media pictures), an Atom feed, or an IPTC wire story (NITF, NewsML-G2). A feed gives one article
 * per item, numbered from 1 like a JSON feed's items (`origin.line`); each item is read into the
 * field names a feed saved as JSON has (shapes.ts), so the same rules make the same article of it.
 * An item with no title, or with neither content nor a summary, is a problem naming the item.
 */
import { DOMParser } from 'linkedom';
import { articlesIn, entryFromObject } from '../shapes.js';
import { boundMarkupDepth, flattenDeepNesting, htmlBlocks, type NestedElement } from '../normalise/html-blocks.js';
import { bomCharset, decodeDeclared } from '../normalise/charset.js';
import { cleanLine } from '../normalise/clean.js';
import { emptyCounts, type FormatParser, type NormalisationCounts, type ParseContext, type ParsedEntry, type ParseResult } from '../types.js';

type Fields = Record<string, unknown>;

/** The few members of linkedom's XML elements read here. */
interface XmlElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly children: ArrayLike<XmlElement>;
  readonly innerHTML: string;
  getAttribute(name: string): string | null;
}

/** Child elements, all or those of one name (compared without case: RSS is lower case, NewsML-G2 camel case). */
const children = (el: XmlElement, name?: string): XmlElement[] => {
  const wanted = name?.toLowerCase();
  return Array.from(el.children).filter((c) => wanted === undefined || c.tagName.toLowerCase() === wanted);
};
const child = (el: XmlElement, name: string): XmlElement | undefined => children(el, name)[0];
const textIn = (el: XmlElement | undefined): string | null => {
  const t = el?.textContent?.trim();
  return t ? t : null;
};

/** The encoding a feed declares: its BOM's, else its XML declaration's (`<?xml version="1.0" encoding="ISO-8859-1"?>`), else null. */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  return bomCharset(bytes) ?? /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/u.exec(head)?.[1]?.toLowerCase() ?? null;
}

/** `jo@example.com (Jo Bloggs)`, as RSS's `author` holds it: the name. */
function rssAuthor(v: string | null): string | null {
  if (!v) return null;
  const named = /\(([^()]+)\)\s*$/u.exec(v);
  return named ? named[1]!.trim() : /@/u.test(v) ? null : v;
}

/** A picture an item attaches (`media:content`/`media:thumbnail` of an image, an image `enclosure`), with its caption and credit. */
function itemImage(item: XmlElement): Fields | null {
  const groups = [item, ...children(item, 'media:group')];
  for (const g of groups) {
    for (const m of [...children(g, 'media:content'), ...children(g, 'media:thumbnail'), ...children(g, 'enclosure')]) {
      const url = m.getAttribute('url');
      const type = m.getAttribute('type') ?? '';
      const medium = m.getAttribute('medium') ?? '';
      if (!url || (m.tagName.toLowerCase() !== 'media:thumbnail' && !type.startsWith('image/') && medium !== 'image')) continue;
      return { url, caption: textIn(child(m, 'media:description')) ?? textIn(child(g, 'media:description')) ?? textIn(child(m, 'media:title')), credit: textIn(child(m, 'media:credit')) ?? textIn(child(g, 'media:credit')) };
    }
  }
  return null;
}

/** An RSS item as a feed item saved as JSON (rss-parser's names). */
function rssItem(item: XmlElement): Fields {
  const out: Fields = {};
  for (const c of children(item)) {
    const name = c.tagName;
    if (name === 'category') continue;
    if (children(c).length === 0 && textIn(c) !== null && !(name in out)) out[name] = textIn(c);
  }
  const categories = children(item, 'category').map(textIn).filter((x): x is string => x !== null);
  if (categories.length > 0) out.categories = categories;
  // `author` is an e-mail address with the name in brackets; `dc:creator` the name.
  const author = rssAuthor(textIn(child(item, 'author')));
  delete out.author;
  if (author && !out['dc:creator']) out.author = author;
  const image = itemImage(item);
  if (image) out.image = image;
  return out;
}

/** Atom text constructs: `type="xhtml"` holds markup, `html` escaped markup, `text` plain text. */
function atomText(el: XmlElement | undefined): string | null {
  if (!el) return null;
  if (el.getAttribute('type') === 'xhtml') {
    const div = child(el, 'div');
    return (div ?? el).innerHTML.trim() || null;
  }
  return textIn(el);
}

/** Its `rel="alternate"` link (or one with no rel): the item's page. */
function atomLink(el: XmlElement): string | null {
  const link = children(el, 'link').find((l) => (l.getAttribute('rel') ?? 'alternate') === 'alternate');
  return link?.getAttribute('href') ?? null;
}

function atomEntry(entry: XmlElement): Fields {
  const out: Fields = {
    title: atomText(child(entry, 'title')),
    url: atomLink(entry),
    id: textIn(child(entry, 'id')),
    publishedAt: textIn(child(entry, 'published')) ?? textIn(child(entry, 'issued')),
    updated: textIn(child(entry, 'updated')) ?? textIn(child(entry, 'modified')),
    authors: children(entry, 'author').map((a) => textIn(child(a, 'name'))).filter(Boolean),
    categories: children(entry, 'category').map((c) => c.getAttribute('label') ?? c.getAttribute('term')).filter(Boolean),
    content: atomText(child(entry, 'content')),
    summary: atomText(child(entry, 'summary')),
  };
  // An entry with no publication date is dated by its last update, the only date Atom requires.
  if (!out.publishedAt) {
    out.publishedAt = out.updated;
    delete out.updated;
  }
  const image = itemImage(entry);
  if (image) out.image = image;
  return out;
}

/** NITF's compact ISO 8601 (`20261125T141500Z`, `20261125`) in its extended form. */
function nitfDate(norm: string | null): string | null {
  const m = norm ? /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/u.exec(norm.trim()) : null;
  if (!m) return norm;
  const [, y, mo, d, h, mi, s, zone] = m;
  return h ? `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${zone ?? 'Z'}` : `${y}-${mo}-${d}`;
}

/** The elements of NITF's body.content as story markup: paragraphs, subheads, pictures as figures. */
function nitfBody(content: XmlElement): string {
  const parts: string[] = [];
  for (const el of children(content)) {
    const name = el.tagName.toLowerCase();
    if (name === 'media') {
      if (el.getAttribute('media-type') !== 'image') continue;
      const src = child(el, 'media-reference')?.getAttribute('source') ?? '';
      const caption = textIn(child(el, 'media-caption')) ?? '';
      parts.push(`<figure><img src="${escapeAttr(src)}"><figcaption>${escapeText(caption)}</figcaption></figure>`);
    } else if (name === 'hl2') parts.push(`<h2>${escapeText(textIn(el) ?? '')}</h2>`);
    else if (name === 'block') parts.push(nitfBody(el));
    else if (name === 'p' || name === 'ul' || name === 'ol' || name === 'table' || name === 'blockquote') parts.push(`<${name}>${el.innerHTML}</${name}>`);
  }
  return parts.join('\n');
}

const escapeText = (s: string) => s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/gu, '&quot;');

/** An NITF story as an article object, and its dateline (a separate element in NITF, not a line of the text). */
function nitfStory(root: XmlElement): { fields: Fields; dateline: { place: string; text: string } | null } {
  const head = child(root, 'head');
  const body = child(root, 'body');
  const bodyHead = body ? child(body, 'body.head') : undefined;
  const docdata = head ? child(head, 'docdata') : undefined;
  const meta = (name: string) => (head ? children(head, 'meta').find((m) => m.getAttribute('name') === name)?.getAttribute('content') ?? null : null);
  const hedline = bodyHead ? child(bodyHead, 'hedline') : undefined;
  const byline = bodyHead ? textIn(child(bodyHead, 'byline')) : null;
  const datelineEl = bodyHead ? child(bodyHead, 'dateline') : undefined;
  const city = datelineEl ? (textIn(child(datelineEl, 'location')) ?? textIn(datelineEl)) : null;
  const content = body ? child(body, 'body.content') : undefined;
  const fields: Fields = {
    title: textIn(hedline ? child(hedline, 'hl1') : undefined) ?? textIn(head ? child(head, 'title') : undefined),
    byline,
    publishedAt: nitfDate(docdata ? (child(docdata, 'date.issue')?.getAttribute('norm') ?? child(docdata, 'date.release')?.getAttribute('norm') ?? null) : null),
    source: meta('source') ?? (docdata ? child(docdata, 'doc.copyright')?.getAttribute('holder') : null) ?? textIn(bodyHead ? child(bodyHead, 'distributor') : undefined),
    tags: docdata ? children(child(docdata, 'key-list') ?? docdata, 'keyword').map((k) => k.getAttribute('key')).filter(Boolean) : [],
    category: head ? child(head, 'pubdata')?.getAttribute('position.section') : null,
    language: root.getAttribute('xml:lang'),
    body_html: content ? nitfBody(content) : null,
    description: textIn(bodyHead ? child(bodyHead, 'abstract') : undefined),
  };
  return { fields, dateline: city && datelineEl ? { place: cleanLine(city), text: cleanLine(textIn(datelineEl)!) } : null };
}

/**
 * A NewsML-G2 text item (IPTC's wire format after NITF): `contentMeta` holds the headline, `by`,
 * `dateline`, `located`, keywords and subjects, `itemMeta` the dates and provider; the story is
 * the `inlineXML` of its `contentSet`, NITF's `body.content` or XHTML.
 */
function newsMlItem(item: XmlElement): { fields: Fields; dateline: { place: string; text: string } | null } | null {
  const itemMeta = child(item, 'itemMeta');
  const itemClass = itemMeta ? child(itemMeta, 'itemClass')?.getAttribute('qcode') : null;
  if (itemClass && !/:text$/u.test(itemClass)) return null;
  const meta = child(item, 'contentMeta');
  const inline = children(child(item, 'contentSet') ?? item, 'inlineXML')[0];
  if (!meta || !inline) return null;
  const bodyContent = findDeep(inline, 'body.content');
  const xhtmlBody = bodyContent ? undefined : findDeep(inline, 'body');
  const name = (el: XmlElement | undefined) => (el ? (textIn(child(el, 'name')) ?? textIn(el)) : null);
  const rights = child(item, 'rightsInfo');
  const dateline = textIn(child(meta, 'dateline'));
  const place = name(child(meta, 'located'));
  const fields: Fields = {
    title: textIn(child(meta, 'headline')),
    byline: textIn(child(meta, 'by')) ?? (children(meta, 'creator').map(name).filter(Boolean) as string[]),
    publishedAt: textIn(itemMeta ? child(itemMeta, 'firstCreated') : undefined) ?? textIn(child(meta, 'contentCreated')) ?? textIn(itemMeta ? child(itemMeta, 'versionCreated') : undefined),
    modifiedAt: textIn(itemMeta ? child(itemMeta, 'versionCreated') : undefined),
    source: name(rights ? child(rights, 'copyrightHolder') : undefined) ?? name(itemMeta ? child(itemMeta, 'provider') : undefined),
    tags: children(meta, 'keyword').map(textIn).filter(Boolean),
    language: child(meta, 'language')?.getAttribute('tag') ?? item.getAttribute('xml:lang'),
    body_html: bodyContent ? nitfBody(bodyContent) : xhtmlBody ? xhtmlBody.innerHTML : null,
    description: textIn(children(meta, 'description')[0]),
  };
  if ((fields.byline as string[]).length === 0) delete fields.byline;
  // The place as the dateline prints it (`ROTTERDAM, Nov 25`), as text datelines give it; else the item's location.
  const placeName = dateline ? cleanLine(dateline.split(',')[0]!) || place : null;
  return { fields, dateline: dateline && placeName ? { place: placeName, text: cleanLine(dateline) } : null };
}

/** The first element named `name` at any depth below `el`. */
function findDeep(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of children(el)) {
    if (c.tagName.toLowerCase() === name) return c;
    const found = findDeep(c, name);
    if (found) return found;
  }
  return undefined;
}

/** One article of a wire story with its own dateline element (NITF, NewsML-G2). */
function wireEntry(story: { fields: Fields; dateline: { place: string; text: string } | null }, line: number | null, counts: NormalisationCounts, context: ParseContext): ParsedEntry {
  const entry = entryFromObject(story.fields, line, counts, context, htmlBlocks);
  if ('draft' in entry && story.dateline && entry.draft.dateline === null) entry.draft.dateline = story.dateline;
  return entry;
}

/** A feed's items as the object a feed saved as JSON is: `{ title, link, language, items }`. */
function feedObject(root: XmlElement): Fields | null {
  const kind = root.tagName.toLowerCase();
  if (kind === 'rss' || kind === 'rdf:rdf') {
    const channel = child(root, 'channel');
    if (!channel) return null;
    // RSS 1.0 (RDF) puts its items beside the channel, RSS 2.0 inside it.
    const items = [...children(channel, 'item'), ...children(root, 'item')];
    return { title: textIn(child(channel, 'title')), link: textIn(child(channel, 'link')), language: textIn(child(channel, 'language')) ?? textIn(child(channel, 'dc:language')), items: items.map(rssItem) };
  }
  if (kind === 'feed') return { title: atomText(child(root, 'title')), link: atomLink(root), language: root.getAttribute('xml:lang'), items: children(root, 'entry').map(atomEntry) };
  return null;
}

/** An entry that did not make an article, its reason prefixed with the item it is. */
function itemProblem(entry: ParsedEntry, item: Fields, n: number): ParsedEntry {
  if (!('problem' in entry)) return entry;
  const id = typeof item.link === 'string' ? item.link : typeof item.url === 'string' ? item.url : typeof item.guid === 'string' ? item.guid : typeof item.id === 'string' ? item.id : null;
  return { problem: { ...entry.problem, reason: `item ${n}${id ? ` (${id})` : ''}: ${entry.problem.reason}` } };
}

export function parseXml(bytes: Uint8Array, context: ParseContext): ParseResult {
  const counts: NormalisationCounts = emptyCounts();
  // Decoded as pages are: a feed that declares ISO-8859-1 is read as windows-1252, as feed readers read it.
  const decoded = decodeDeclared(bytes, declaredEncoding(bytes), 'the file');
  if ('problem' in decoded) return { entries: [{ problem: { kind: decoded.problem, reason: decoded.reason, line: null } }], counts };
  if (decoded.text.trim() === '') return { entries: [{ problem: { kind: 'empty', reason: 'file holds only whitespace', line: null } }], counts };
  const root = (new DOMParser().parseFromString(boundMarkupDepth(decoded.text, { xml: true }).markup, 'text/xml') as unknown as { documentElement: XmlElement | null }).documentElement;
  if (!root) return { entries: [{ problem: { kind: 'parse-error', reason: 'no XML element in the file', line: null } }], counts };
  // Hostile nesting is cut as a page's is (a feed or wire story nests a dozen levels).
  flattenDeepNesting(root as unknown as NestedElement);
  const rootName = root.tagName.toLowerCase();
  if (rootName === 'nitf') return { entries: [wireEntry(nitfStory(root), null, counts, context)], counts };
  if (rootName === 'newsitem' || rootName === 'newsmessage') {
    // A news message carries its items in `itemSet`; pictures and packages among them are not stories.
    const items = rootName === 'newsitem' ? [root] : children(child(root, 'itemSet') ?? root, 'newsItem');
    const stories = items.map(newsMlItem);
    const one = rootName === 'newsitem';
    const entries = stories.flatMap((story, i) => (story ? [wireEntry(story, one ? null : i + 1, counts, context)] : []));
    if (entries.length === 0) return { entries: [{ problem: { kind: 'no-body', reason: 'no NewsML-G2 text item with inline content', line: null } }], counts };
    return { entries, counts };
  }
  const feed = feedObject(root);
  if (!feed) return { entries: [{ problem: { kind: 'parse-error', reason: `<${root.tagName}> is not a feed (RSS, Atom) or a wire story (NITF, NewsML-G2) this loader reads`, line: null } }], counts };
  const items = feed.items as Fields[];
  if (items.length === 0) return { entries: [{ problem: { kind: 'no-body', reason: 'the feed holds no items', line: null } }], counts };
  const { items: withFeed } = articlesIn(feed);
  const entries = withFeed.map((item, i) => {
    const entry = entryFromObject(item, i + 1, counts, context, htmlBlocks);
    // Named here, not by the loader's generic `no-body`: which item had nothing to read.
    if ('draft' in entry && entry.draft.paragraphs.length === 0) return itemProblem({ problem: { kind: 'no-body', reason: 'no content, description or summary text', line: i + 1 } }, items[i]!, i + 1);
    return itemProblem(entry, items[i]!, i + 1);
  });
  return { entries, counts };
}

export const xmlFormat: FormatParser = { format: 'xml', parse: (file, context) => parseXml(file.bytes, context) };
