import { paragraphsOf } from '../../src/articles/record.js';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirError, loadArticles } from '../../src/loader/index.js';
import { FIXTURES, tempDataDir } from '../helpers/paths.js';

const good = 'A good headline\n\nA paragraph of the story.\n';
const story = (n: number | string) => `Headline ${n}\n\nParagraph of story ${n}.\n`;

describe('loading a data directory', () => {
  it('loads fixture pages of other agencies with their structure', async () => {
    const r = await loadArticles(path.join(FIXTURES, 'pages'));
    expect(r.problems).toEqual([]);
    const kenya = r.articles.find((a) => a.id === 'reuters-style')!;
    expect(kenya.source).toEqual({ id: 'reuters', name: 'Reuters' });
    expect(kenya.byline).toBe('Jane Doe and John Smith');
    expect(kenya.dateline?.place).toBe('NAIROBI');
    expect(paragraphsOf(kenya)[0]).toMatch(/^Kenya's central bank held/);
    expect(kenya.images).toEqual([{ caption: 'Traders sort coffee beans at a market in Nairobi, Kenya, February 28, 2022.', credit: 'Getty Images', afterParagraph: 1, url: null }]);
    expect(kenya.related.map((x) => x.title)).toEqual(["Kenya's shilling slides to record low", 'East African markets brace for higher fuel prices']);
    expect(kenya.credits).toEqual(['Reporting by Jane Doe', 'Editing by John Smith']);
    // The dateline's March 3, in the year of the nearest stated date (the caption's), not the prose's "1 March 2022".
    expect(kenya).toMatchObject({ publishedAt: '2022-03-03T00:00:00.000Z', dateSource: 'dateline' });
    const win = r.articles.find((a) => a.id === 'windows-bom')!;
    expect(win.title).toBe('Ministers meet on budget');
    expect(paragraphsOf(win)[0]).toBe('The cabinet met on Monday to discuss the budget. “It was a long day,” one minister said.');
    expect(win.related).toEqual([{ title: 'Budget talks stall', id: null, url: null }]);
    expect(win.attribution).toBe('With input from Xinhua');
    // "Talks resume on 12 May 2023." is prose: the page states no date.
    expect(win).toMatchObject({ publishedAt: null, dateSource: null });
    expect(r.stats.chromeLinesRemoved).toBe(6);
  });

  it('reports each bad file with path and reason and still loads the good ones', async () => {
    const dir = tempDataDir({
      'good.txt': good,
      'empty.txt': '',
      'blank.txt': '  \n\n \n',
      'binary.txt': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]),
      'latin1.txt': Buffer.from('Caf\xe9 headline\n\nBody in Latin-1 \xe9.\n', 'latin1'),
      'no-body.txt': 'Only a headline here\n',
      'chrome-only.txt': 'Download\nShare\n',
      'locked.txt': good,
      'notes.csv': 'not an article',
    });
    chmodSync(path.join(dir, 'locked.txt'), 0o000);
    const r = await loadArticles(dir);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p]));
    expect(r.articles.map((a) => a.id)).toContain('good');
    expect(byPath['empty.txt']?.kind).toBe('empty');
    expect(byPath['blank.txt']?.kind).toBe('empty');
    expect(byPath['binary.txt']?.kind).toBe('binary');
    expect(byPath['latin1.txt']).toMatchObject({ kind: 'not-utf8' });
    expect(byPath['latin1.txt']!.reason).toMatch(/offset 3/);
    expect(byPath['no-body.txt']?.kind).toBe('no-body');
    expect(byPath['chrome-only.txt']?.kind).toBe('no-title');
    if (process.getuid?.() !== 0) expect(byPath['locked.txt']?.kind).toBe('unreadable');
    expect(r.stats.filesIgnored).toBe(1);
    expect(r.stats.problems).toBe(r.problems.length);
  });

  it('reports too-large files without reading them', async () => {
    const dir = tempDataDir({ 'big.txt': `Headline\n\n${'word '.repeat(5000)}\n`, 'ok.txt': good });
    const r = await loadArticles(dir, { maxFileBytes: 1000 });
    expect(r.problems).toEqual([{ path: 'big.txt', line: null, kind: 'too-large', reason: expect.stringMatching(/limit is 1000/) }]);
    expect(r.articles).toHaveLength(1);
  });

  it('survives a symlink loop and reports it', async () => {
    const dir = tempDataDir({ 'a/one.txt': good });
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'a', 'loop'));
    const r = await loadArticles(dir);
    expect(r.articles.map((a) => a.id)).toEqual(['a-one']);
    expect(r.problems.some((p) => /symlink loop/.test(p.reason))).toBe(true);
  });

  it('takes the category from the first folder and skips READMEs and hidden files', async () => {
    const dir = tempDataDir({ 'sport/x/deep.txt': good, 'top.txt': story('top'), 'README.md': '# docs', '.hidden.txt': story('hidden'), 'LICENSE': 'MIT' });
    const r = await loadArticles(dir);
    expect(r.articles.map((a) => [a.id, a.category])).toEqual([
      ['sport-x-deep', 'sport'],
      ['top', null],
    ]);
  });

  it('gives stable, unique, URL-safe ids whatever the order files are read in', async () => {
    const files = { 'A b.txt': story(1), 'a-b.txt': story(2), 'Ünïcode Title!.txt': story(3), 'x/y.txt': story(4), 'x-y.txt': story(5) };
    const one = await loadArticles(tempDataDir(files));
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const two = await loadArticles(tempDataDir(reversed), { concurrency: 1 });
    const ids = one.articles.map((a) => `${a.origin.path}=${a.id}`).sort();
    expect(two.articles.map((a) => `${a.origin.path}=${a.id}`).sort()).toEqual(ids);
    const plain = one.articles.map((a) => a.id);
    expect(new Set(plain).size).toBe(plain.length);
    for (const id of plain) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(plain).toContain('unicode-title');
  });

  it('resolves related headlines to loaded articles by title', async () => {
    const dir = tempDataDir({
      'main.txt': 'Main story\n\nThe body.\n\nRead more:\n\nThe other story\n\nA missing story\n',
      'other.txt': 'The other story\n\nIts body.\n',
    });
    const r = await loadArticles(dir);
    expect(r.articles.find((a) => a.id === 'main')!.related).toEqual([
      { title: 'The other story', id: 'other', url: null },
      { title: 'A missing story', id: null, url: null },
    ]);
  });

  it('throws DataDirError naming a missing directory', async () => {
    await expect(loadArticles('/nonexistent/news-data')).rejects.toThrow(DataDirError);
    await expect(loadArticles('/nonexistent/news-data')).rejects.toThrow('/nonexistent/news-data: does not exist');
    const dir = tempDataDir({ 'f.txt': good });
    await expect(loadArticles(path.join(dir, 'f.txt'))).rejects.toThrow('is not a directory');
    mkdirSync(path.join(dir, 'empty'));
    expect((await loadArticles(path.join(dir, 'empty'))).articles).toEqual([]);
  });
});

describe('pages of other agencies (fixtures of our own)', async () => {
  const r = await loadArticles(path.join(FIXTURES, 'pages'));
  const get = (id: string) => r.articles.find((a) => a.id === id)!;

  it('never leaves chrome, credits, related headlines or captions in paragraphs', () => {
    for (const a of r.articles) {
      for (const p of paragraphsOf(a)) {
        expect(p).not.toMatch(/ \/(AP|AFP|Xinhua|Reuters|VCG|CFP|Getty Images)$/);
        expect(p).not.toMatch(/^(Read more|Related|Also read)\b/);
        expect(p).not.toMatch(/^(Download|Share this article|Copy link|Search Trends|Advertisement)$/);
        for (const rel of a.related) expect(p).not.toBe(rel.title);
      }
    }
  });

  it('reads a Xinhua page: -- dateline, duplicate caption once, second agency, Related list, edited-by attribution', () => {
    const a = get('xinhua-style');
    expect(a.source?.name).toBe('Xinhua');
    expect(a.dateline).toEqual({ place: 'BEIJING', text: 'BEIJING, Jan. 13 (Xinhua) --' });
    expect(paragraphsOf(a)[0]).toMatch(/^China's exports rose 9\.9 percent/);
    expect(a.images.map((i) => [i.credit, i.afterParagraph])).toEqual([
      ['Xinhua', 0],
      ['VCG', 1],
    ]);
    expect(a.related.map((x) => x.title)).toEqual(["China's economy grows 3 percent in 2022", "What's behind the export rebound?"]);
    expect(a.attribution).toBe('Edited by Li Wei');
    expect(a).toMatchObject({ publishedAt: '2023-01-13T00:00:00.000Z', dateSource: 'dateline' });
  });

  it('reads an AFP page: byline with agency, smart quotes kept, inline and block related lists, credits, cover with a two-word agency', () => {
    const a = get('afp-style');
    expect(a.title).toBe('Floods displace thousands in northern Italy');
    expect(a.source).toBeNull();
    expect(a.byline).toBe('Maria Rossi');
    expect(paragraphsOf(a)[1]).toBe('“We have never seen anything like this,” said the mayor of one town.');
    expect(a.related.map((x) => x.title)).toEqual(['Europe braces for wetter summers', 'Italy declares state of emergency', 'Climate scientists warn of more extreme rain']);
    expect(a.credits).toEqual(['Additional reporting by Paolo Bianchi', 'Editing by Anna Neri']);
    expect(a.attribution).toBe('With input from Reuters and AP');
    expect(a.cover).toEqual({ caption: 'A man walks through a flooded street in Cesena, Italy, May 17, 2023.', credit: 'Getty Images', url: null });
    // No dateline, Published line or dated byline: the captions' latest date, not the prose's 18 May.
    expect(a).toMatchObject({ publishedAt: '2023-05-17T00:00:00.000Z', dateSource: 'caption' });
    expect(paragraphsOf(a)).toHaveLength(4);
  });
});

describe('blocking reads at start-up', () => {
  it('load the same records and problems as asynchronous reads', async () => {
    const dir = tempDataDir({
      'good.txt': good,
      'empty.txt': '',
      'binary.txt': Buffer.from([0, 1, 2]),
      'big.txt': `Big headline\n\n${'word '.repeat(400)}\n`,
      'feed.ndjson': '{"title":"A","text":"B."}\n{bad\n',
    });
    const strip = (r: Awaited<ReturnType<typeof loadArticles>>) => ({ ...r, stats: { ...r.stats, durationMs: 0, phases: undefined, longestBlockMs: undefined } });
    const sync = await loadArticles(dir, { syncRead: true, maxFileBytes: 1000 });
    const async = await loadArticles(dir, { maxFileBytes: 1000 });
    expect(strip(sync)).toEqual(strip(async));
    expect(sync.problems.map((p) => p.kind).sort()).toEqual(['binary', 'empty', 'parse-error', 'too-large']);
  });
});
