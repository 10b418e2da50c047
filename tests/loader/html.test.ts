/**
 * HTML pages (issue 12): fixture pages of our own in the styles of a wire agency, a broadcaster,
 * a newspaper saved in windows-1252 and a blog platform, plus small pages for each metadata
 * source and its precedence.
 */
import { paragraphsOf } from '../../src/articles/record.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePage, declaredCharset, parseHtml } from '../../src/loader/formats/html.js';
import { loadArticles } from '../../src/loader/index.js';
import type { ArticleDraft } from '../../src/loader/types.js';
import { FIXTURES, tempDataDir } from '../helpers/paths.js';

const r = await loadArticles(path.join(FIXTURES, 'html'));
const get = (id: string) => {
  const a = r.articles.find((x) => x.id === id);
  if (!a) throw new Error(`no article ${id}`);
  return a;
};

/** One page through the HTML parser, its draft or its problem. */
function draftOf(html: string | Buffer): ArticleDraft {
  const entry = parseHtml(typeof html === 'string' ? Buffer.from(html) : html).entries[0]!;
  if ('problem' in entry) throw new Error(entry.problem.reason);
  return entry.draft;
}
const body = '<p>' + 'The council met on Monday and agreed the budget after a long debate about schools and roads. '.repeat(4) + '</p>';
const page = (head: string, extra = '', htmlAttrs = '') => `<!doctype html><html${htmlAttrs}><head><meta charset="utf-8">${head}</head><body><article><h1>Body headline</h1>${extra}${body}</article></body></html>`;

describe('Readability over our fixture pages', () => {
  it('loads every page with content and reports the page without a body as no-body', () => {
    expect(r.articles.map((a) => a.id)).toEqual(['blog-platform', 'broadcaster', 'newspaper-1252', 'wire-agency']);
    expect(r.problems).toEqual([{ path: 'no-body.html', line: null, kind: 'no-body', reason: 'no paragraphs after the title' }]);
    for (const a of r.articles) expect(a.origin.format).toBe('html');
  });

  it('keeps navigation, cookie banners, adverts, share bars, newsletters, comments and footers out of the paragraphs', () => {
    const chrome = /cookie|Accept all|Advertisement|premium plan|Share on|Copy link|newsletter|Sign up|Leave a Reply|Post Comment|All rights reserved|Copyright|Skip to|Listen to this|Most popular|Top Stories|\bHome\b|Powered by|Image caption|Terms of use|Sign in/i;
    for (const a of r.articles) for (const p of paragraphsOf(a)) expect(p, `${a.id}: ${p}`).not.toMatch(chrome);
    for (const a of r.articles) expect(paragraphsOf(a).length, a.id).toBeGreaterThanOrEqual(4);
  });

  it('reads a wire page: JSON-LD metadata, dateline, figure credit, related links resolved against the page URL, wire trailer as credits', () => {
    const a = get('wire-agency');
    expect(a).toMatchObject({
      title: "Kenya's shilling steadies after central bank holds rates",
      source: { id: 'wire-agency', name: 'Wire Agency' },
      byline: 'Duncan Miriri and Jane Doe',
      publishedAt: '2024-03-04T08:10:00.000+03:00',
      modifiedAt: '2024-03-04T10:32:00.000Z',
      dateSource: 'metadata',
      category: 'markets',
      tags: ['Kenya', 'currencies', 'central banks'],
      url: 'https://wire.example/world/africa/kenya-shilling-steadies-2024-03-04/',
      dateline: { place: 'NAIROBI', text: 'NAIROBI, March 4 (Wire) -' },
      credits: ['Reporting by Duncan Miriri', 'Editing by Alex Richardson'],
      cover: { caption: 'Shilling notes at a bureau in Nairobi', credit: null, url: 'https://wire.example/img/shilling.jpg' },
    });
    expect(a.lead).toMatch(/^Kenya's shilling steadied on Monday/);
    expect(a.images).toEqual([{ caption: 'A trader counts shillings at a forex bureau in Nairobi, Kenya, February 27, 2024.', credit: 'WIRE/Thomas Mukoya', afterParagraph: 1, url: 'https://wire.example/img/bureau.jpg' }]);
    expect(a.related).toEqual([
      { title: 'Kenya plans Eurobond buyback as debt costs rise', id: null, url: 'https://wire.example/world/africa/kenya-eurobond-buyback/' },
      { title: 'East African markets brace for higher fuel prices', id: null, url: 'https://wire.example/markets/east-africa-fuel/' },
    ]);
  });

  it('reads a broadcaster page: OpenGraph and article:* tags, the lead figure as cover with its credit element, byline spans apart', () => {
    const a = get('broadcaster');
    expect(a).toMatchObject({
      title: 'Floods close roads across northern England',
      source: { name: 'Broadcaster News' },
      byline: 'Sam Roe',
      publishedAt: '2024-03-04T09:15:00.000Z',
      modifiedAt: '2024-03-04T14:02:00.000Z',
      category: 'england',
      tags: ['Flooding', 'Weather'],
      url: 'https://news.broadcaster.example/uk-england-68421',
      cover: { caption: 'A car stranded in flood water near York on Monday morning', credit: 'PA Media', url: 'https://news.broadcaster.example/img/floods-976.jpg' },
      images: [],
    });
    expect(a.lead).toMatch(/^Heavy rain has closed dozens of roads/);
    expect(a.related.map((x) => x.url)).toEqual(['https://news.broadcaster.example/news/uk-england-68400', 'https://news.broadcaster.example/news/uk-england-68399']);
  });

  it('decodes a windows-1252 page by its declared charset: curly quotes, pound sign and accents intact', () => {
    const a = get('newspaper-1252');
    expect(paragraphsOf(a)[1]).toBe('“This is the biggest change to our streets in a generation,” said the council’s transport lead, Renée Martin, who has championed the plan since it was first proposed.');
    expect(a.lead).toContain('£4.2m');
    expect(a).toMatchObject({ byline: 'Ann Lee', publishedAt: '2024-03-07T18:30:00.000Z', dateSource: 'metadata', url: 'https://ledger.example/news/2024/mar/07/council-cycle-lanes' });
    // No publisher in its metadata: the name the page prints after the headline in its <title>.
    expect(a.source).toEqual({ id: 'the-daily-ledger', name: 'The Daily Ledger' });
    expect(a.cover).toEqual({ caption: 'Cyclists ride along a temporary lane on Main Street.', credit: 'Sam Roe/The Daily Ledger', url: 'https://ledger.example/img/lanes.jpg' });
  });

  it('reads a blog post: a "Posted on" line in the page header as its date, a caption credit, related posts, list items and subheadings as paragraphs', () => {
    const a = get('blog-platform');
    expect(a).toMatchObject({ title: 'Why our town’s library matters', byline: 'Jo Bloggs', publishedAt: '2023-05-12T00:00:00.000Z', dateSource: 'published-line', source: { name: 'The Town Notebook' } });
    expect(paragraphsOf(a).slice(2)).toEqual(['What you can do', 'Write to your councillor about the reopening date', 'Join the Friends of the Library group on Thursdays']);
    expect(paragraphsOf(a)[1]).toContain('doubt it & fear the worst');
    expect(a.images).toEqual([{ caption: 'Volunteers shelve books before reopening.', credit: 'Town Library Archive', afterParagraph: 0, url: 'https://notebook.example/wp-content/uploads/2023/05/shelves.jpg' }]);
    expect(a.related.map((x) => [x.title, x.url])).toEqual([
      ['The reading room at 100 years old', 'https://notebook.example/2023/04/the-reading-room-at-100/'],
      ['Saving the mobile library van', '/2023/03/saving-the-mobile-library/'],
    ]);
  });
});

describe('metadata sources and their precedence', () => {
  const ld = (o: object) => `<script type="application/ld+json">${JSON.stringify(o)}</script>`;
  const og = '<meta property="og:title" content="OG headline"><meta property="og:site_name" content="OG Site"><meta property="article:published_time" content="2024-02-02T00:00:00Z"><meta property="og:locale" content="fr_FR"><meta property="og:url" content="https://og.example/a">';
  const time = '<time datetime="2024-03-03T00:00:00Z">3 March</time>';

  it('JSON-LD wins over OpenGraph, <time>, the canonical link and <html lang>', () => {
    const d = draftOf(page(ld({ '@type': 'NewsArticle', headline: 'LD headline', datePublished: '2024-01-01T00:00:00Z', publisher: { name: 'LD Site' }, inLanguage: 'de', url: 'https://ld.example/a' }) + og + '<link rel="canonical" href="https://canonical.example/a">', time, ' lang="es"'));
    expect(d).toMatchObject({ title: 'LD headline', sourceName: 'LD Site', publishedAt: '2024-01-01T00:00:00.000Z', dateSource: 'metadata', language: 'de', url: 'https://ld.example/a' });
  });

  it('finds the article in an @graph list and in an array, with @type lists', () => {
    expect(draftOf(page(ld({ '@graph': [{ '@type': 'WebPage' }, { '@type': ['NewsArticle'], headline: 'Graph headline' }] }))).title).toBe('Graph headline');
    expect(draftOf(page(ld([{ '@type': 'Organization' }, { '@type': 'ReportageNewsArticle', headline: 'Array headline' }]))).title).toBe('Array headline');
  });

  it('OpenGraph and article:* tags come next', () => {
    const d = draftOf(page(og + '<link rel="canonical" href="https://canonical.example/a">', time, ' lang="es"'));
    expect(d).toMatchObject({ title: 'OG headline', sourceName: 'OG Site', publishedAt: '2024-02-02T00:00:00.000Z', language: 'fr', url: 'https://canonical.example/a' });
  });

  it('then <time datetime>, the canonical link and <html lang>; the <h1> is the headline without metadata', () => {
    const d = draftOf(page('<title>Site | Title tag</title><link rel="canonical" href="https://canonical.example/a">', time, ' lang="es"'));
    expect(d).toMatchObject({ title: 'Body headline', publishedAt: '2024-03-03T00:00:00.000Z', dateSource: 'metadata', language: 'es', url: 'https://canonical.example/a', sourceName: null });
  });

  it('reports an unreadable JSON-LD block as a bad field and still reads the page', async () => {
    const res = await loadArticles(tempDataDir({ 'a.html': page('<script type="application/ld+json">{"@type": "NewsArticle",</script>') }));
    expect(res.articles).toHaveLength(1);
    expect(res.problems).toEqual([{ path: 'a.html', line: null, kind: 'bad-field', reason: expect.stringMatching(/^JSON-LD block ignored/) }]);
  });
});

describe('charsets', () => {
  it('reads the declared charset from <meta charset>, http-equiv or a BOM', () => {
    expect(declaredCharset(Buffer.from('<meta charset="ISO-8859-1">'))).toBe('iso-8859-1');
    expect(declaredCharset(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'))).toBe('windows-1252');
    expect(declaredCharset(Buffer.from([0xef, 0xbb, 0xbf, 0x3c]))).toBe('utf-8');
    expect(declaredCharset(Buffer.from('<p>none</p>'))).toBeNull();
  });

  it('decodes iso-8859-1 as windows-1252 (as browsers do), UTF-8 by default, and undeclared non-UTF-8 as windows-1252', () => {
    const latin = Buffer.concat([Buffer.from('<meta charset="iso-8859-1"><p>'), Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x80, 0x35])]);
    expect(decodePage(latin)).toEqual({ text: '<meta charset="iso-8859-1"><p>“Café” €5', charset: 'windows-1252' });
    expect(decodePage(Buffer.from('<p>Café</p>'))).toEqual({ text: '<p>Café</p>', charset: 'utf-8' });
    expect(decodePage(Buffer.from([0x3c, 0x70, 0x3e, 0xe9]))).toEqual({ text: '<p>é', charset: 'windows-1252' });
  });

  it('reports a page that is not in the charset it declares, and an unknown charset', async () => {
    const res = await loadArticles(
      tempDataDir({
        'bad-utf8.html': Buffer.concat([Buffer.from('<meta charset="utf-8"><h1>T</h1><p>'), Buffer.from([0xe9, 0x20])]),
        'unknown.htm': '<meta charset="x-klingon"><h1>T</h1><p>Body.</p>',
      }),
    );
    expect(res.problems).toEqual([
      { path: 'bad-utf8.html', line: null, kind: 'not-utf8', reason: 'not valid utf-8, the charset the page declares' },
      { path: 'unknown.htm', line: null, kind: 'parse-error', reason: 'unknown charset "x-klingon" declared by the page' },
    ]);
  });
});

describe('HTML beside other formats', () => {
  it('detects the same story as a duplicate across formats', async () => {
    const res = await loadArticles(
      tempDataDir({
        'a.txt': 'Council approves budget\n\nThe council met on Monday and agreed the budget.\n\nSchools get more money.\n',
        'b.html': '<html><head><meta charset="utf-8"></head><body><article><h1>Council approves budget</h1><p>The council met on Monday and agreed the budget.</p><p>Schools get more money.</p></article></body></html>',
      }),
    );
    expect(res.articles.map((a) => a.id)).toEqual(['a']);
    expect(res.problems).toEqual([{ path: 'b.html', line: null, kind: 'duplicate', reason: 'same article as a.txt; served once' }]);
  });

  it('reports a page without a headline as no-title', async () => {
    const res = await loadArticles(tempDataDir({ 'x.html': '<html><body><div></div></body></html>' }));
    expect(res.problems.map((p) => p.kind)).toEqual(['no-title']);
  });
});

describe('a parser that fails', () => {
  it('costs only its own file, reported as a parse error', async () => {
    const { FORMATS } = await import('../../src/loader/registry.js');
    const html = FORMATS.find((f) => f.format === 'html')!;
    const parser = await html.load();
    const original = parser.parse;
    (parser as { parse: typeof parser.parse }).parse = () => {
      throw new Error('boom');
    };
    try {
      const res = await loadArticles(tempDataDir({ 'a.html': '<h1>T</h1><p>Body.</p>', 'b.txt': 'Headline\n\nBody text.\n' }));
      expect(res.articles.map((a) => a.id)).toEqual(['b']);
      expect(res.problems).toEqual([{ path: 'a.html', line: null, kind: 'parse-error', reason: 'could not parse the html file: boom' }]);
    } finally {
      (parser as { parse: typeof parser.parse }).parse = original;
    }
  });
});
