/** Hostile Markdown: one bad file is one reported problem, never a crash or a frozen event loop. */
import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../src/loader/index.js';
import { MAX_LIST_LINES, MAX_NESTING, parseMarkdown } from '../../src/loader/formats/markdown.js';
import { turnsDuring } from '../helpers/event-loop.js';
import { tempDataDir } from '../helpers/paths.js';

const good = { 'good.md': '# A fine headline\n\nA fine first paragraph.\n\n- a point\n  - a sub-point\n\n> a quote\n' };

describe('hostile Markdown', () => {
  it('reports 6 KB of nested quotes (a stack overflow in marked) as one problem and loads the rest', async () => {
    const dir = tempDataDir({ ...good, 'quotes.md': `# Title\n\n${'>'.repeat(6000)} deep\n` });
    const r = await loadArticles(dir);
    expect(r.articles.map((a) => a.origin.path)).toEqual(['good.md']);
    expect(r.problems).toEqual([
      { path: 'quotes.md', line: null, kind: 'parse-error', reason: `Markdown nested 6000 levels deep at line 3; the limit is ${MAX_NESTING}` },
    ]);
  });

  it('reports a 2 MB nested list as one problem', async () => {
    const lines = Array.from({ length: 120_000 }, (_, i) => `${'  '.repeat(i % 200)}- item ${i}`);
    const body = `# Title\n\n${lines.join('\n')}`.slice(0, 2_000_000);
    const dir = tempDataDir({ ...good, 'list.md': body });
    const r = await loadArticles(dir);
    expect(r.articles).toHaveLength(1);
    expect(r.problems).toEqual([{ path: 'list.md', line: null, kind: 'parse-error', reason: expect.stringMatching(/^Markdown nested 17 levels deep at line \d+/) }]);
  });

  it('reports a 2 MB flat list (slow to lex) as one problem: too many list lines', async () => {
    const body = `# Title\n\n${Array.from({ length: 250_000 }, (_, i) => `- item ${i}`).join('\n')}`.slice(0, 2_000_000);
    const { entries } = await parseMarkdown(body);
    expect(entries).toEqual([
      { problem: { kind: 'parse-error', reason: `Markdown holds more than ${MAX_LIST_LINES} list items or quote lines; the limit is ${MAX_LIST_LINES}`, line: null } },
    ]);
  });

  it('keeps nesting and lists inside code fences out of the count', async () => {
    const fenced = `# Title\n\nIntro paragraph.\n\n\`\`\`\n${'>'.repeat(100)}\n${'- x\n'.repeat(MAX_LIST_LINES + 5)}\`\`\`\n`;
    const { entries } = await parseMarkdown(fenced);
    expect('draft' in entries[0]!).toBe(true);
  });

  it('yields to the event loop while lexing a large body, and reads it whole', async () => {
    const paragraphs = Array.from({ length: 20_000 }, (_, i) => `Paragraph ${i} of a long article, with words.`);
    const body = `# Title\n\n${paragraphs.join('\n\n')}\n`;
    expect(body.length).toBeGreaterThan(500_000);
    const { result, turns } = await turnsDuring(() => parseMarkdown(body));
    const { entries } = result;
    // Something else ran between slices (no timing: a count of turns of the event loop).
    expect(turns).toBeGreaterThan(5);
    const entry = entries[0]!;
    if (!('draft' in entry)) throw new Error(`unexpected problem ${JSON.stringify(entry)}`);
    expect(entry.draft.paragraphs).toHaveLength(20_000);
    expect(entry.draft.paragraphs[19_999]).toBe('Paragraph 19999 of a long article, with words.');
  });
});
