import { paragraphsOf, toJson } from '../../src/articles/record.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../src/loader/index.js';
import { parseMarkdown } from '../../src/loader/formats/markdown.js';
import { FIXTURES, tempDataDir } from '../helpers/paths.js';

const r = await loadArticles(path.join(FIXTURES, 'formats'));
const byId = (id: string) => {
  const a = r.articles.find((x) => x.id === id);
  if (!a) throw new Error(`no article ${id}; have ${r.articles.map((x) => x.id).join(', ')}`);
  return a;
};

describe('Markdown with front matter', () => {
  it('takes metadata from front matter, which wins over the text, and says dateSource metadata', () => {
    const a = byId('explainer');
    expect(a).toMatchObject({
      title: 'What the rate rise means for mortgages',
      source: { id: 'the-daily-ledger', name: 'The Daily Ledger' },
      byline: 'Ann Lee and Bo Chen',
      publishedAt: '2023-05-04T09:30:00.000Z',
      dateSource: 'metadata',
      category: 'business',
      tags: ['rates', 'housing'],
      url: 'https://example.com/rates',
      cover: { caption: null, credit: null, url: 'https://example.com/cover.jpg' },
      origin: { format: 'md', line: null },
    });
  });

  it('reduces the body to paragraphs: emphasis and links as text, subheadings, list items and quotes as paragraphs, the repeated H1 dropped', () => {
    const a = byId('explainer');
    expect(paragraphsOf(a)).toEqual([
      'The central bank raised rates on Thursday, its twelfth rise in a row, to 4.5%.',
      'Who is affected',
      'Borrowers on variable deals',
      'First-time buyers',
      '"This will hurt," said one broker.',
    ]);
  });

  it('turns images with alt text into captions (credit split off), a Read more list into related, and drops chrome', () => {
    const a = byId('explainer');
    expect(a.images).toEqual([{ caption: 'A couple look at houses in London, May 2, 2023.', credit: 'Reuters', afterParagraph: 0, url: 'https://example.com/houses.jpg' }]);
    expect(a.related.map((x) => x.title)).toEqual(['Rates explained', 'How the bank decides']);
    expect(paragraphsOf(a).join(' ')).not.toContain('Share');
  });

  it('uses the H1 as title without front matter, and takes no date from the prose', () => {
    const a = byId('no-front-matter');
    expect(a.title).toBe('Storm closes schools across the north');
    expect(paragraphsOf(a)).toHaveLength(2);
    expect(a.images).toEqual([{ caption: 'Snow on the road', credit: null, afterParagraph: 0, url: 'snow.jpg' }]);
    // "Schools were closed on 3 February 2023" is prose, not a stated publication date (issue 12).
    expect(a).toMatchObject({ publishedAt: null, dateSource: null });
  });

  it('reports broken front matter as a parse error', async () => {
    const { entries } = await parseMarkdown('---\ntitle: [unclosed\n---\nBody.\n');
    expect(entries[0]).toMatchObject({ problem: { kind: 'parse-error', reason: expect.stringMatching(/^front matter: /) } });
  });
});

describe('scraper JSON and NDJSON', () => {
  it('maps common scraper fields (news-please style) and runs the body through the text rules', () => {
    const a = byId('scraped');
    expect(a).toMatchObject({
      title: 'Port strike enters second week',
      source: { name: 'example-news.com' },
      byline: 'Sam Roe',
      publishedAt: '2022-06-13T08:15:00.000Z',
      dateSource: 'metadata',
      url: 'https://example-news.com/port-strike',
      origin: { format: 'json', line: null },
    });
    expect(paragraphsOf(a)).toEqual(['Dock workers stayed off the job on Monday.', 'Talks are set to resume.']);
    expect(a.images).toEqual([{ caption: 'Shipping lines diverted vessels to other ports.', credit: 'AFP', afterParagraph: 0, url: null }]);
  });

  it('loads arrays entry by entry, with bodies as strings or lists, and reports a bad entry by position', () => {
    expect(paragraphsOf(byId('batch-1'))).toEqual(["The first story's body."]);
    expect(toJson(byId('batch-2'))).toMatchObject({ title: 'Batch story two', paragraphs: ['Paragraph one.', 'Paragraph two.'], origin: { line: 2 } });
    expect(r.problems).toContainEqual({ path: 'batch.json', line: 3, kind: 'no-title', reason: 'no title or headline field' });
  });

  it('reports a bad NDJSON line with its line number and still loads the other lines', () => {
    expect(byId('feed-1').origin).toMatchObject({ format: 'ndjson', line: 1 });
    expect(byId('feed-4').source).toEqual({ id: 'wire-co', name: 'Wire Co' });
    const feed = r.problems.filter((p) => p.path === 'feed.ndjson');
    expect(feed.map((p) => [p.line, p.kind])).toEqual([
      [2, 'parse-error'],
      [5, 'parse-error'],
      [6, 'bad-field'],
    ]);
    expect(feed[0]!.reason).toMatch(/^invalid JSON/);
    // A bad field is reported but the article is kept, dated from its text instead.
    expect(byId('feed-6')).toMatchObject({ title: 'Bad date story', dateSource: null });
  });

  it('reports a file of invalid JSON', async () => {
    const res = await loadArticles(tempDataDir({ 'broken.json': '{"title": ', 'ok.jsonl': '{"title":"T","text":"B."}\n' }));
    expect(res.problems).toEqual([{ path: 'broken.json', line: null, kind: 'parse-error', reason: expect.stringMatching(/^invalid JSON/) }]);
    expect(res.articles.map((a) => a.id)).toEqual(['ok-1']);
  });
});

describe('folder defaults (_source.json)', () => {
  it('gives files that name no source the folder source; a file naming its own keeps it', () => {
    expect(byId('wire-plain').source).toEqual({ id: 'bbc', name: 'BBC News' });
    expect(byId('wire-named').source).toEqual({ id: 'cgtn', name: 'CGTN' });
  });

  it('applies to nested folders and reports a bad defaults file without losing articles', async () => {
    const res = await loadArticles(
      tempDataDir({
        'a/_source.json': '{"source":"Agency A"}',
        'a/deep/x.txt': 'Deep headline\n\nDeep body.\n',
        'b/_source.json': '{"source": 42}',
        'b/y.txt': 'B headline\n\nB body.\n',
        'c/_source.json': '["not", "an object"]',
        'c/z.txt': 'C headline\n\nC body.\n',
      }),
    );
    expect(res.articles.find((a) => a.id === 'c-z')!.source).toBeNull();
    expect(res.articles.find((a) => a.id === 'a-deep-x')!.source).toEqual({ id: 'agency-a', name: 'Agency A' });
    expect(res.articles.find((a) => a.id === 'b-y')!.source).toBeNull();
    expect(res.problems).toEqual([
      { path: 'b/_source.json', line: null, kind: 'unreadable', reason: 'bad folder defaults: "source" must be a name or { "id", "name" }' },
      { path: 'c/_source.json', line: null, kind: 'unreadable', reason: 'bad folder defaults: expected an object' },
    ]);
  });
});

describe('folder chrome (_chrome.txt)', () => {
  it('extends the page-chrome lines for files below the folder only, without code edits', async () => {
    const page = 'Headline here\n\nMost read\n\nThe story itself.\n\nSign up for our newsletter\n\nShare\n';
    const res = await loadArticles(
      tempDataDir({
        'outlet/_chrome.txt': '# interface words of this outlet\nMost read\nSign up for our newsletter  # the footer box\n\n',
        'outlet/deep/a.txt': page,
        'other/b.txt': page.replace('Headline here', 'Another headline'),
      }),
    );
    expect(res.problems).toEqual([]);
    expect(paragraphsOf(res.articles.find((a) => a.id === 'outlet-deep-a')!)).toEqual(['The story itself.']);
    expect(paragraphsOf(res.articles.find((a) => a.id === 'other-b')!)).toEqual(['Most read', 'The story itself.', 'Sign up for our newsletter']);
    expect(res.stats.chromeLinesRemoved).toBe(4);
  });
});

describe('source ids', () => {
  it('keeps an id the JSON states as given, and makes one from an id that is not URL-safe', async () => {
    const res = await loadArticles(
      tempDataDir({
        'a.json': JSON.stringify({ title: 'A', text: 'Body a.', source: { id: 'ap', name: 'The Associated Press' } }),
        'b.json': JSON.stringify({ title: 'B', text: 'Body b.', source: { id: 'Wire Co!', name: 'Wire' } }),
      }),
    );
    expect(res.articles.map((a) => a.source)).toEqual([
      { id: 'ap', name: 'The Associated Press' },
      { id: 'wire-co', name: 'Wire' },
    ]);
  });

  it('shares one source object per load, and none across loads (no module state)', async () => {
    const dir = tempDataDir({ 'a/_source.json': '{"source":"Agency A"}', 'a/x.txt': 'X head\n\nX body.\n', 'a/y.txt': 'Y head\n\nY body.\n' });
    const one = await loadArticles(dir);
    const two = await loadArticles(dir);
    expect(one.articles[0]!.source).toBe(one.articles[1]!.source);
    expect(two.articles[0]!.source).not.toBe(one.articles[0]!.source);
    expect(two.articles[0]!.source).toEqual(one.articles[0]!.source);
  });
});

describe('duplicates', () => {
  it('serves the same article once and reports the other copies, whatever the format', async () => {
    const story = 'Same headline\n\nSame lead paragraph.\n\nMore text.\n';
    const res = await loadArticles(
      tempDataDir({
        'a.txt': story,
        'b.txt': story,
        'c.txt': 'Same headline\n\nSame lead paragraph.\n\nA different ending.\n',
        'd.json': JSON.stringify({ title: 'Same headline', text: 'Same lead paragraph.\n\nMore text.' }),
        'e.txt': 'Other headline\n\nSame lead paragraph.\n',
      }),
    );
    expect(res.articles.map((a) => a.id)).toEqual(['a', 'e']);
    expect(res.problems.map((p) => [p.path, p.kind, p.reason])).toEqual([
      ['b.txt', 'duplicate', 'same article as a.txt; served once'],
      ['c.txt', 'duplicate', 'same article as a.txt; served once'],
      ['d.json', 'duplicate', 'same article as a.txt; served once'],
    ]);
  });
});
