/** The checks both rounds of unseen-outlet fixtures run on each file (unseen.test.ts, unseen-round2.test.ts). */
import { expect, it } from 'vitest';
import { paragraphsOf } from '../../src/articles/record.js';
import type { Article } from '../../src/articles/schema.js';

export interface ExpectedArticle {
  id: string;
  fields: Partial<Article>;
  paragraphs: number;
  first: string;
  last: string;
}

/** The loaded article of that id; a missing one fails naming the ids that did load. */
export function articleGetter(articles: readonly Article[]): (id: string) => Article {
  return (id) => {
    const a = articles.find((x) => x.id === id);
    if (!a) throw new Error(`no article ${id}; loaded ${articles.map((x) => x.id).join(', ')}`);
    return a;
  };
}

/**
 * Every file loads with no problem and gives exactly the expected articles; each matches its
 * fields, has its number of paragraphs, its first and last exact, and no paragraph of chrome.
 */
export function checkFixtures(loaded: { articles: readonly Article[]; problems: readonly unknown[] }, expected: readonly ExpectedArticle[], chrome: RegExp): void {
  const get = articleGetter(loaded.articles);
  it('loads every fixture file, with no problems', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.articles.map((a) => a.id).sort()).toEqual(expected.map((e) => e.id).sort());
  });
  for (const e of expected) {
    it(`${e.id}: metadata, dates and where they came from, images, related`, () => {
      expect(get(e.id)).toMatchObject(e.fields);
    });
    it(`${e.id}: ${e.paragraphs} paragraphs of story, first and last exact, no chrome`, () => {
      const paragraphs = paragraphsOf(get(e.id));
      expect(paragraphs).toHaveLength(e.paragraphs);
      expect(paragraphs[0]).toBe(e.first);
      expect(paragraphs.at(-1)).toBe(e.last);
      for (const p of paragraphs) expect(p, `${e.id}: ${p}`).not.toMatch(chrome);
    });
  }
}
