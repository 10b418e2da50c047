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
