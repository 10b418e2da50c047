/**
 * Hostile nesting in HTML pages and XML feeds: elements nested thousands of levels deep are cut at
 * MAX_ELEMENT_DEPTH and kept as their text, so one such file neither stalls the load (Readability's
 * time grows with the square of the depth: 5,000 nested <div>s took minutes) nor loses its words.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { paragraphsOf } from '../../src/articles/record.js';
import { parseXml } from '../../src/loader/formats/xml.js';
import { loadArticles } from '../../src/loader/index.js';
import { DEFAULT_CHROME } from '../../src/loader/normalise/chrome.js';
import { boundMarkupDepth, DEEP_NESTING_NOTE, flattenDeepNesting, MAX_ELEMENT_DEPTH, MAX_MARKUP_DEPTH, type NestedElement } from '../../src/loader/normalise/html-blocks.js';
import { tempDataDir } from '../helpers/paths.js';

const LEAD = 'The harbour council voted on Tuesday to rebuild the old sea wall before the winter storms arrive.';
const page = (inner: string, title = 'Sea wall vote', lead = LEAD) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><article><h1>${title}</h1><p>${lead}</p>${inner}</article></body></html>`;
const nested = (depth: number, text: string) => `${'<div>'.repeat(depth)}<p>${text}</p>${'</div>'.repeat(depth)}`;

function depthOf(root: NestedElement): number {
  let max = 0;
  const stack: Array<[NestedElement, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [el, d] = stack.pop()!;
    max = Math.max(max, d);
    for (let c = el.firstElementChild; c !== null; c = c.nextElementSibling) stack.push([c, d + 1]);
  }
  return max;
}

describe('hostile nesting', () => {
  it('cuts a document at the limit, keeping the text below it, and leaves a shallow one as it is', () => {
    const { document } = parseHTML(`<html><body>${nested(10, 'deep words here')}<p>shallow words</p></body></html>`);
    const root = document.documentElement as unknown as NestedElement;
    expect(depthOf(root)).toBe(13); // html, body, 10 divs, p
    const before = document.body.textContent;
    expect(flattenDeepNesting(root, 20)).toBe(false);
    expect(depthOf(root)).toBe(13);
    expect(flattenDeepNesting(root, 5)).toBe(true);
    expect(depthOf(root)).toBe(5);
    expect(document.body.textContent).toBe(before);
  });

  it('loads a page of 5,000 nested <div>s beside a good page: its text kept, one note naming the cut', { timeout: 60_000 }, async () => {
    const dir = tempDataDir({
      'deep.html': page(nested(5000, 'Engineers said the wall would hold back a one-in-a-hundred-year flood.')),
      'good.html': page('<p>A second paragraph about the budget and who will pay for it.</p>', 'Ferry fares rise', 'Ferry fares will rise by a tenth from January, the island operator said on Monday.'),
    });
    const r = await loadArticles(dir);
    expect(r.articles.map((a) => a.origin.path).sort()).toEqual(['deep.html', 'good.html']);
    const deep = r.articles.find((a) => a.origin.path === 'deep.html')!;
    expect(paragraphsOf(deep).join(' ')).toContain('one-in-a-hundred-year flood');
    expect(paragraphsOf(deep)[0]).toBe(LEAD);
    expect(r.problems).toEqual([{ path: 'deep.html', line: null, kind: 'bad-field', reason: DEEP_NESTING_NOTE }]);
  });

  it('takes the tags below MAX_MARKUP_DEPTH out of the markup, their words kept apart, and leaves ordinary markup as it is', () => {
    const deep = `<body>${'<div>'.repeat(MAX_MARKUP_DEPTH + 3)}<b>sea</b><i>wall</i>${'</div>'.repeat(MAX_MARKUP_DEPTH + 3)}<p>after</p></body>`;
    const { markup, cut } = boundMarkupDepth(deep);
    expect(cut).toBe(true);
    expect(markup.match(/<div>/gu)).toHaveLength(MAX_MARKUP_DEPTH - 1); // <body> is the first level
    expect(markup.match(/<\/div>/gu)).toHaveLength(MAX_MARKUP_DEPTH - 1);
    expect(parseHTML(`<html>${markup}</html>`).document.body.textContent!.replace(/\s+/gu, ' ').trim()).toBe('sea wall after');
    // Not nesting: thousands of <p> and <li> left open, tags inside a script's strings, comments, CDATA.
    const ordinary = `<body>${'<p>open paragraph'.repeat(5000)}<ul>${'<li>item'.repeat(5000)}</ul><script>${"s+='<div>';".repeat(5000)}</script><!-- ${'<div>'.repeat(5000)} --></body>`;
    expect(boundMarkupDepth(ordinary)).toEqual({ markup: ordinary, cut: false });
    // In XML every element nests, <p> and <title> too.
    const xml = `<rss>${'<p>'.repeat(MAX_MARKUP_DEPTH + 1)}x${'</p>'.repeat(MAX_MARKUP_DEPTH + 1)}</rss>`;
    expect(boundMarkupDepth(xml, { xml: true }).cut).toBe(true);
    expect(boundMarkupDepth(xml).cut).toBe(false);
  });

  it('loads a 2 MB page of 200,000 nested <div>s (minutes in the HTML parser before) with its text and the note', { timeout: 60_000 }, async () => {
    const dir = tempDataDir({ 'deep.html': page(nested(200_000, 'Engineers said the wall would hold back a one-in-a-hundred-year flood.')) });
    const r = await loadArticles(dir);
    expect(paragraphsOf(r.articles[0]!).join(' ')).toContain('one-in-a-hundred-year flood');
    expect(r.problems).toEqual([{ path: 'deep.html', line: null, kind: 'bad-field', reason: DEEP_NESTING_NOTE }]);
  });

  it('leaves a page nested just under the limit untouched, with no note', async () => {
    const dir = tempDataDir({ 'page.html': page(nested(MAX_ELEMENT_DEPTH - 10, 'Words at the bottom of a deep but real template.')) });
    const r = await loadArticles(dir);
    expect(r.problems).toEqual([]);
    expect(paragraphsOf(r.articles[0]!).join(' ')).toContain('bottom of a deep but real template');
  });

  it('reads a feed item whose elements nest 200,000 levels deep, its text kept', { timeout: 60_000 }, () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>Coast news</title><item><title>Sea wall vote</title>${'<x>'.repeat(200_000)}${'</x>'.repeat(200_000)}<description>${LEAD}</description></item></channel></rss>`;
    const { entries } = parseXml(new TextEncoder().encode(xml), { chrome: DEFAULT_CHROME });
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect('draft' in entry && entry.draft.title).toBe('Sea wall vote');
    expect('draft' in entry && entry.draft.paragraphs).toEqual([LEAD]);
  });
});
