/**
 * The loader on outlets and exports it was not written for (session 9): 18 fixture files of our
 * own in tests/fixtures/unseen, each in the shape a real CMS, export or scraper produces — AMP,
 * JSON-LD @graph only, microdata, OpenGraph only, Next.js page data, WordPress (page and REST
 * API), a live blog, French, German and Arabic pages, a page thick with chrome, Arc XP ANS, a
 * newsroom export with its own key names, Hugo front matter, a scraper's Markdown, and two more
 * outlets' scraped text. Each is loaded through the real loader and checked field by field; the
 * rules these needed are written for the family (see README "Input formats").
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paragraphsOf } from '../../src/articles/record.js';
import { parseArticleText } from '../../src/loader/formats/text.js';
import { loadArticles } from '../../src/loader/index.js';
import { splitCaption } from '../../src/loader/normalise/body.js';
import { articleGetter, checkFixtures, type ExpectedArticle } from './unseen-checks.js';
import { FIXTURES, tempDataDir } from '../helpers/paths.js';

// Later rounds' fixtures sit in round2/ (session 10) and round3/ (session 11), checked by unseen-round2/3.test.ts.
const all = await loadArticles(path.join(FIXTURES, 'unseen'));
const laterRound = (p: string) => /^round\d+\//u.test(p);
const r = { articles: all.articles.filter((a) => !laterRound(a.origin.path)), problems: all.problems.filter((p) => !laterRound(p.path)) };
const get = articleGetter(r.articles);

/** Interface words, menus, banners and footers that must never reach a paragraph. */
const CHROME =
  /cookie|Accept All|Sign up|Sign me up|newsletter|Subscribe|unlimited access|Share on|Facebook|Twitter|WhatsApp|Copy link|Skip to|All rights reserved|Tous droits|Copyright|©|Most Read|READ MORE|Related:|Read later|Menu|^Home$|^News$|^Sport$|Impressum|الحقوق/iu;

const EXPECTED: ExpectedArticle[] = [
  {
    id: 'amp-harbour',
    fields: {
      title: 'Harbour wall repairs to start after winter storms',
      source: { id: 'coastline-gazette', name: 'Coastline Gazette' },
      byline: 'Megan Trelawny',
      publishedAt: '2024-02-12T07:30:00.000Z',
      modifiedAt: '2024-02-12T11:05:00.000Z',
      dateSource: 'metadata',
      language: 'en',
      url: 'https://coastline-gazette.example/news/harbour-wall-repairs-to-start',
      cover: { caption: 'Waves break over the damaged harbour wall in January', credit: 'Tom Pengelly', url: 'https://coastline-gazette.example/img/harbour-wall-1200.jpg' },
      images: [],
    },
    paragraphs: 5,
    first: 'Work to repair a section of the harbour wall battered by three storms this winter will begin next month, the district council has confirmed.',
    last: 'Councillor Ruth Amory, who chairs the committee, said the work was expected to take about five months and boats would be moved to temporary moorings while it was carried out.',
  },
  {
    id: 'jsonld-graph-only',
    fields: {
      title: 'Rail operator to restore night trains between two capitals',
      source: { id: 'the-continental-post', name: 'The Continental Post' },
      byline: 'Lena Hofstetter and Pieter van Dam',
      publishedAt: '2024-05-21T06:00:00.000+02:00',
      modifiedAt: '2024-05-21T09:40:00.000+02:00',
      dateSource: 'metadata',
      category: 'travel',
      tags: ['rail', 'night trains', 'travel'],
      language: 'en',
      url: 'https://continental-post.example/travel/night-trains-return',
      cover: { caption: 'A sleeper coach waits at a platform before its overnight run', credit: 'Anja Keller/Continental Post', url: 'https://continental-post.example/media/sleeper-coach.jpg' },
    },
    paragraphs: 5,
    first: 'A sleeper service linking two European capitals will run again from December, eight years after the route was cut for lack of passengers.',
    last: 'Passenger groups welcomed the news but warned that the route would only succeed if tickets could be booked through a single website in both countries.',
  },
  {
    id: 'microdata-council',
    fields: {
      title: 'Councillors back bypass plan despite objections from farmers',
      source: { id: 'valley-courier', name: 'Valley Courier' },
      byline: 'Gareth Powell',
      publishedAt: '2023-10-09T16:45:00.000+01:00',
      dateSource: 'metadata',
      language: 'en',
      url: 'https://valley-courier.example/news/2023/10/09/bypass-vote',
      cover: { caption: 'The proposed route would cross farmland to the east of the town', credit: 'Valley Courier', url: 'https://valley-courier.example/photos/bypass-route.jpg' },
    },
    paragraphs: 5,
    first: 'Plans for a bypass around the town moved a step closer on Monday when councillors voted to send the scheme to a public inquiry.',
    last: 'If the inquiry approves the plan, construction could begin in 2026 and take about two years.',
  },
  {
    id: 'og-twitter-only',
    fields: {
      title: 'Heatwave warning issued as temperatures set to pass 35C',
      source: { id: 'metro-daily', name: 'Metro Daily' },
      byline: 'Priya Chandran',
      publishedAt: '2024-07-18T05:12:00.000Z',
      dateSource: 'metadata',
      category: 'weather',
      tags: ['Heatwave', 'Health'],
      language: 'en',
      url: 'https://metro-daily.example/weather/heatwave-warning-issued',
      cover: { caption: null, credit: null, url: 'https://metro-daily.example/images/heat-park.jpg' },
    },
    paragraphs: 5,
    first: 'An amber heat health warning has been issued for much of the country, with temperatures expected to pass 35C in some places by Saturday afternoon.',
    last: 'The hot weather is expected to break on Monday, when thunderstorms are forecast to move in from the west.',
  },
  {
    id: 'nextjs-election',
    fields: {
      title: 'Turnout falls in regional elections as voters stay home',
      byline: 'Ingrid Solheim and Tomas Berg',
      publishedAt: '2024-04-15T21:30:00.000Z',
      modifiedAt: '2024-04-16T08:05:00.000Z',
      dateSource: 'metadata',
      category: 'politics',
      tags: ['Elections', 'Local government'],
      language: 'en',
      cover: { caption: 'Election officials wait for voters at a polling station in the north', credit: 'Kari Lund/Northern Ledger', url: 'https://cdn.northern-ledger.example/img/polling-station.jpg' },
      images: [{ caption: 'Volunteers count ballots in a school hall on Sunday night', credit: 'Kari Lund/Northern Ledger', afterParagraph: 3, url: 'https://cdn.northern-ledger.example/img/count.jpg' }],
      related: [{ title: 'What the regional councils actually decide', id: null, url: '/politics/what-regional-councils-decide' }],
    },
    paragraphs: 6,
    first: "Turnout in Sunday's regional elections fell to its lowest level in two decades, with fewer than half of registered voters casting a ballot.",
    last: 'A review of the voting calendar is expected to be published before the summer.',
  },
  {
    id: 'wordpress-bakery',
    fields: {
      title: 'Family bakery marks 100 years on the same corner',
      source: { id: 'riverside-chronicle', name: 'Riverside Chronicle' },
      byline: 'Dana Whitfield',
      publishedAt: '2024-03-08T14:20:11.000Z',
      modifiedAt: '2024-03-09T09:02:45.000Z',
      dateSource: 'metadata',
      category: 'business',
      tags: ['bakery', 'Elm Street'],
      language: 'en',
      url: 'https://riverside-chronicle.example/2024/03/08/family-bakery-100-years/',
      cover: { caption: 'Third-generation owner Rosa Marchetti outside the shop on Elm Street.', credit: 'Luis Ortega/Riverside Chronicle', url: 'https://riverside-chronicle.example/wp-content/uploads/2024/03/bakery-front-1024x683.jpg' },
      images: [
        {
          caption: 'The shop front in the 1950s, when the bakery added a second oven.',
          credit: 'Courtesy of the Marchetti family',
          afterParagraph: 2,
          url: 'https://riverside-chronicle.example/wp-content/uploads/2024/03/bakery-1950s-1024x768.jpg',
        },
      ],
      related: [
        { title: 'Elm Street shop owners fear rent rises after sale of block', id: null, url: 'https://riverside-chronicle.example/2023/11/02/elm-street-shops-rent/' },
        { title: 'Downtown footfall rises for the first time since 2019', id: null, url: 'https://riverside-chronicle.example/2024/01/15/downtown-footfall-rises/' },
        { title: 'City opens second round of small business grants', id: null, url: 'https://riverside-chronicle.example/2023/09/21/small-business-grants/' },
      ],
    },
    paragraphs: 5,
    first: 'When Giuseppe Marchetti opened a bakery on the corner of Elm Street and Second Avenue in 1924, he sold three kinds of bread and closed at noon.',
    last: '“My father said we would close the day people stopped queuing on a Saturday,” she said. “They never stopped.”',
  },
  {
    id: 'liveblog-budget',
    fields: {
      title: 'Budget 2024 live: Chancellor sets out spending plans',
      source: { id: 'the-daily-record-online', name: 'The Daily Record Online' },
      byline: 'Helen Ashworth',
      publishedAt: '2024-03-06T08:00:00.000Z',
      modifiedAt: '2024-03-06T13:47:00.000Z',
      dateSource: 'metadata',
      language: 'en',
    },
    // Its key points (outside the entries) first, as the page shows them, then the entries.
    paragraphs: 13,
    first: 'Key points',
    last: 'Good morning and welcome to our live coverage of the budget, which the Chancellor will deliver in the House of Commons at around half past twelve.',
  },
  {
    id: 'fr-greve-transports',
    fields: {
      title: 'Grève dans les transports : la circulation des trains fortement perturbée jeudi',
      source: { id: 'le-courrier-du-midi', name: 'Le Courrier du Midi' },
      byline: 'Claire Dumoulin',
      publishedAt: '2024-03-06T18:42:00.000Z',
      modifiedAt: '2024-03-07T07:10:00.000Z',
      dateSource: 'published-line',
      language: 'fr',
      related: [{ title: 'Le prix des billets de train augmentera en avril', id: null, url: 'https://courrier-du-midi.example/economie/article/2024/02/20/prix-billets-train' }],
    },
    // The standfirst under the headline is the lead, as the page prints it.
    paragraphs: 6,
    first: 'Seul un train régional sur trois devrait circuler, selon la direction.',
    last: "Les voyageurs sont invités à reporter leurs déplacements ou à consulter l'application de la compagnie avant de se rendre en gare.",
  },
  {
    id: 'de-stadtwerke',
    fields: {
      title: 'Stadtwerke erhöhen Fernwärmepreise zum 1. April',
      source: { id: 'rheinische-abendzeitung', name: 'Rheinische Abendzeitung' },
      byline: 'Jonas Brenner',
      // "Stand: 12.03.2024 15:30 Uhr" is when the page was last updated: 12 March, read as German.
      publishedAt: '2024-03-12T15:30:00.000Z',
      dateSource: 'updated-line',
      language: 'de',
    },
    paragraphs: 4,
    first: 'Die Stadtwerke erhöhen zum 1. April die Preise für Fernwärme. Ein durchschnittlicher Haushalt muss nach Angaben des Unternehmens mit rund 14 Euro mehr im Monat rechnen.',
    last: 'Der Stadtrat will sich in seiner nächsten Sitzung mit dem Thema befassen. Mehrere Fraktionen fordern eine unabhängige Prüfung der Kalkulation.',
  },
  {
    id: 'ar-water-prices',
    fields: {
      title: 'الحكومة تعلن خطة لخفض أسعار المياه في الصيف',
      source: { id: expect.stringMatching(/^source-[0-9a-f]{10}$/u) as unknown as string, name: 'صحيفة الخليج اليوم' },
      byline: 'سارة المنصوري',
      publishedAt: '2024-06-02T10:15:00.000+03:00',
      dateSource: 'metadata',
      category: 'محليات',
      language: 'ar',
    },
    paragraphs: 4,
    first: 'أعلنت الحكومة يوم الأحد خطة لخفض أسعار المياه للأسر خلال أشهر الصيف، في خطوة تهدف إلى تخفيف العبء عن ذوي الدخل المحدود.',
    last: 'ورحب عدد من أعضاء المجلس البلدي بالقرار، لكنهم طالبوا بخطة طويلة الأمد لتحديث شبكات المياه القديمة في الأحياء السكنية.',
  },
  {
    id: 'chrome-heavy-airport',
    fields: {
      title: 'Airport expansion approved after five-year planning battle',
      source: { id: 'eastern-evening-star', name: 'Eastern Evening Star' },
      byline: 'Owen Gallagher',
      publishedAt: '2024-09-05T17:02:00.000+01:00',
      dateSource: 'metadata',
      language: 'en',
      related: [
        { title: 'Residents near airport report more night-time noise', id: null, url: 'https://eastern-evening-star.example/news/airport-noise-survey-11876' },
        { title: 'Runway lights fault caused evening delays', id: null, url: 'https://eastern-evening-star.example/news/runway-lights-fault-11990' },
      ],
    },
    paragraphs: 5,
    first: 'Plans to expand the town\'s airport have been approved by the government, ending a five-year planning battle that divided the community.',
    last: 'Work on the new terminal is expected to begin next spring and to be finished before the end of 2028.',
  },
  {
    id: 'wp-rest-post',
    fields: {
      title: 'Ferry timetable cut for rest of winter after engine fault',
      byline: 'Peter Lindqvist',
      // date_gmt, not `date` (the site's local time, with no offset).
      publishedAt: '2024-02-27T08:30:00.000Z',
      modifiedAt: '2024-02-27T11:15:00.000Z',
      dateSource: 'metadata',
      category: 'transport',
      tags: ['Ferry', 'North shore'],
      url: 'https://lakeside-herald.example/2024/02/27/ferry-timetable-cut-winter/',
      cover: { caption: 'The ferry crosses the lake in calmer weather last autumn', credit: null, url: 'https://lakeside-herald.example/wp-content/uploads/2024/02/ferry-lake.jpg' },
      images: [{ caption: 'The second ferry tied up at the north pier on Monday.', credit: 'Marta Novak', afterParagraph: 1, url: 'https://lakeside-herald.example/wp-content/uploads/2024/02/ferry-dock.jpg' }],
    },
    paragraphs: 4,
    first: 'The lake ferry will run a reduced timetable until the end of March after an engine fault took one of the two boats out of service, the operator said on Tuesday.',
    last: 'The operator apologised for the disruption and said a replacement bus would run between the two piers at peak times from next week.',
  },
  {
    id: 'arc-ans-story',
    fields: {
      title: 'Old textile mill to reopen as 120 flats and a market hall',
      byline: 'Natalie Osei',
      publishedAt: '2024-05-14T05:00:00.000Z',
      modifiedAt: '2024-05-14T10:22:31.000Z',
      dateSource: 'metadata',
      category: 'business',
      tags: ['housing', 'regeneration'],
      language: 'en',
      url: '/business/2024/05/14/mill-reopens-as-housing/',
      cover: { caption: 'The mill has stood empty since the last looms stopped in 1998', credit: 'Sam Hurst', url: 'https://cloudfront.example/gazette/mill-exterior.jpg' },
      images: [{ caption: 'Inside the weaving shed, where the market hall will be', credit: 'Sam Hurst', afterParagraph: 3, url: 'https://cloudfront.example/gazette/mill-interior.jpg' }],
    },
    paragraphs: 6,
    first: 'An old textile mill that has stood empty for a quarter of a century is to be turned into 120 flats and a covered market hall, after councillors approved the plans on Monday.',
    last: 'Work is expected to start in the autumn, and the first residents could move in by the summer of 2026.',
  },
  {
    id: 'newsroom-export-1',
    fields: {
      title: 'Hospital car park charges scrapped for night-shift staff',
      source: { id: 'midland-evening-post', name: 'Midland Evening Post' },
      byline: 'Amelia Franks',
      publishedAt: '2024-01-30T18:05:00.000Z',
      dateSource: 'metadata',
      category: 'health',
      language: 'en',
      images: [{ caption: 'The multi-storey car park at the General Hospital', credit: 'Midland Evening Post', afterParagraph: 3, url: 'https://midland-evening-post.example/photos/car-park.jpg' }],
    },
    paragraphs: 6,
    first: "Night-shift staff at the city's two main hospitals will no longer have to pay to park, the health trust announced on Tuesday.",
    last: 'The new rules will come into force from the first of March.',
  },
  {
    id: 'hugo-festival',
    fields: {
      title: 'Folk festival returns to the quay with record line-up',
      source: { id: 'harbour-times', name: 'Harbour Times' },
      byline: 'Fiona MacLeod and Callum Reid',
      publishedAt: '2024-06-20T08:00:00.000+01:00',
      modifiedAt: '2024-06-21T10:30:00.000+01:00',
      dateSource: 'metadata',
      category: 'culture',
      tags: ['music', 'festivals', 'harbour'],
      language: 'en',
      cover: { caption: null, credit: null, url: '/images/2024/06/quay-stage.jpg' },
      images: [{ caption: "Crowds on the quay at last year's festival", credit: 'Iain Gunn', afterParagraph: 1, url: '/images/2024/06/quay-crowd.jpg' }],
    },
    paragraphs: 6,
    first: "The town's folk festival returns to the quay next weekend with its biggest line-up yet, organisers said on Thursday.",
    last: 'Local businesses said the weekend was one of the busiest of the year, and several cafes will stay open until midnight.',
  },
  {
    id: 'scraped-nav',
    fields: {
      title: 'Mountain rescue team called out a record 212 times last year',
      byline: 'Rhys Morgan',
      publishedAt: '2024-01-08T00:00:00.000Z',
      dateSource: 'byline',
      language: 'en',
      images: [{ caption: 'Volunteers carry a stretcher down from the summit path in November.', credit: 'Hillside Mountain Rescue', afterParagraph: -1, url: 'https://hillside-times.example/img/rescue-stretcher.jpg' }],
      related: [
        { title: 'Walkers warned after rise in winter callouts', id: null, url: 'https://hillside-times.example/news/walkers-warned-winter' },
        { title: 'Rescue team opens new base near the reservoir', id: null, url: 'https://hillside-times.example/news/rescue-base-opens' },
      ],
    },
    paragraphs: 4,
    first: 'The volunteer mountain rescue team was called out 212 times last year, more than in any year since it was founded in 1968.',
    last: 'The team is asking visitors to plan their routes before setting out and to carry a fully charged phone.',
  },
  {
    id: 'ap-style-wildfire',
    fields: {
      title: 'Wildfire forces evacuation of hillside villages in southern Portugal',
      source: null,
      byline: 'Ana Ribeiro and Mark Delaney',
      dateline: { place: 'LISBON, Portugal', text: 'LISBON, Portugal (AP) —' },
      publishedAt: '2024-08-09T16:05:00.000Z',
      dateSource: 'updated-line',
      language: 'en',
      credits: ['Delaney reported from Madrid.'],
      images: [{ caption: 'Firefighters work to put out a fire near a village in the Algarve region, Portugal, Friday, Aug. 9, 2024.', credit: 'AP Photo/Jose Costa', afterParagraph: 1, url: null }],
      related: [
        { title: "Europe's summer of fires: what is driving the blazes", id: null, url: null },
        { title: 'Heat warnings issued across southern Spain and Portugal', id: null, url: null },
      ],
    },
    paragraphs: 4,
    first: 'Firefighters battled a wildfire in the hills of southern Portugal on Friday as strong winds pushed the flames toward several villages, forcing hundreds of people to leave their homes.',
    last: 'Temperatures in the region have been above 40 degrees Celsius (104 degrees Fahrenheit) for most of the week, and authorities had warned of a very high risk of fire.',
  },
  {
    id: 'indian-daily-metro',
    fields: {
      title: "Metro rail's second phase to open first stretch by December",
      source: { id: 'the-southern-chronicle', name: 'The Southern Chronicle' },
      byline: 'Express News Service',
      dateline: { place: 'CHENNAI', text: 'CHENNAI:' },
      publishedAt: '2024-03-05T21:15:00.000+05:30',
      modifiedAt: '2024-03-05T22:32:00.000+05:30',
      dateSource: 'published-line',
      language: 'en',
      images: [{ caption: 'Workers at a metro rail construction site on the western corridor on Tuesday.', credit: 'R. Ravindran', afterParagraph: 1, url: null }],
      related: [
        { title: 'Metro parking charges to be revised from April', id: null, url: null },
        { title: 'Feeder bus services planned for new metro stations', id: null, url: null },
      ],
    },
    paragraphs: 5,
    first: "The first stretch of the second phase of the city's metro rail network will open to passengers by December, officials said on Tuesday.",
    last: 'The remaining sections of the second phase are expected to open in stages until 2027.',
  },
];

describe('pages and exports of outlets the loader was not written for', () => {
  checkFixtures(r, EXPECTED, CHROME);

  it("keeps a live blog's key points, outside the entries, above them as the page shows them", () => {
    expect(paragraphsOf(get('liveblog-budget')).slice(0, 4)).toEqual(['Key points', 'Income tax thresholds stay frozen until 2028', 'Fuel duty held for another year', 'Extra money for hospital waiting lists']);
  });

  it('names the source of a story whose metadata names no site from what it does state: the <title> after the headline, ANS canonical_website, the host', () => {
    expect(get('nextjs-election').source).toEqual({ id: 'northern-ledger', name: 'Northern Ledger' });
    expect(get('arc-ans-story').source).toEqual({ id: 'gazette', name: 'gazette' });
    expect(get('wp-rest-post').source).toEqual({ id: 'lakeside-herald-example', name: 'lakeside-herald.example' });
  });

  it('keeps each live-blog entry time with the entry it stamps, newest first as the page orders them', () => {
    const p = paragraphsOf(get('liveblog-budget'));
    expect(p.filter((x) => /^\d\d:\d\d /u.test(x))).toEqual([
      '13:47 Chancellor sits down',
      '13:12 Fuel duty frozen again',
      '12:35 Statement begins',
      '10:05 Business groups have called for more help with energy bills, warning that small firms are still paying far more than before the pandemic.',
      '08:00 Welcome to our live coverage',
    ]);
  });

  it('keeps subheadings of block bodies as paragraphs in their place (ANS header, export subhead, Next.js heading)', () => {
    expect(paragraphsOf(get('arc-ans-story'))[2]).toBe('Market hall on the ground floor');
    expect(paragraphsOf(get('newsroom-export-1'))[2]).toBe('Spaces set aside');
    expect(paragraphsOf(get('nextjs-election'))[2]).toBe('Governing party holds on');
    // ANS inline markup is text; its raw_html embed (a newsletter box) is not story.
    expect(paragraphsOf(get('arc-ans-story'))[1]).toContain('since 2009.');
  });
});

describe('bad or odd files of these families: the file and the reason, never a crash', () => {
  it('reports a WordPress post with an empty title.rendered as no-title, an ANS story with no text as no-body, and keeps the good one', async () => {
    const dir = tempDataDir({
      'wp-empty-title.json': JSON.stringify({ title: { rendered: '' }, content: { rendered: '<p>Some text of a story.</p>' } }),
      'ans-no-text.json': JSON.stringify({ headlines: { basic: 'A headline with nothing under it' }, content_elements: [{ type: 'raw_html', content: '<div>embed</div>' }] }),
      'blocks-good.json': JSON.stringify({ headline: 'Council agrees budget', body: [{ type: 'paragraph', text: 'The council agreed its budget on Monday after a long debate.' }] }),
    });
    const loaded = await loadArticles(dir);
    expect(loaded.articles.map((a) => a.id)).toEqual(['blocks-good']);
    expect(loaded.problems.map((p) => [p.path, p.kind])).toEqual([
      ['ans-no-text.json', 'no-body'],
      ['wp-empty-title.json', 'no-title'],
    ]);
  });

  it('reads a page whose __NEXT_DATA__ or JSON-LD is broken from its HTML, naming the broken block', async () => {
    const body = '<p>' + 'The council met on Monday and agreed the budget after a long debate about schools and roads. '.repeat(3) + '</p>';
    const more = '<p>' + 'Councillors said the new budget would protect libraries and bus routes for another year. '.repeat(3) + '</p>';
    const dir = tempDataDir({
      'broken-data.html': `<!doctype html><html><head><title>x</title><script type="application/ld+json">{"@type": "NewsArticle", </script></head><body><article><h1>Council agrees budget</h1>${body}${more}</article><script id="__NEXT_DATA__" type="application/json">{"props": </script></body></html>`,
      'empty.html': '   \n',
    });
    const loaded = await loadArticles(dir);
    expect(loaded.articles.map((a) => [a.id, a.title, paragraphsOf(a).length])).toEqual([['broken-data', 'Council agrees budget', 2]]);
    expect(loaded.problems.map((p) => [p.path, p.kind])).toEqual([
      ['broken-data.html', 'bad-field'],
      ['empty.html', 'empty'],
    ]);
    expect(loaded.problems[0]!.reason).toMatch(/JSON-LD block ignored/u);
  });
});

/** One text page through the text parser (headline first), its draft. */
function textDraft(...lines: string[]) {
  const { draft } = parseArticleText(lines.join('\n\n'));
  if (!draft) throw new Error('no draft');
  return draft;
}
const PROSE = 'The council met on Monday and agreed the budget after a long debate about schools and roads.';

describe('the family rules on forms other outlets print (and prose they must leave alone)', () => {
  it('reads caption credits in agency, bar, courtesy and label forms; leaves prose with brackets and slashes alone', () => {
    expect(splitCaption('Rescuers search the rubble in Antakya, Turkey, Feb. 8, 2023. (EPA Photo/Erdem Sahin)')).toEqual({ caption: 'Rescuers search the rubble in Antakya, Turkey, Feb. 8, 2023.', credit: 'EPA Photo/Erdem Sahin' });
    expect(splitCaption('Voters queue outside a polling booth in Kochi. | Photo Credit: Special Arrangement')).toEqual({ caption: 'Voters queue outside a polling booth in Kochi.', credit: 'Special Arrangement' });
    expect(splitCaption('The first team photograph, taken in 1923. Photo courtesy of the club archive')).toEqual({ caption: 'The first team photograph, taken in 1923.', credit: 'Photo courtesy of the club archive' });
    expect(splitCaption('Ministers met in Brussels (the second meeting this month)')).toBeNull();
    expect(splitCaption('He said the courtesy shown by staff was remarkable.')).toBeNull();
  });

  it('takes a capitals-and-colon dateline (NEW DELHI:) but not a label in capitals (UPDATE:)', () => {
    expect(textDraft('Rail fares to rise', 'NEW DELHI: Rail fares will rise from April, the ministry said on Friday.', PROSE)).toMatchObject({
      dateline: { place: 'NEW DELHI', text: 'NEW DELHI:' },
      paragraphs: ['Rail fares will rise from April, the ministry said on Friday.', PROSE],
    });
    const update = textDraft('Rail fares to rise', 'UPDATE: The ministry has now confirmed the rise.', PROSE);
    expect(update.dateline).toBeNull();
    expect(update.paragraphs[0]).toBe('UPDATE: The ministry has now confirmed the rise.');
  });

  it('reads related labels with a bar, alone in capitals, or in French; a label word in prose is prose', () => {
    expect(textDraft('Rail fares to rise', PROSE, 'Also Read | Metro fares frozen for a year').related).toEqual([{ title: 'Metro fares frozen for a year', url: null }]);
    expect(textDraft('Rail fares to rise', PROSE, 'RELATED COVERAGE', 'Metro fares frozen for a year', 'Bus drivers vote to strike').related.map((x) => x.title)).toEqual([
      'Metro fares frozen for a year',
      'Bus drivers vote to strike',
    ]);
    expect(textDraft('Hausse des tarifs', PROSE, 'Lire aussi : Les tarifs du métro gelés pendant un an').related).toEqual([{ title: 'Les tarifs du métro gelés pendant un an', url: null }]);
    expect(textDraft('Rail fares to rise', 'Related reports show fares rose faster than wages last year.', PROSE).related).toEqual([]);
  });

  it('writes bylines printed in capitals as names; leaves mixed-case names and agency suffixes as before', () => {
    expect(textDraft('Rail fares to rise', 'By JOHN O’NEILL and SARA DE LUCA', PROSE).byline).toBe('John O’Neill and Sara De Luca');
    expect(textDraft('Rail fares to rise', 'By Maria Rossi, AFP', PROSE).byline).toBe('Maria Rossi');
    expect(textDraft('Rail fares to rise', 'By Jo McIntyre', PROSE).byline).toBe('Jo McIntyre');
    expect(textDraft('Rail fares to rise', 'Special Correspondent', PROSE).byline).toBe('Special Correspondent');
  });

  it('drops a site menu above the headline but never a short headline, nor its publisher line', () => {
    expect(textDraft('News', 'Sport', 'Weather', 'Rail fares to rise from April', PROSE)).toMatchObject({ title: 'Rail fares to rise from April', paragraphs: [PROSE] });
    expect(textDraft('Brexit', PROSE)).toMatchObject({ title: 'Brexit', paragraphs: [PROSE] });
    const { draft } = parseArticleText('Floods\nCGTN\n\n' + PROSE);
    expect(draft).toMatchObject({ title: 'Floods', sourceName: 'CGTN', paragraphs: [PROSE] });
    expect(textDraft('Home › News › Transport', 'Rail fares to rise', PROSE).title).toBe('Rail fares to rise');
  });

  it('drops rules and copyright lines, keeps prose about copyright; stamps live entries with their time', () => {
    const d = textDraft('Rail fares to rise', PROSE, '* * *', 'Copyright reform was approved by parliament on Tuesday.', '© 2024 Example Media Ltd', '14:05', 'Fares rise by 4.9%');
    expect(d.paragraphs).toEqual([PROSE, 'Copyright reform was approved by parliament on Tuesday.', '14:05 Fares rise by 4.9%']);
  });

  it('reads date labels in other languages with their own date order; prose starting with "Stand" is prose', () => {
    expect(textDraft('Tarife steigen', 'Stand: 03.04.2024 09:15 Uhr', PROSE)).toMatchObject({ publishedAt: '2024-04-03T09:15:00.000Z', dateSource: 'updated-line' });
    expect(textDraft('Hausse des tarifs', 'Publié le 3 avril 2024 à 09h15', PROSE)).toMatchObject({ publishedAt: '2024-04-03T09:15:00.000Z', dateSource: 'published-line' });
    expect(textDraft('Tarifas', 'Actualizado el 3 de abril de 2024', PROSE)).toMatchObject({ publishedAt: '2024-04-03T00:00:00.000Z', dateSource: 'updated-line' });
    const stand = textDraft('Stadium plan', 'Stand capacity rises to 40,000 in 2026 under the plan.', PROSE);
    expect(stand.publishedAt).toBeNull();
    expect(stand.paragraphs[0]).toBe('Stand capacity rises to 40,000 in 2026 under the plan.');
  });

  it('reads other block-body CMSs: Portable Text spans, a publication date key by its name, an outlet key', async () => {
    const dir = tempDataDir({
      'sanity.json': JSON.stringify({
        title: 'Library opens on Sundays',
        publication_date: '2024-02-01T09:00:00Z',
        outlet: 'Northside Weekly',
        body: [
          { _type: 'block', children: [{ _type: 'span', text: 'The central library will open on Sundays ' }, { _type: 'span', text: 'from next month.' }] },
          { _type: 'image', asset: { url: 'https://cdn.example/library.jpg' }, caption: 'The reading room', credit: 'Northside Weekly' },
          { _type: 'block', children: [{ _type: 'span', text: 'Staff will work the extra day on a voluntary rota.' }] },
        ],
      }),
    });
    const [a] = (await loadArticles(dir)).articles;
    expect(a).toMatchObject({
      title: 'Library opens on Sundays',
      source: { id: 'northside-weekly', name: 'Northside Weekly' },
      publishedAt: '2024-02-01T09:00:00.000Z',
      dateSource: 'metadata',
      images: [{ caption: 'The reading room', credit: 'Northside Weekly', afterParagraph: 0, url: 'https://cdn.example/library.jpg' }],
    });
    expect(paragraphsOf(a!)).toEqual(['The central library will open on Sundays from next month.', 'Staff will work the extra day on a voluntary rota.']);
  });

  it('reads a JSON body as HTML only when it holds story markup: a plain-text body with angle brackets stays as written', async () => {
    const dir = tempDataDir({
      'plain.json': JSON.stringify({ title: 'Ports handle most trade', body: 'Ports & harbours handle <most> of the trade, the minister said.' }),
      'html.json': JSON.stringify({ title: 'Ports handle more trade', body: '<p>Ports &amp; harbours handle <b>more</b> of the trade.</p><p>The minister said so on Tuesday.</p>' }),
    });
    const loaded = await loadArticles(dir);
    expect(loaded.articles.map((a) => paragraphsOf(a))).toEqual([['Ports & harbours handle more of the trade.', 'The minister said so on Tuesday.'], ['Ports & harbours handle <most> of the trade, the minister said.']]);
  });

  it('reads a Jekyll figure include and drops link-only menus, but keeps prose that holds a link', async () => {
    const dir = tempDataDir({
      'jekyll.md': [
        '---',
        'title: Library opens on Sundays',
        'date: 2024-02-01',
        '---',
        '[Home](/) | [News](/news) | [About](/about)',
        'The central library will open on Sundays from next month, [the council said](https://example.org/statement).',
        '{% include figure.html image_path="/assets/library.jpg" caption="The reading room" credit="Jo Bloggs" %}',
        'Staff will work the extra day on a voluntary rota.',
      ].join('\n\n'),
    });
    const [a] = (await loadArticles(dir)).articles;
    expect(paragraphsOf(a!)).toEqual(['The central library will open on Sundays from next month, the council said.', 'Staff will work the extra day on a voluntary rota.']);
    expect(a!.images).toEqual([{ caption: 'The reading room', credit: 'Jo Bloggs', afterParagraph: 0, url: '/assets/library.jpg' }]);
  });
});
