import { paragraphsOf } from '../../src/articles/record.js';
import { describe, expect, it } from 'vitest';
import { bestWindow, cutSnippet, escapeHtml, F_LEAD, F_REST, F_TITLE, findSpans, renderMarked } from '../../src/search/highlight.js';
import type { Span } from '../../src/search/highlight.js';
import { type HighlightPlan, parseQuery, SearchIndex, topK } from '../../src/search/index.js';
import type { SearchDocument } from '../../src/search/index.js';
import { scanTokens, scanTokensSparse, wordMatches } from '../../src/search/tokenize.js';
import { BBC_ROOT, bbcExists, knownItemQueries, loadBbc, rng } from './bbc-corpus.js';

type Tok = [string, number, number, number, boolean, boolean, string];
const collect = (text: string, want?: Uint8Array): Tok[] => {
  const out: Tok[] = [];
  const sink = (t: string, s: number, e: number, p: number, st: boolean, c: boolean, w: string): void => void out.push([t, s, e, p, st, c, w]);
  if (want) scanTokensSparse(text, sink, 7, want, want.length);
  else scanTokens(text, sink, 7);
  return out;
};

const TRICKY = [
  "Shell's well-known boss, Mr O'Brien, couldn't say if U.S. or US or USA output (2.5%) rose £522,000 to $1.2bn in the 1990s.",
  'The E.U. and the U.K. agreed; bbc.co.uk said M&S sold 2Mbps kits at 7.96secs - a pay-off, e-mail or rock\u2019n\u2019roll.',
  'Caf\u00e9 Z\u00fcrich \u0301\u0301 \uff9e\uff9f x\u0301y \ud835\udc00\ud835\udc01 emoji \ud83d\ude00 lone \ud800 end-\u2013dash A-B-C 1,000,000 3.14.15 e.g. Ph.D.',
  '',
  '   ... --- ',
];

describe('scanTokensSparse', () => {
  it('emits exactly the tokens of scanTokens at every wanted position', () => {
    const r = rng(3);
    for (const text of TRICKY) {
      const full = collect(text);
      const last = full.length > 0 ? full[full.length - 1]![3] - 7 + 1 : 0;
      for (let trial = 0; trial < 200; trial++) {
        const len = Math.floor(r() * (last + 2));
        const want = new Uint8Array(len);
        for (let i = 0; i < len; i++) want[i] = r() < 0.3 ? 1 : 0;
        const sparse = collect(text, want);
        const wanted = (t: Tok): boolean => t[3] - 7 < len && want[t[3] - 7] === 1;
        // every wanted token, identical; nothing emitted is wrong
        expect(full.filter(wanted)).toEqual(sparse.filter(wanted));
        for (const t of sparse) expect(full).toContainEqual(t);
      }
    }
  });
});

describe('scanTokensSparse resuming from recorded points', () => {
  it('emits the same tokens as a scan from the start, whatever points it jumps to', () => {
    const r = rng(5);
    for (const text of [...TRICKY, TRICKY.join(' and then some-more words ').repeat(3)]) {
      const full = collect(text);
      const last = full.length > 0 ? full[full.length - 1]![3] - 7 + 1 : 0;
      for (const every of [1, 2, 3, 8]) {
        const positions: number[] = [];
        const offsets: number[] = [];
        const end = scanTokens(text, () => {}, 7, true, undefined, { every, add: (offset, position) => void (positions.push(position), offsets.push(offset)) });
        expect(end).toBe(full.length > 0 ? Math.max(...full.map((t) => t[3])) + 1 : 7);
        // every point is where a word match starts, at the position of the first token from there on
        const matchStarts = new Set(wordMatches(text).map(([start]) => start));
        positions.forEach((p, k) => {
          expect(matchStarts.has(offsets[k]!), `${every}: point ${p}@${offsets[k]}`).toBe(true);
          expect(full.find((t) => t[1] >= offsets[k]!)?.[3] ?? end, `${every}: point ${p}@${offsets[k]}`).toBe(p);
        });
        if (full.length > 3 * every) expect(positions.length).toBeGreaterThan(0);
        for (let trial = 0; trial < 100; trial++) {
          const len = Math.floor(r() * (last + 2));
          const want = new Uint8Array(len);
          for (let i = 0; i < len; i++) want[i] = r() < 0.15 ? 1 : 0;
          const out: Tok[] = [];
          const sink = (t: string, s: number, e: number, p: number, st: boolean, c: boolean, w: string): void => void out.push([t, s, e, p, st, c, w]);
          scanTokensSparse(text, sink, 7, want, len, undefined, { positions, offsets, from: 0, to: positions.length });
          const wanted = (t: Tok): boolean => t[3] - 7 < len && want[t[3] - 7] === 1;
          expect(out.filter(wanted)).toEqual(full.filter(wanted));
          for (const t of out) expect(full).toContainEqual(t);
        }
      }
    }
  });
});

/** The highlighting rule without the index's shortcuts: every paragraph fully tokenised. */
function reference(d: SearchDocument, plan: HighlightPlan): { title: string; titleMatched: boolean; snippet: string } {
  const { marker, snippetLength: len } = plan;
  const tSpans = findSpans(d.title, F_TITLE, marker);
  let best: { para: number; spans: Span[]; start: number; end: number; distinct: number; count: number } | null = null;
  paragraphsOf(d).forEach((p, i) => {
    const spans = findSpans(p, i === 0 ? F_LEAD : F_REST, marker);
    if (spans.length === 0) return;
    const w = bestWindow(spans, len);
    if (w && (best === null || w.distinct > best.distinct || (w.distinct === best.distinct && w.count > best.count))) best = { para: i, spans, ...w };
  });
  const chosen = best as { para: number; spans: Span[]; start: number; end: number } | null;
  let snippet = '';
  if (chosen !== null) snippet = cutSnippet(paragraphsOf(d)[chosen.para]!, chosen.spans, chosen.start, chosen.end, len);
  else if (paragraphsOf(d).length > 0) snippet = cutSnippet(paragraphsOf(d)[0]!, [], 0, 0, len);
  return { title: renderMarked(d.title, tSpans), titleMatched: tSpans.length > 0, snippet };
}

describe('highlight uses the index to skip paragraphs', () => {
  it('matches the full-scan rule on small documents (phrases, fields, compounds, numbers)', () => {
    const docs: SearchDocument[] = [
      { title: 'U.S. rates: the state of the union', paragraphs: ['No match here at all.', 'Rates rose; the state of the union is well-known.', 'A pay-off of £522,000 for rates.', 'state union state of the union rates rate rating'] },
      { title: 'Nothing', paragraphs: [] },
      { title: 'Well known', paragraphs: ['wellknown payoff', 'pay-off e-mail email'] },
    ];
    const idx = SearchIndex.build(docs);
    for (const q of ['rates', '"state of the union"', 'title:rates', 'lead:rates', 'body:rates', 'well-known', 'payoff', 'email', '522,000', 'usa', 'rat*', 'union -state', '"the union" rate', 'nothing']) {
      for (const snippetLength of [20, 60, 200]) {
        const plan = idx.prepareHighlight(parseQuery(q), { snippetLength });
        docs.forEach((d, i) => expect(idx.highlight(i, plan), `${q} doc ${i}`).toEqual(reference(d, plan)));
      }
    }
  });
  it('plan and query give the same result', () => {
    const idx = SearchIndex.build([{ title: 'Goverment', paragraphs: ['The government said.'] }]);
    expect(idx.highlight(0, idx.prepareHighlight(parseQuery('government'), { fuzzy: true }))).toEqual(idx.highlight(0, parseQuery('government'), { fuzzy: true }));
  });
});

if (!bbcExists) console.warn(`[search] skipping BBC highlight regression: ${BBC_ROOT} not found`);

describe.skipIf(!bbcExists)('highlight regression on BBC', () => {
  it('equals the full-scan rule for many documents x queries', () => {
    const docs = loadBbc();
    const idx = SearchIndex.build(docs);
    const hand = ['foreign gives', 'interest rates', '"interest rates"', '"prime minister"', 'elect*', 'co*', 'title:music', 'lead:economy', 'body:phone -mobile', '£522,000', 'U.S. economy', 'well-known', 'payoff', 'dont', '"the government"', '"a number of"', 'mbps', '2004', 'blair OR brown', 'title:"prime minister"', 'goverment', 'ecomony growth'];
    // and two words picked uniformly from a random article's body (matches anywhere in long paragraphs)
    const r = rng(17);
    const randomPairs = Array.from({ length: 60 }, () => {
      const words = paragraphsOf(docs[Math.floor(r() * docs.length)]!).join(' ').match(/\p{L}{3,}/gu) ?? ['market', 'shares'];
      return `${words[Math.floor(r() * words.length)]} ${words[Math.floor(r() * words.length)]}`;
    });
    const qs = [...hand, ...knownItemQueries(docs, 5, 2, 5).map((x) => x.q), ...knownItemQueries(docs, 11, 3, 7).map((x) => x.q), ...randomPairs];
    let n = 0;
    for (const s of qs) {
      for (const fuzzy of /^(goverment|ecomony)/.test(s) ? [true] : [false]) {
        const q = parseQuery(s);
        const r = idx.match(q, { fuzzy });
        const plan = idx.prepareHighlight(q, { fuzzy, snippetLength: n % 2 === 0 ? 200 : 80 });
        for (const i of topK(r.docs, r.scores, 25)) {
          const d = r.docs[i]!;
          expect(idx.highlight(d, plan), `${s} doc ${d}`).toEqual(reference(docs[d]!, plan));
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(2000);
  }, 60_000);
});

describe('escapeHtml', () => {
  it('escapes & < > " \' and leaves everything else, surrogates and line breaks included', () => {
    expect(escapeHtml('')).toBe('');
    expect(escapeHtml('<a href="x">Tom & Jerry\'s</a>')).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('caf\u00e9 \ud83d\ude00 \ud800\n\u2019=?#;')).toBe('caf\u00e9 \ud83d\ude00 \ud800\n\u2019=?#;');
  });

  it('agrees with a character-by-character escaper on random texts, and renderMarked on random ranges and marks', () => {
    const entity: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
    const reference = (t: string) => Array.from(t, (c) => entity[c] ?? c).join('');
    const alphabet = ['a', 'b', ' ', '&', '<', '>', '"', "'", '\u00e9', '\ud83d\ude00', '\ud800', '\n', ';'];
    const r = rng(5);
    for (let i = 0; i < 500; i++) {
      const text = Array.from({ length: Math.floor(r() * 40) }, () => alphabet[Math.floor(r() * alphabet.length)]!).join('');
      expect(escapeHtml(text)).toBe(reference(text));
      const from = Math.floor(r() * (text.length + 1));
      const to = from + Math.floor(r() * (text.length - from + 1));
      const a = from + Math.floor(r() * (to - from + 1));
      const b = a + Math.floor(r() * (to - a + 1));
      const spans: Span[] = a < b ? [{ start: a, end: b, key: 'k' }] : [];
      const expected = a < b ? `${reference(text.slice(from, a))}<mark>${reference(text.slice(a, b))}</mark>${reference(text.slice(b, to))}` : reference(text.slice(from, to));
      expect(renderMarked(text, spans, from, to)).toBe(expected);
    }
  });
});
