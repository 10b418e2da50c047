/**
 * Text pages from real outlets' families (issue 12): dates only where a page states them,
 * Updated/Published lines as metadata, wire trailers ending related lists, every caption-credit
 * form. The fixtures in tests/fixtures/families are our own, in the styles of a wire agency, a
 * broadcaster, a newspaper and a blog.
 */
import { paragraphsOf } from '../../src/articles/record.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticleText } from '../../src/loader/formats/text.js';
import { loadArticles } from '../../src/loader/index.js';
import { splitCaption } from '../../src/loader/normalise/body.js';
import { datelineDate, parseMetadataDate } from '../../src/loader/normalise/dates.js';
import { BBC_DIR, FIXTURES, HAVE_BBC, bbcSkipReason } from '../helpers/paths.js';

const page = (...lines: string[]) => lines.join('\n\n');
const r = await loadArticles(path.join(FIXTURES, 'families'));
const get = (id: string) => r.articles.find((a) => a.id === id)!;

describe('a wire page with an Updated line (Reuters style)', () => {
  const a = get('wire-updated');

  it('keeps the Updated line out of the lead and finds the dateline after it', () => {
    expect(r.problems).toEqual([]);
    expect(a.dateline).toEqual({ place: 'NAIROBI', text: 'NAIROBI, March 3 (Reuters) -' });
    expect(a.lead).toMatch(/^Kenya's shilling steadied on Monday/);
    for (const p of paragraphsOf(a)) expect(p).not.toMatch(/Updated|REUTERS\//);
  });

  it('dates it by the dateline (year from the Updated line), modifiedAt from the Updated line with its time zone', () => {
    expect(a).toMatchObject({ publishedAt: '2024-03-03T00:00:00.000Z', modifiedAt: '2024-03-04T10:32:00.000Z', dateSource: 'dateline' });
  });

  it('ends the related list at the wire trailer, which becomes credits', () => {
    expect(a.related.map((x) => x.title)).toEqual(['Kenya plans Eurobond buyback as debt costs rise', "East Africa's markets brace for higher fuel prices"]);
    expect(a.credits).toEqual(['Reporting by Duncan Miriri', 'Editing by Alex Richardson']);
  });

  it('reads an AGENCY/Photographer credit', () => {
    expect(a.images).toEqual([{ caption: 'A trader counts shillings at a forex bureau in Nairobi, Kenya, February 27, 2024.', credit: 'REUTERS/Thomas Mukoya', afterParagraph: 0, url: null }]);
  });
});

describe('a broadcaster page, a newspaper page, a blog post', () => {
  it('takes a date line above the story as the publication date, with its time and zone', () => {
    const a = get('broadcaster');
    expect(a).toMatchObject({ publishedAt: '2024-03-04T09:15:00.000Z', dateSource: 'published-line', modifiedAt: null });
    expect(a.lead).toMatch(/^Heavy rain closed/);
  });

  it('reads "Photo: Name / Agency" and "Credit: …" captions', () => {
    expect(get('broadcaster').images.map((i) => [i.caption, i.credit])).toEqual([
      ['A car is stranded in flood water near York.', 'Danny Lawson/PA Media'],
      ['Engineers worked through the night to restore supplies.', 'Northern Powergrid'],
    ]);
  });

  it('reads a Published/Updated line (the BST offset kept) and a "(Photo by … / Agency)" caption', () => {
    const a = get('newspaper');
    expect(a).toMatchObject({ byline: 'Ann Lee', publishedAt: '2024-03-07T00:00:00.000Z', modifiedAt: '2024-03-08T14:20:00.000+01:00', dateSource: 'published-line' });
    expect(Date.parse(a.modifiedAt!)).toBe(Date.parse('2024-03-08T13:20:00Z'));
    expect(a.images).toEqual([{ caption: 'Cyclists ride along a temporary lane on Main Street.', credit: 'Sam Roe/Getty Images', afterParagraph: 0, url: null }]);
    expect(paragraphsOf(a)).toHaveLength(2);
  });

  it('reads a "Posted on … by …" line and an "Image credit:" caption', () => {
    const a = get('blog-posted');
    expect(a).toMatchObject({ publishedAt: '2023-05-12T00:00:00.000Z', dateSource: 'published-line' });
    expect(a.lead).toMatch(/^The library opened in 1902/);
    expect(a.images[0]).toMatchObject({ caption: 'Volunteers shelve books before reopening.', credit: 'Town Library Archive' });
  });

  it('dates a page that states nothing else by its latest caption date, never by the prose', () => {
    expect(get('caption-only')).toMatchObject({ publishedAt: '2023-09-23T00:00:00.000Z', dateSource: 'caption' });
  });

  it('leaves a dateline with no year and no other stated date undated rather than guessing from the prose', () => {
    expect(get('dateline-only')).toMatchObject({ dateline: { place: 'BRUSSELS' }, publishedAt: null, dateSource: null });
  });
});

describe('each date source', () => {
  it('reads a date on the byline line', () => {
    const { draft } = parseArticleText(page('Headline', 'By Jo Bloggs | Thursday 7 March 2024', 'The story, which mentions June 1, 2030.'));
    expect(draft).toMatchObject({ byline: 'Jo Bloggs', publishedAt: '2024-03-07T00:00:00.000Z', dateSource: 'byline' });
  });

  it('prefers a Published line to a byline date, and a byline date to a dateline or captions', () => {
    const { draft } = parseArticleText(
      page('Headline', 'By Jo Bloggs, 6 March 2024', 'Published: 5 March 2024', 'LONDON, March 7 (Reuters) - Text.', 'A photo, March 1, 2024. /AP'),
    );
    expect(draft).toMatchObject({ publishedAt: '2024-03-05T00:00:00.000Z', dateSource: 'published-line' });
    const second = parseArticleText(page('Headline', 'By Jo Bloggs, 6 March 2024', 'LONDON, March 7 (Reuters) - Text.', 'A photo, March 1, 2024. /AP')).draft;
    expect(second).toMatchObject({ publishedAt: '2024-03-06T00:00:00.000Z', dateSource: 'byline' });
  });

  it('uses an Updated line alone as the date when the page states nothing else', () => {
    const { draft } = parseArticleText(page('Headline', 'Last updated: 12 May 2023, 14:20 BST', 'Story text.'));
    expect(draft).toMatchObject({ publishedAt: '2023-05-12T14:20:00.000+01:00', modifiedAt: '2023-05-12T14:20:00.000+01:00', dateSource: 'updated-line' });
  });

  it('never takes a date from the prose: deadlines, history and birth dates leave a page undated', () => {
    const { draft } = parseArticleText(
      page('Profile: the chancellor', 'He was born on 20 February 1951 in Giffnock.', 'The deadline is 15 July 2006.', 'The first match was played on 27 March 1871.'),
    );
    expect(draft).toMatchObject({ publishedAt: null, dateSource: null, modifiedAt: null });
    expect(draft!.paragraphs).toHaveLength(3);
  });

  it('keeps prose that starts with a label word as a paragraph', () => {
    const { draft } = parseArticleText(page('Headline', 'Updated figures released on 3 May 2004 showed that sales rose sharply across the whole of the country last year.'));
    expect(draft!.paragraphs).toHaveLength(1);
    expect(draft!.publishedAt).toBeNull();
  });

  it('puts a dateline in the year nearest the reference date', () => {
    expect(datelineDate('BEIJING, Jan. 2 (Xinhua) --', '2022-12-30T00:00:00.000Z')).toBe('2023-01-02T00:00:00.000Z');
    expect(datelineDate('BEIJING, Dec. 30 (Xinhua) --', '2023-01-02T00:00:00.000Z')).toBe('2022-12-30T00:00:00.000Z');
    expect(datelineDate('BEIJING, Dec. 30 (Xinhua) --', null)).toBeNull();
  });

  it('parses metadata dates: ISO days and times (no offset is UTC), stated offsets kept, natural forms; nonsense is null', () => {
    expect(parseMetadataDate('2021-08-09')).toBe('2021-08-09T00:00:00.000Z');
    expect(parseMetadataDate('2021-02-30')).toBeNull();
    expect(parseMetadataDate('2022-06-13 08:15:00')).toBe('2022-06-13T08:15:00.000Z');
    expect(parseMetadataDate('2024-03-04T10:32:00+03:00')).toBe('2024-03-04T10:32:00.000+03:00');
    expect(parseMetadataDate('2024-03-04T10:32:00-0530')).toBe('2024-03-04T10:32:00.000-05:30');
    expect(parseMetadataDate('2024-03-04T10:32:00+00:00')).toBe('2024-03-04T10:32:00.000Z');
    expect(parseMetadataDate('Mon, 04 Mar 2024 10:32:00 GMT')).toBe('2024-03-04T10:32:00.000Z');
    expect(parseMetadataDate('Jan. 13, 2023 at 4:05 p.m. ET')).toBe('2023-01-13T16:05:00.000-05:00');
    expect(parseMetadataDate(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(parseMetadataDate('not a date')).toBeNull();
  });
});

describe('caption credit forms', () => {
  it.each([
    ['Police stand guard. REUTERS/Thomas Mukoya', 'Police stand guard.', 'REUTERS/Thomas Mukoya'],
    ['Police stand guard. Tony Karumba/AFP via Getty Images', 'Police stand guard.', 'Tony Karumba/AFP via Getty Images'],
    ['Police stand guard. Photo: Simon Maina / AFP', 'Police stand guard.', 'Simon Maina/AFP'],
    ['Police stand guard (Photo by Simon Maina / AFP)', 'Police stand guard', 'Simon Maina/AFP'],
    ['Police stand guard. Credit: Getty Images', 'Police stand guard.', 'Getty Images'],
    ['Photo: Police stand guard. /AFP', 'Police stand guard.', 'AFP'],
  ])('%s', (line, caption, credit) => {
    expect(splitCaption(line)).toEqual({ caption, credit });
  });

  it('leaves prose with slashes and colons alone', () => {
    for (const line of ['He said the Israel/Gaza talks would go on.', 'The ratio was 3 / 4 of the total', 'Credit: where it is due', 'Critics said: the plan fails.']) expect(splitCaption(line)).toBeNull();
  });
});

bbcSkipReason();
describe.skipIf(!HAVE_BBC)('the BBC corpus', () => {
  it('has no guessed dates at all: its stories state none', async () => {
    const bbc = await loadArticles(BBC_DIR);
    expect(bbc.articles.length).toBe(2095);
    expect(bbc.articles.filter((a) => a.publishedAt !== null || a.dateSource !== null)).toEqual([]);
  });
});
