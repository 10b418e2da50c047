/**
 * A reload with a ParseCache parses only files whose bytes or folder defaults changed, and gives
 * exactly what a full load of the same folder gives.
 */
import { paragraphsOf } from '../../src/articles/record.js';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles, ParseCache, type LoadResult } from '../../src/loader/index.js';
import { BBC_DIR, FIXTURES, HAVE_BBC, bbcSkipReason } from '../helpers/paths.js';
import { rng } from '../search/bbc-corpus.js';

/** What a load serves and reports, without timings. */
const served = (r: LoadResult) => ({
  articles: r.articles,
  problems: [...r.problems].sort((a, b) => `${a.path}:${a.line}:${a.kind}`.localeCompare(`${b.path}:${b.line}:${b.kind}`)),
  languagesDetected: r.stats.languagesDetected,
  chrome: r.stats.chromeLinesRemoved,
  duplicateLines: r.stats.duplicateLinesRemoved,
});

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'news-api-cache-'));
  cpSync(path.join(FIXTURES, 'corpus'), dir, { recursive: true });
  cpSync(path.join(FIXTURES, 'formats'), path.join(dir, 'formats'), { recursive: true });
  writeFileSync(path.join(dir, 'formats/bad.ndjson'), '{"title":"One good line","text":"A body."}\n{not json\n');
  return dir;
}

describe('ParseCache', () => {
  it('reuses unchanged files and gives what a full load gives, through edits, additions, deletions and new folder defaults', async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      const first = await loadArticles(dir, { cache });
      expect(first.stats.filesReused).toBe(0);
      expect(served(first)).toEqual(served(await loadArticles(dir)));

      const again = await loadArticles(dir, { cache });
      expect(again.stats.filesReused).toBe(first.stats.filesRead);
      expect(served(again)).toEqual(served(first));

      writeFileSync(path.join(dir, 'business/oil-prices-climb.txt'), 'Oil prices fall back\n\nCrude fell 3% on Monday as supply worries eased.\n');
      writeFileSync(path.join(dir, 'sport/second-leg.txt'), 'Second leg ends level\n\nThe tie goes to extra time next week.\n');
      unlinkSync(path.join(dir, 'politics/budget-talks.txt'));
      const edited = await loadArticles(dir, { cache });
      expect(edited.stats.filesReused).toBe(edited.stats.filesRead - 2);
      expect(served(edited)).toEqual(served(await loadArticles(dir)));
      expect(edited.articles.some((a) => a.title === 'Oil prices fall back')).toBe(true);
      expect(edited.articles.some((a) => a.origin.path === 'politics/budget-talks.txt')).toBe(false);

      // New folder defaults change what every file below them says: those files are parsed again.
      writeFileSync(path.join(dir, 'business/_source.json'), JSON.stringify({ source: { id: 'desk', name: 'Business Desk' } }));
      const defaults = await loadArticles(dir, { cache });
      expect(defaults.stats.filesReused).toBe(defaults.stats.filesRead - 3);
      expect(served(defaults)).toEqual(served(await loadArticles(dir)));
      // The file with no publisher line of its own takes the folder's source.
      expect(defaults.articles.find((a) => a.origin.path === 'business/shell-payoff.txt')?.source?.id).toBe('desk');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('told which paths changed, reads only those, and equals a full load through a seeded history', async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      await loadArticles(dir, { cache });
      const random = rng(7);
      const bodies = ['Harbour talks resume\n\nDock workers met officials on Monday.\n', 'Rail fares rise again\n\nCommuters face higher fares from March.\n', 'Oil prices fall back\n\nCrude fell 3% on Monday as supply worries eased.\n', 'Second leg ends level\n\nThe tie goes to extra time next week.\n'];
      const files = (): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.txt') && statSync(path.join(dir, f)).isFile());
      // per step that named a new folder: whether the load took the named-change path (delta)
      const folderSteps: boolean[] = [];
      for (let step = 0; step < 12; step++) {
        const named: Array<{ path: string; folder?: boolean }> = [];
        for (let k = 0; k < 3; k++) {
          const roll = random();
          const existing = files();
          if (roll < 0.3 && existing.length > 3) {
            const victim = existing[Math.floor(random() * existing.length)]!;
            unlinkSync(path.join(dir, victim));
            named.push({ path: victim });
          } else if (roll < 0.6) {
            const target = existing[Math.floor(random() * existing.length)]!;
            writeFileSync(path.join(dir, target), bodies[Math.floor(random() * bodies.length)]!.replace('Monday', `Monday (step ${step})`));
            named.push({ path: target });
          } else if (roll < 0.85) {
            const added = `sport/added-${step}-${k}.txt`;
            writeFileSync(path.join(dir, added), bodies[Math.floor(random() * bodies.length)]!);
            named.push({ path: added });
          } else {
            // a new folder: the watcher names the folder, and the folder is walked again
            mkdirSync(path.join(dir, `desk-${step}`), { recursive: true });
            writeFileSync(path.join(dir, `desk-${step}/note-${k}.txt`), bodies[k % bodies.length]!);
            named.push({ path: `desk-${step}`, folder: true });
          }
        }
        const updated = await loadArticles(dir, { cache, changedPaths: named });
        expect(served(updated), `step ${step}`).toEqual(served(await loadArticles(dir)));
        if (named.some((n) => n.folder)) folderSteps.push(updated.delta !== undefined);
        expect(updated.stats.filesRead - updated.stats.filesUnread!).toBeLessThanOrEqual(3 + 3);
      }
      expect(folderSteps, 'a new folder of articles standing alone is taken as named changes').toContain(true);
      // A file no change named is trusted unread: what the watcher did not say is not seen...
      writeFileSync(path.join(dir, 'sport/second-leg.txt'), 'Unseen headline\n\nNot named by any change.\n');
      const trusted = await loadArticles(dir, { cache, changedPaths: [] });
      expect(trusted.stats.filesUnread).toBe(trusted.stats.filesRead);
      expect(trusted.articles.some((a) => a.title === 'Unseen headline')).toBe(false);
      // ...until a load without names stats every file and reads those whose size or time moved.
      const statted = await loadArticles(dir, { cache });
      expect(statted.articles.some((a) => a.title === 'Unseen headline')).toBe(true);
      expect(served(statted)).toEqual(served(await loadArticles(dir)));
      expect(statted.stats.filesUnread).toBe(statted.stats.filesRead - 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new folder the watcher names is listed alone when it holds article files only; otherwise the folder is walked again', async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      await loadArticles(dir, { cache });
      // a scraper's folder of the day: new, unique articles only
      mkdirSync(path.join(dir, 'day-2026-11-26'));
      writeFileSync(path.join(dir, 'day-2026-11-26/lighthouse.txt'), 'Lighthouse keeper retires\n\nAfter forty years the keeper hands over the lamp.\n');
      writeFileSync(path.join(dir, 'day-2026-11-26/ferry.txt'), 'Ferry timetable changes\n\nThe winter timetable starts on Sunday with fewer crossings.\n');
      const alone = await loadArticles(dir, { cache, changedPaths: [{ path: 'day-2026-11-26', folder: true }] });
      expect(alone.delta, 'taken as named changes').toBeDefined();
      expect(alone.stats.filesRead - alone.stats.filesUnread!).toBe(2);
      expect(served(alone)).toEqual(served(await loadArticles(dir)));
      // a new folder with folder defaults (or a folder below it) changes what a walk says: walked again
      mkdirSync(path.join(dir, 'wire'));
      writeFileSync(path.join(dir, 'wire/_source.json'), JSON.stringify({ source: { id: 'wire', name: 'Wire' } }));
      writeFileSync(path.join(dir, 'wire/storm.txt'), 'Storm closes the port\n\nGales kept every boat in harbour on Tuesday.\n');
      const withDefaults = await loadArticles(dir, { cache, changedPaths: [{ path: 'wire', folder: true }] });
      expect(withDefaults.delta).toBeUndefined();
      expect(served(withDefaults)).toEqual(served(await loadArticles(dir)));
      expect(withDefaults.articles.find((a) => a.title === 'Storm closes the port')?.source?.id).toBe('wire');
      // a file replaced by a folder of the same name: the file's article goes
      writeFileSync(path.join(dir, 'briefs.txt'), 'Morning briefs\n\nThree short items from the quay.\n');
      await loadArticles(dir, { cache, changedPaths: [{ path: 'briefs.txt' }] });
      rmSync(path.join(dir, 'briefs.txt'));
      mkdirSync(path.join(dir, 'briefs.txt'));
      writeFileSync(path.join(dir, 'briefs.txt/tide.txt'), 'Tide tables published\n\nThe harbour master issued next month\'s tables.\n');
      const replaced = await loadArticles(dir, { cache, changedPaths: [{ path: 'briefs.txt', folder: true }] });
      expect(replaced.articles.some((a) => a.title === 'Morning briefs')).toBe(false);
      expect(served(replaced)).toEqual(served(await loadArticles(dir)));
      mkdirSync(path.join(dir, 'nested/inner'), { recursive: true });
      writeFileSync(path.join(dir, 'nested/inner/quay.txt'), 'Quay repairs finish early\n\nThe east quay reopens a week ahead of plan.\n');
      const nested = await loadArticles(dir, { cache, changedPaths: [{ path: 'nested', folder: true }] });
      expect(nested.delta).toBeUndefined();
      expect(served(nested)).toEqual(served(await loadArticles(dir)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without named paths, a touched file is read and confirmed by its hash; a same-size edit with a new time is parsed again', async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      const first = await loadArticles(dir, { cache });
      const file = path.join(dir, 'business/oil-prices-climb.txt');
      const later = new Date(Date.now() + 60_000);
      utimesSync(file, later, later);
      const touched = await loadArticles(dir, { cache });
      expect(touched.stats.filesReused).toBe(touched.stats.filesRead);
      expect(touched.stats.filesUnread).toBe(touched.stats.filesRead - 1);
      expect(served(touched)).toEqual(served(first));
      const before = statSync(file).size;
      writeFileSync(file, 'X'.repeat(20) + '\n\n' + 'y'.repeat(before - 23) + '\n');
      expect(statSync(file).size).toBe(before);
      const evenLater = new Date(Date.now() + 120_000);
      utimesSync(file, evenLater, evenLater);
      const edited = await loadArticles(dir, { cache });
      expect(edited.stats.filesReused).toBe(edited.stats.filesRead - 1);
      expect(served(edited)).toEqual(served(await loadArticles(dir)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the validated record of an unchanged article (the same object), and validates again only what changed', async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      const first = await loadArticles(dir, { cache });
      writeFileSync(path.join(dir, 'sport/added.txt'), 'A new match report\n\nThe home side won 2-0.\n');
      const next = await loadArticles(dir, { cache, changedPaths: [{ path: 'sport/added.txt' }] });
      const before = new Map(first.articles.map((a) => [a.id, a]));
      const kept = next.articles.filter((a) => before.get(a.id) === a);
      expect(kept.length).toBe(first.articles.length);
      expect(next.articles.length).toBe(first.articles.length + 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps a view of each served record instead of its parse's draft, and a load re-validating from the views (a clash, a new link) equals a full load", async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      const first = await loadArticles(dir, { cache });
      const entries = [...cache.files.values()].flatMap((o) => o.entries);
      const servedEntries = entries.filter((e) => e.finished?.article);
      expect(servedEntries.length).toBe(first.articles.length);
      for (const e of servedEntries) {
        const record = e.finished!.article!;
        // a view: the record's texts and arrays, its own id before clashes, related links unresolved
        expect(e.article.origin).toBe(record.origin);
        expect(paragraphsOf(e.article)).toEqual(paragraphsOf(record));
        expect(e.article).toEqual({ ...record, id: e.id, related: record.related.map((r) => ({ ...r, id: null })) });
      }
      const [someId] = first.articles.map((a) => a.origin.path).filter((p) => p.startsWith('sport/') && p.endsWith('.txt'));
      writeFileSync(path.join(dir, someId!.replace(/\.txt$/u, '.md')), '# A clash\n\nThe same id as another file.\n');
      writeFileSync(path.join(dir, 'politics/links.txt'), `A linking report\n\nIt links back.\n\nRelated: ${first.articles[0]!.title}\n`);
      const next = await loadArticles(dir, { cache });
      expect(served(next)).toEqual(served(await loadArticles(dir)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a named change alone when it touches no other article, else runs every cross-file step, and equals a full load either way (seeded)', async () => {
    const dir = folder();
    try {
      const cache = new ParseCache();
      let previous = await loadArticles(dir, { cache });
      const random = rng(11);
      const headlineOf = (rel: string): string => readFileSync(path.join(dir, rel), 'utf8').split('\n')[0]!;
      const files = (): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.txt') && statSync(path.join(dir, f)).isFile());
      const counts = { alone: 0, full: 0 };
      for (let step = 0; step < 40; step++) {
        const existing = files();
        const pick = () => existing[Math.floor(random() * existing.length)]!;
        const token = `zq${step}x${Math.floor(random() * 1e6)}`;
        const unique = `Harbour ${token} report\n\nThe ${token} harbour report was filed on March 3, 2022.\n`;
        const roll = random();
        let rel: string;
        if (roll < 0.25) {
          rel = `sport/new-${step}.txt`; // a new article of its own
          writeFileSync(path.join(dir, rel), unique);
        } else if (roll < 0.4) {
          rel = pick(); // an edit to text of its own
          writeFileSync(path.join(dir, rel), unique);
        } else if (roll < 0.5 && existing.length > 4) {
          rel = pick();
          unlinkSync(path.join(dir, rel));
        } else if (roll < 0.6) {
          rel = `business/copy-${step}.txt`; // a duplicate of another file
          writeFileSync(path.join(dir, rel), readFileSync(path.join(dir, pick())));
        } else if (roll < 0.7) {
          rel = `politics/links-${step}.txt`; // links to another article's headline
          writeFileSync(path.join(dir, rel), `${unique}\nRelated: ${headlineOf(pick())}\n`);
        } else if (roll < 0.8) {
          // a headline another article links to, then that article's target: the link resolves anew
          const target = `Dock ${token} strike`;
          writeFileSync(path.join(dir, `sport/linker-${step}.txt`), `${unique}\nRelated: ${target}\n`);
          const first = await loadArticles(dir, { cache, changedPaths: [{ path: `sport/linker-${step}.txt` }] });
          expect(served(first)).toEqual(served(await loadArticles(dir)));
          previous = first;
          rel = `business/target-${step}.txt`;
          writeFileSync(path.join(dir, rel), `${target}\n\nDock ${token} workers stopped on Monday.\n`);
        } else if (roll < 0.9) {
          rel = pick().replace(/\.txt$/u, '.md'); // the same id as another path (sport/x.txt and sport/x.md)
          writeFileSync(path.join(dir, rel), `# Clash ${token}\n\nA body of ${token}.\n`);
        } else {
          rel = `formats/bad-${step}.ndjson`; // problems of its own beside an article
          writeFileSync(path.join(dir, rel), `{"title":"Line ${token}","text":"A body ${token}."}\n{not json\n`);
        }
        const next = await loadArticles(dir, { cache, changedPaths: [{ path: rel }] });
        const full = await loadArticles(dir);
        expect(served(next), `step ${step}`).toEqual(served(full));
        const { filesRead, filesIgnored, articles, problems, byFormat, byLanguage } = next.stats;
        expect({ filesRead, filesIgnored, articles, problems, byFormat, byLanguage }, `step ${step}`).toEqual({
          filesRead: full.stats.filesRead,
          filesIgnored: full.stats.filesIgnored,
          articles: full.stats.articles,
          problems: full.stats.problems,
          byFormat: full.stats.byFormat,
          byLanguage: full.stats.byLanguage,
        });
        if (next.delta) {
          counts.alone++;
          // What the delta says is exactly the difference from the load it names.
          expect(next.delta.since).toBe(previous.token);
          const removed = new Set(next.delta.removed);
          const expected = previous.articles.filter((a) => !removed.has(a.id)).concat(next.delta.added).sort((a, b) => (a.id < b.id ? -1 : 1));
          expect(next.articles).toEqual(expected);
          for (const a of next.articles) if (!next.delta.added.includes(a)) expect(previous.articles).toContain(a);
        } else counts.full++;
        previous = next;
      }
      // Both ways were taken (the seed draws stand-alone changes and ones that touch others), and related links resolved.
      console.log(`named changes taken alone ${counts.alone}, with every cross-file step ${counts.full}`);
      expect(previous.articles.some((a) => a.related.some((r) => r.id !== null && r.id.includes('target')))).toBe(true);
      expect(counts.alone).toBeGreaterThan(5);
      expect(counts.full).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!HAVE_BBC)(`reloads the BBC corpus from the cache exactly as a full load ${HAVE_BBC ? '' : `(skipped: ${bbcSkipReason()})`}`, async () => {
    const cache = new ParseCache();
    const full = await loadArticles(BBC_DIR, { cache });
    const started = performance.now();
    const cached = await loadArticles(BBC_DIR, { cache });
    const ms = performance.now() - started;
    expect(cached.stats.filesReused).toBe(2095);
    expect(served(cached)).toEqual(served(full));
    console.log(`BBC: full load ${full.stats.durationMs} ms, reload from the parse cache ${Math.round(ms)} ms`);
  });
});
