/**
 * SEARCH_BACKEND=postgres ranks a bounded window: a relevance search ranks the newest
 * `rankWindow` matches (SEARCH_RANK_WINDOW in the server; 3 here, so the matches overflow it), and
 * a match larger than the window has an estimated total, said by `totalEstimated`. Date-sorted
 * searches still page through every match. The README's "Search in PostgreSQL" documents this.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchResponse } from '../../src/http/schemas/index.js';
import { okJson } from '../helpers/app.js';
import { memoryBackend, postgresBackend, type Backend } from '../helpers/backends.js';
import { tempDataDir } from '../helpers/paths.js';

// Six dated articles about the harbour, one a month (the headline says "harbour" in three of them),
// and two undated ones.
const ARTICLES: Record<string, string> = {
  'jan.txt': 'Harbour dredging plan approved\n\nPublished: 10 January 2022\n\nThe council approved dredging at the harbour.\n',
  'feb.txt': 'Council budget vote delayed\n\nPublished: 10 February 2022\n\nThe vote on harbour fees was delayed again.\n',
  'mar.txt': 'Ferry timetable changes\n\nPublished: 10 March 2022\n\nFerries will leave the harbour an hour earlier.\n',
  'apr.txt': 'Harbour strike ends\n\nPublished: 10 April 2022\n\nDock workers returned to the harbour on Monday.\n',
  'may.txt': 'Fishing fleet returns\n\nPublished: 10 May 2022\n\nThe fleet sailed into the harbour at dawn.\n',
  'jun.txt': 'Harbour festival draws crowds\n\nPublished: 10 June 2022\n\nThousands visited the harbour festival.\n',
  'undated-a.txt': 'Harbour wall repaired\n\nMasons rebuilt the harbour wall.\n',
  'undated-b.txt': 'Lighthouse keeper retires\n\nHe watched the harbour for forty years.\n',
};
const NEWEST_THREE = ['jun', 'may', 'apr'];

const dir = tempDataDir(ARTICLES);
let pg: Backend;
let mem: Backend;
beforeAll(async () => {
  [pg, mem] = await Promise.all([postgresBackend(dir, {}, { rankWindow: 3 }), memoryBackend(dir)]);
});
afterAll(async () => {
  await Promise.all([pg?.close(), mem?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const search = async (b: Backend, url: string) => {
  const res = await b.app.inject({ method: 'GET', url });
  return okJson(res, SearchResponse);
};
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id);

/** Every page, following `next`. */
async function walk(b: Backend, url: string): Promise<{ ids: string[]; pages: number }> {
  const seen: string[] = [];
  let pages = 0;
  for (let next: string | null = url; next !== null && pages < 20; pages++) {
    const page = await search(b, next);
    seen.push(...ids(page));
    next = page.next;
  }
  return { ids: seen, pages };
}

describe('the ranking window of SEARCH_BACKEND=postgres', () => {
  it('ranks only the newest matches, headline matches first, and says the total is estimated', async () => {
    const page = await search(pg, '/search?q=harbour');
    expect([...ids(page)].sort()).toEqual([...NEWEST_THREE].sort());
    // ranked by score within the window: the two headline matches (jun, apr) above the body match (may)
    expect(ids(page).at(-1)).toBe('may');
    expect(page.items[0]!.score).toBeGreaterThan(page.items[2]!.score);
    expect(page.totalEstimated).toBe(true);
    expect(page.total).toBeGreaterThanOrEqual(3);
    // the memory backend ranks and counts every match
    const reference = await search(mem, '/search?q=harbour');
    expect(reference).toMatchObject({ total: 8, totalEstimated: false });
    expect(ids(reference)).toHaveLength(8);
  });

  it('applies recency to the window: a fresher headline match first, scores halving with age', async () => {
    const page = await search(pg, '/search?q=harbour&recency=30');
    expect([...ids(page)].sort()).toEqual([...NEWEST_THREE].sort());
    // jun and apr both match in the headline; apr is two months older, so jun leads
    expect(ids(page)[0]).toBe('jun');
    const plain = await search(pg, '/search?q=harbour');
    const score = (p: typeof page, id: string) => p.items.find((i) => i.id === id)!.score;
    expect(score(page, 'apr')).toBeLessThan(score(plain, 'apr') / 2);
  });

  it('pages relevance results by cursor through the window, each once, then stops', async () => {
    const { ids: seen } = await walk(pg, '/search?q=harbour&limit=2');
    expect([...seen].sort()).toEqual([...NEWEST_THREE].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('pages a date-sorted search through every match, as the memory backend does, however large the match', async () => {
    for (const [sort, limit] of [
      ['newest', 2],
      ['oldest', 3],
      ['newest', 1],
      ['oldest', 1],
    ] as const) {
      // month by month from the cursor's month, then the undated articles (last in either order)
      const url = `/search?q=harbour&sort=${sort}&limit=${limit}`;
      const first = await search(pg, url);
      expect(first.totalEstimated, url).toBe(true);
      const ours = await walk(pg, url);
      expect(ours.ids, url).toEqual((await walk(mem, url)).ids);
      expect(ours.ids).toHaveLength(8);
      expect(ours.ids.slice(-2)).toEqual(['undated-a', 'undated-b']);
    }
    // offsets count from the start of the order, as in memory
    for (const url of ['/search?q=harbour&sort=newest&limit=2&offset=5', '/search?q=harbour&sort=oldest&limit=3&offset=4']) {
      expect(ids(await search(pg, url)), url).toEqual(ids(await search(mem, url)));
    }
  });

  it('counts a match that fits the window exactly', async () => {
    const page = await search(pg, '/search?q=harbour+title:festival');
    expect(page).toMatchObject({ total: 1, totalEstimated: false });
    expect(ids(page)).toEqual(['jun']);
    const dated = await search(pg, '/search?q=harbour+fees&sort=newest');
    expect(dated).toMatchObject({ total: 1, totalEstimated: false });
  });
});

// Sparse matches over eight years: the window is found in several steps (the first span is at most
// a sixteenth of the archive's months, six here), the last one the rest of the order by a date bound.
describe('a ranking window found in steps over a long archive', () => {
  const months = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
  const files: Record<string, string> = {};
  // 20 tide articles in scattered months of 2015-2022, 20 other articles filling the months between
  for (let i = 0; i < 40; i++) {
    const year = 2015 + Math.floor((i * 7) / 40);
    const month = months[(i * 5) % 12]!;
    const tide = i % 2 === 0;
    files[`a${String(i).padStart(2, '0')}.txt`] =
      `${tide && i % 4 === 0 ? 'Tide tables printed' : `Council notes ${i}`}\n\nPublished: ${1 + (i % 27)} ${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][Number(month) - 1]} ${year}\n\n${tide ? 'The tide came in early' : 'Nothing about the sea'} on day ${i}.\n`;
  }
  files['undated-tide.txt'] = 'Tide gauge fixed\n\nThe tide gauge works again.\n';
  const longDir = tempDataDir(files);
  let small: Backend;
  let large: Backend;
  let memory: Backend;
  beforeAll(async () => {
    [small, large, memory] = await Promise.all([postgresBackend(longDir, {}, { rankWindow: 7 }), postgresBackend(longDir, {}, { rankWindow: 30 }), memoryBackend(longDir)]);
  });
  afterAll(async () => {
    await Promise.all([small?.close(), large?.close(), memory?.close()]);
    rmSync(longDir, { recursive: true, force: true });
  });

  it('ranks exactly the newest matches, as a newest-first search orders them', async () => {
    const newest = (await walk(memory, '/search?q=tide&sort=newest&limit=50')).ids;
    expect(newest).toHaveLength(21);
    const page = await search(small, '/search?q=tide&limit=50');
    expect([...ids(page)].sort()).toEqual(newest.slice(0, 7).sort());
    expect(page.totalEstimated).toBe(true);
    // scored best first, ties by id
    const scores = page.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // cursor pages walk the same window, each article once
    const walked = await walk(small, '/search?q=tide&limit=3');
    expect(walked.ids).toEqual(ids(page));
  });

  it('holds every match, undated last in date order, when the window is larger than the match', async () => {
    const all = await search(large, '/search?q=tide&limit=50');
    expect(all).toMatchObject({ total: 21, totalEstimated: false });
    expect([...ids(all)].sort()).toEqual((await walk(memory, '/search?q=tide&sort=newest&limit=50')).ids.sort());
    // date-sorted pages step through the months the same way
    for (const url of ['/search?q=tide&sort=newest&limit=4', '/search?q=tide&sort=oldest&limit=5']) expect((await walk(small, url)).ids, url).toEqual((await walk(memory, url)).ids);
  });
});
