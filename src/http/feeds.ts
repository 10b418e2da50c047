/**
 * A listing or search page as a feed: RSS 2.0, Atom 1.0 or JSON Feed 1.1, so a saved search can
 * be followed in a feed reader. Written here rather than with the `feed` package, which writes
 * JSON Feed 1.0 and leaves no room for the cover image's caption and credit; the tests read every
 * feed back with two independent parsers (@rowanmanning/feed-parser, feedsmith).
 *
 * Links are absolute, built from the request's protocol and host: Fastify takes those from
 * X-Forwarded-Proto / X-Forwarded-Host only when TRUST_PROXY trusts the sender.
 */
import type { FastifyRequest } from 'fastify';
import type { Article, StoryRef } from '../articles/schema.js';

export type FeedFormat = 'rss' | 'atom' | 'jsonfeed';

export const FEED_MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  jsonfeed: 'application/feed+json; charset=utf-8',
};

/** Path suffixes that ask for a feed: `/search.rss?q=oil` is `/search?q=oil&format=rss`. */
const SUFFIXES: Record<string, FeedFormat> = { '.rss': 'rss', '.atom': 'atom', '.jsonfeed': 'jsonfeed' };
const SUFFIXED = /^\/(articles|search)(\.rss|\.atom|\.jsonfeed)(?=\?|$)/u;

/** Fastify's rewriteUrl: a feed suffix on /articles or /search becomes the format parameter. */
export function rewriteFeedSuffix(url: string): string {
  const m = SUFFIXED.exec(url);
  if (!m) return url;
  const rest = url.slice(m[0].length);
  const format = SUFFIXES[m[2]!]!;
  return `/${m[1]}${rest.startsWith('?') && rest.length > 1 ? `${rest}&` : '?'}format=${format}`;
}

export interface FeedEntry {
  article: Article;
  story: StoryRef;
  reprints?: number | undefined;
}

export interface FeedPage {
  title: string;
  description: string;
  /** Absolute URL of this feed. */
  selfUrl: string;
  /** Absolute URL of the same page as JSON. */
  homeUrl: string;
  /** Absolute URL of the next page's feed, or null. */
  nextUrl: string | null;
  /** Absolute base (protocol and host) for article links. */
  base: string;
  /** When the snapshot answering was loaded: the feed's updated time. */
  updated: Date;
}

/** `https://host` of this request (forwarded headers only when trusted: Fastify's trustProxy). */
export function requestBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** The absolute URL of the same request in another format (json drops the parameter). */
export function urlWithFormat(base: string, url: string, format: 'json' | FeedFormat): string {
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  params.delete('format');
  if (format !== 'json') params.set('format', format);
  const query = params.toString();
  return `${base}${q >= 0 ? url.slice(0, q) : url}${query ? `?${query}` : ''}`;
}

// Characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/FFFF) are dropped; the rest escaped.
// eslint-disable-next-line no-control-regex -- these control characters are exactly what XML forbids
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xml(s: string): string {
  return s.replace(XML_INVALID, '').replace(/[&<>"']/gu, (c) => XML_ESCAPES[c]!);
}

const articleUrl = (page: FeedPage, a: Article) => `${page.base}/articles/${a.id}`;
/** Where a reader goes: the article's own web address when the input gave one, else its API address. */
const readUrl = (page: FeedPage, a: Article) => a.url ?? articleUrl(page, a);

export function renderFeed(format: FeedFormat, page: FeedPage, entries: readonly FeedEntry[]): string {
  if (format === 'rss') return rss(page, entries);
  if (format === 'atom') return atom(page, entries);
  return jsonFeed(page, entries);
}

function rss(page: FeedPage, entries: readonly FeedEntry[]): string {
  const items = entries.map(({ article: a }) => {
    const parts = [
      `<title>${xml(a.title)}</title>`,
      `<link>${xml(readUrl(page, a))}</link>`,
      `<guid isPermaLink="false">${xml(articleUrl(page, a))}</guid>`,
      `<description>${xml(a.lead)}</description>`,
    ];
    if (a.publishedAt) parts.push(`<pubDate>${new Date(a.publishedAt).toUTCString()}</pubDate>`);
    if (a.byline) parts.push(`<dc:creator>${xml(a.byline)}</dc:creator>`);
    if (a.category) parts.push(`<category>${xml(a.category)}</category>`);
    if (a.cover?.url) {
      const inner = [a.cover.caption ? `<media:description>${xml(a.cover.caption)}</media:description>` : '', a.cover.credit ? `<media:credit>${xml(a.cover.credit)}</media:credit>` : ''].join('');
      parts.push(`<media:content url="${xml(a.cover.url)}" medium="image">${inner}</media:content>`);
    }
    return `<item>${parts.join('')}</item>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
    '<channel>',
    `<title>${xml(page.title)}</title>`,
    `<link>${xml(page.homeUrl)}</link>`,
    `<description>${xml(page.description)}</description>`,
    `<atom:link href="${xml(page.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    page.nextUrl ? `<atom:link href="${xml(page.nextUrl)}" rel="next" type="application/rss+xml"/>` : '',
    `<lastBuildDate>${page.updated.toUTCString()}</lastBuildDate>`,
    '<generator>news-api</generator>',
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}

function atom(page: FeedPage, entries: readonly FeedEntry[]): string {
  const updated = page.updated.toISOString();
  const items = entries.map(({ article: a }) => {
    const parts = [
      `<id>${xml(articleUrl(page, a))}</id>`,
      `<title type="text">${xml(a.title)}</title>`,
      // Atom requires an updated time; an undated article gets the snapshot's.
      `<updated>${a.publishedAt ? new Date(a.publishedAt).toISOString() : updated}</updated>`,
      a.publishedAt ? `<published>${new Date(a.publishedAt).toISOString()}</published>` : '',
      `<link rel="alternate" href="${xml(readUrl(page, a))}"/>`,
      `<summary type="text">${xml(a.lead)}</summary>`,
      a.byline || a.source ? `<author><name>${xml(a.byline ?? a.source!.name)}</name></author>` : '',
      a.category ? `<category term="${xml(a.category)}"/>` : '',
      a.cover?.url ? `<link rel="enclosure" href="${xml(a.cover.url)}"${a.cover.caption ? ` title="${xml(a.cover.caption)}"` : ''}/>` : '',
    ];
    return `<entry>${parts.join('')}</entry>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${xml(page.selfUrl)}</id>`,
    `<title type="text">${xml(page.title)}</title>`,
    `<subtitle type="text">${xml(page.description)}</subtitle>`,
    `<updated>${updated}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xml(page.selfUrl)}"/>`,
    `<link rel="alternate" type="application/json" href="${xml(page.homeUrl)}"/>`,
    page.nextUrl ? `<link rel="next" type="application/atom+xml" href="${xml(page.nextUrl)}"/>` : '',
    '<author><name>news-api</name></author>',
    '<generator>news-api</generator>',
    ...items,
    '</feed>',
    '',
  ].join('\n');
}

function jsonFeed(page: FeedPage, entries: readonly FeedEntry[]): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: page.title,
    description: page.description,
    home_page_url: page.homeUrl,
    feed_url: page.selfUrl,
    ...(page.nextUrl ? { next_url: page.nextUrl } : {}),
    items: entries.map(({ article: a, story, reprints }) => ({
      id: articleUrl(page, a),
      url: readUrl(page, a),
      title: a.title,
      content_text: a.lead,
      summary: a.lead,
      ...(a.cover?.url ? { image: a.cover.url } : {}),
      ...(a.publishedAt ? { date_published: new Date(a.publishedAt).toISOString() } : {}),
      ...(a.byline ? { authors: [{ name: a.byline }] } : {}),
      ...(a.category ? { tags: [a.category] } : {}),
      // JSON Feed extensions start with an underscore; readers that do not know them ignore them.
      _news_api: { source: a.source, story, ...(reprints !== undefined ? { reprints } : {}), cover: a.cover },
    })),
  });
}

/** A page title's filter part: `(category: business, source: reuters)`, or empty. */
export function describeFilters(q: Record<string, unknown>, names: readonly string[]): string {
  const parts = names.flatMap((n) => (q[n] === undefined || q[n] === '' ? [] : [`${n}: ${String(q[n])}`]));
  return parts.length ? ` (${parts.join(', ')})` : '';
}
