import { paragraphsOf, toJson } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import { Article, ArticleRecord } from '../../src/articles/schema.js';
import { loadArticles } from '../../src/loader/index.js';
import { DATA_DIR, SEED_ID } from '../helpers/paths.js';

describe('the seed article (data/)', async () => {
  const result = await loadArticles(DATA_DIR);
  const a = result.articles[0]!;

  it('loads one article and no problem', () => {
    expect(result.problems).toEqual([]);
    expect(result.articles).toHaveLength(1);
    expect(ArticleRecord.safeParse(a).success).toBe(true);
    expect(Article.safeParse(toJson(a)).success).toBe(true);
    expect(Object.isFrozen(a) && Object.isFrozen(a.images) && Object.isFrozen(a.images[0])).toBe(true);
  });

  it('has its title, source, id and slug', () => {
    expect(a.title).toBe('U.S.: it is up to Afghans to defend country as Taliban advance');
    expect(a.source).toEqual({ id: 'cgtn', name: 'CGTN' });
    expect(a.id).toBe(SEED_ID);
    expect(a.id).toMatch(/^[a-z0-9-]+$/);
    expect(a.slug).toBe('u-s-it-is-up-to-afghans-to-defend-country-as-taliban-advance');
    expect(a.category).toBeNull();
  });

  it('has 10 paragraphs, none with chrome, credits or list items', () => {
    expect(paragraphsOf(a)).toHaveLength(10);
    expect(paragraphsOf(a)[0]).toMatch(/^Though admitting the security situation/);
    expect(paragraphsOf(a)[9]).toMatch(/^Given the deteriorating security situation/);
    expect(a.lead).toBe(paragraphsOf(a)[0]);
    for (const p of paragraphsOf(a)) {
      for (const bad of ['Download', 'Search Trends', 'Read more', 'With input from agencies', ' /AP', ' /Xinhua', 'Chart of the Day']) expect(p).not.toContain(bad);
      expect(p).toBe(p.trim());
      expect(p).toBe(p.normalize('NFC'));
      expect(p).not.toMatch(/\u00A0/);
    }
  });

  it('has 2 images with credits, each caption once, after the right paragraphs', () => {
    expect(a.images.map((i) => i.credit)).toEqual(['AP', 'Xinhua']);
    expect(a.images[0]!.caption).toMatch(/^Pentagon spokesman John Kirby speaks during a briefing/);
    expect(a.images[0]!.caption).not.toContain('/AP');
    expect(a.images[0]!.afterParagraph).toBe(2);
    expect(a.images[1]!.afterParagraph).toBe(5);
  });

  it('has the cover, related headlines and attribution', () => {
    expect(a.cover?.credit).toBe('Xinhua');
    expect(a.cover?.caption).toMatch(/^An Afghan special force member/);
    expect(a.related.map((r) => r.title)).toEqual([
      'Graphics: What you should know about U.S. troop withdrawals from Afghanistan',
      'Chart of the Day: U.S. changing Afghanistan policy',
      'Chinese envoy calls for efforts to carry forward Afghan peace process',
    ]);
    expect(a.related.every((r) => r.id === null)).toBe(true);
    expect(a.attribution).toBe('With input from agencies');
  });

  it('has the date from its captions (it states no other) and derived fields', () => {
    expect(a.publishedAt).toBe('2021-08-09T00:00:00.000Z');
    expect(a.dateSource).toBe('caption');
    expect(a.modifiedAt).toBeNull();
    expect(a.wordCount).toBeGreaterThan(300);
    expect(a.wordCount).toBeLessThan(350);
    expect(a.readingTimeMinutes).toBe(1);
    expect(a.language).toBe('en');
    expect(a.origin).toMatchObject({ path: 'cgtn-2021-08-09-us-afghans-defend-country-taliban-advance.txt', format: 'txt', line: null });
    expect(a.origin.sha256).toMatch(/^[a-f0-9]{64}$/);
  });
});
