/**
 * A reload with a ParseCache parses only files whose bytes or folder defaults changed, and gives
 * exactly what a full load of the same folder gives.
 */
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArticles, ParseCache, type LoadResult } from '../../src/loader/index.js';
import { BBC_DIR, FIXTURES, HAVE_BBC, bbcSkipReason } from '../helpers/paths.js';

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
