/** How a record holds its paragraphs (src/articles/record.ts): one accessor for every reader, and the JSON shape unchanged. */
import { describe, expect, it } from 'vitest';
import { fromJson, paragraphAt, paragraphCount, paragraphsOf, textOf, toJson } from '../../src/articles/record.js';
import { Article } from '../../src/articles/schema.js';
import { RecordSharing, validateArticle } from '../../src/loader/finish.js';
import { loadArticles } from '../../src/loader/index.js';
import { DATA_DIR } from '../helpers/paths.js';

describe('article records', () => {
  const shapes = [['One paragraph only.'], ['The lead.', 'Second.'], ['The lead.', 'Second, longer than thirteen characters.', 'Third.', 'Fourth and last.']];

  it.each(shapes)('reads every paragraph back, one at a time and all at once (%#)', (...paragraphs) => {
    const record = { lead: paragraphs[0]!, body: paragraphs.slice(1).join('\n') };
    expect(paragraphsOf(record)).toEqual(paragraphs);
    expect(paragraphCount(record)).toBe(paragraphs.length);
    for (let p = 0; p < paragraphs.length; p++) expect(paragraphAt(record, p)).toBe(paragraphs[p]);
    expect(paragraphAt(record, paragraphs.length)).toBeUndefined();
    expect(paragraphAt(record, -1)).toBeUndefined();
    expect(textOf(record)).toBe(paragraphs.join('\n'));
    // a document holding a list reads the same
    expect(paragraphsOf({ paragraphs })).toEqual(paragraphs);
    expect(paragraphAt({ paragraphs }, 1)).toBe(paragraphs[1]);
    expect(paragraphCount({ paragraphs })).toBe(paragraphs.length);
  });

  it('serves and stores the JSON shape, in the schema key order, and reads it back to an equal record', async () => {
    const [a] = (await loadArticles(DATA_DIR)).articles;
    const json = toJson(a!);
    expect(Object.keys(json)).toEqual(Object.keys(Article.shape));
    expect(Article.safeParse(json).success).toBe(true);
    expect(json.paragraphs[0]).toBe(a!.lead);
    const back = validateArticle(fromJson(JSON.parse(JSON.stringify(json))), new RecordSharing());
    expect(back.ok && back.article).toEqual(a);
  });

  it('refuses stored JSON whose paragraphs a record cannot hold: an empty one, a line break in one, a lead that is not the first', async () => {
    const [a] = (await loadArticles(DATA_DIR)).articles;
    const json = toJson(a!);
    const bad = [
      { ...json, paragraphs: [json.lead, ''] },
      { ...json, paragraphs: [json.lead, 'two\nlines'] },
      { ...json, lead: 'Another lead.' },
      { ...json, paragraphs: undefined },
    ];
    for (const j of bad) expect(validateArticle(fromJson(j), new RecordSharing())).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid record: body/) });
    // a body the loader could not have made
    expect(validateArticle({ ...a!, body: 'x\n\ny' }, new RecordSharing())).toMatchObject({ ok: false, reason: 'invalid record: body: a paragraph is empty' });
  });
});
