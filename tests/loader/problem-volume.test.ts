/** Problems are listed per file up to a bound, then counted: memory and logs stay small, counts stay true. */
import { describe, expect, it } from 'vitest';
import { Corpus } from '../../src/corpus/index.js';
import { report } from '../../src/cli/check-data.js';
import { countProblems, loadArticles, logProblems, PROBLEMS_LISTED_PER_FILE } from '../../src/loader/index.js';
import { parseNdjson } from '../../src/loader/formats/json.js';
import { DEFAULT_CHROME } from '../../src/loader/normalise/chrome.js';
import { turnsDuring } from '../helpers/event-loop.js';
import { tempDataDir } from '../helpers/paths.js';

const good = (n: number) => JSON.stringify({ title: `Headline ${n}`, text: `Body of story ${n}.` });

describe('problem volume', () => {
  it('lists the first problems of a file of 500,000 bad NDJSON lines and counts the rest', async () => {
    const lines = [good(1), ...Array.from({ length: 500_000 }, () => '{bad'), good(2)];
    const dir = tempDataDir({ 'feed.ndjson': lines.join('\n'), 'other.ndjson': `{oops\n${good(3)}\n` });
    const r = await loadArticles(dir);
    expect(r.articles).toHaveLength(3);
    const feed = r.problems.filter((p) => p.path === 'feed.ndjson');
    expect(feed).toHaveLength(PROBLEMS_LISTED_PER_FILE + 1);
    expect(feed.slice(0, PROBLEMS_LISTED_PER_FILE).map((p) => p.line)).toEqual(Array.from({ length: PROBLEMS_LISTED_PER_FILE }, (_, i) => i + 2));
    expect(feed.at(-1)).toMatchObject({ line: null, kind: 'parse-error', reason: '499990 more problem(s) in this file not listed (parse-error 499990)' });
    expect(r.problems.filter((p) => p.path === 'other.ndjson')).toEqual([{ path: 'other.ndjson', line: 1, kind: 'parse-error', reason: expect.stringMatching(/^invalid JSON/) }]);
    expect(r.stats.problems).toBe(500_001);
    expect(countProblems(r.problems)).toEqual({ total: 500_001, byKind: { 'parse-error': 500_001 } });
    expect(new Corpus(r).problemReport).toMatchObject({ total: 500_001 });
    expect(report(dir, r).problemsByKind).toEqual({ 'parse-error': 500_001 });

    const logged: string[] = [];
    logProblems({ warn: (_o, msg) => logged.push(msg) }, r.problems);
    expect(logged).toHaveLength(PROBLEMS_LISTED_PER_FILE + 2);
  });

  it('bounds duplicates and warnings per file the same way', async () => {
    const same = JSON.stringify({ title: 'Same headline', text: 'Same body.' });
    const dir = tempDataDir({ 'copies.ndjson': Array.from({ length: 50 }, () => same).join('\n') });
    const r = await loadArticles(dir);
    expect(r.articles).toHaveLength(1);
    expect(r.problems).toHaveLength(PROBLEMS_LISTED_PER_FILE + 1);
    expect(r.problems.at(-1)).toMatchObject({ kind: 'duplicate', omitted: { duplicate: 49 - PROBLEMS_LISTED_PER_FILE } });
    expect(countProblems(r.problems).total).toBe(49);
  });

  it('logs at most a set number of problem lines per load, then a count', () => {
    const problems = Array.from({ length: 30 }, (_, i) => ({ path: `f${i}.txt`, line: null, kind: 'empty' as const, reason: 'file is empty' }));
    const logged: string[] = [];
    logProblems({ warn: (_o, msg) => logged.push(msg) }, problems, 20);
    expect(logged).toHaveLength(21);
    expect(logged.at(-1)).toBe('and 10 more problem(s) not logged (npm run check-data lists them all)');
  });

  it('refuses lines that cannot be article objects without parsing them, and gives the event loop turns on a long file', async () => {
    const source = [good(1), '{x', 'x', '[1]', '42', good(2), ...Array.from({ length: 20_000 }, () => '{bad}')].join('\n');
    const { result: r, turns } = await turnsDuring(() => parseNdjson(source, { chrome: DEFAULT_CHROME }));
    expect(turns).toBeGreaterThan(5);
    expect(r.entries.filter((e) => 'draft' in e)).toHaveLength(2);
    expect(r.entries.slice(1, 5)).toEqual(
      [2, 3, 4, 5].map((line) => ({ problem: { kind: 'parse-error', reason: 'invalid JSON: expected an article object ({...} on one line)', line } })),
    );
    expect(r.omitted).toEqual({ 'parse-error': 20_004 - PROBLEMS_LISTED_PER_FILE });
  });
});
