import { paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../src/loader/index.js';
import { BBC_DIR, HAVE_BBC, bbcSkipReason } from '../helpers/paths.js';

bbcSkipReason();

describe.skipIf(!HAVE_BBC)('the BBC corpus (../shared/corpora/bbc-news)', async () => {
  const r = HAVE_BBC ? await loadArticles(BBC_DIR) : null;

  it('loads 2,095 articles with zero problems', () => {
    expect(r!.problems).toEqual([]);
    expect(r!.articles).toHaveLength(2095);
  });

  it('gives each its headline as title (not repeated as a paragraph), its folder as category, a body and no source', async () => {
    const { readFile } = await import('node:fs/promises');
    const categories = new Set(['business', 'entertainment', 'politics', 'sport', 'tech']);
    for (const a of r!.articles) {
      expect(categories.has(a.category!)).toBe(true);
      expect(paragraphsOf(a).length).toBeGreaterThan(0);
      expect(a.source).toBeNull();
      expect(paragraphsOf(a)[0]).not.toBe(a.title);
    }
    for (const a of r!.articles.filter((_, i) => i % 97 === 0)) {
      const text = await readFile(`${BBC_DIR}/${a.origin.path}`, 'utf8');
      expect(a.title).toBe(text.split('\n')[0]!.trim());
    }
  });

  it('has unique ids', () => {
    expect(new Set(r!.articles.map((a) => a.id)).size).toBe(2095);
  });
});
