import { describe, expect, it } from 'vitest';
import { parseQuery, QuerySyntaxError, QueryTooCostly, SearchIndex, topK, WorkBudget } from '../../src/search/index.js';
import type { SearchDocument } from '../../src/search/index.js';

const filler = 'Officials gave details on Monday, adding that further statements would follow later.';

function doc(title: string, ...paragraphs: string[]): SearchDocument {
  return { title, paragraphs };
}

/** Ranked doc numbers for a query. */
function ranked(idx: SearchIndex, q: string, fuzzy = false): number[] {
  const r = idx.match(parseQuery(q), { fuzzy });
  return Array.from(topK(r.docs, r.scores, 100), (i) => r.docs[i]!);
}

function matched(idx: SearchIndex, q: string, fuzzy = false): number[] {
  return Array.from(idx.match(parseQuery(q), { fuzzy }).docs);
}

describe('SearchIndex basics', () => {
  const docs = [
    doc('Oil prices rise', 'Oil prices rose sharply on Monday.', filler),
    doc('Gas supplies fall', 'Gas supplies fell in the winter.', filler),
    doc('Coal and oil', 'Coal demand and oil demand both grew.', filler),
    doc('Football results', 'The match ended in a draw.', filler),
  ];
  const idx = SearchIndex.build(docs);

  it('has size and returns docs sorted ascending with aligned scores', () => {
    expect(idx.size).toBe(4);
    const r = idx.match(parseQuery('oil OR gas'));
    expect(Array.from(r.docs)).toEqual([0, 1, 2]);
    expect(r.scores.length).toBe(3);
    for (const s of r.scores) expect(s).toBeGreaterThan(0);
  });
  it('ANDs terms', () => {
    expect(matched(idx, 'oil coal')).toEqual([2]);
    expect(matched(idx, 'oil AND coal')).toEqual([2]);
  });
  it('OR with AND precedence', () => {
    expect(matched(idx, 'coal demand OR football')).toEqual([2, 3]);
  });
  it('negation excludes', () => {
    expect(matched(idx, 'oil -coal')).toEqual([0]);
    expect(matched(idx, 'oil NOT (coal OR gas)')).toEqual([0]);
    expect(matched(idx, 'oil -"demand both"')).toEqual([0]);
  });
  it('accepts parsed queries and rejects negative-only ASTs', () => {
    expect(Array.from(idx.match(parseQuery('oil -coal')).docs)).toEqual([0]);
    expect(() => idx.match({ type: 'not', clause: parseQuery('oil'), position: 0 })).toThrow(QuerySyntaxError);
  });
  it('stemming: rates finds Rate', () => {
    const i2 = SearchIndex.build([doc('Rate decision', 'The bank kept its rate.'), doc('Other', 'Nothing.')]);
    expect(matched(i2, 'rates')).toEqual([0]);
  });
  it('stop-word-only queries match nothing', () => {
    expect(matched(idx, 'the')).toEqual([]);
  });
  it('does not expose internal arrays', () => {
    const r = idx.match(parseQuery('oil'));
    r.docs[0] = 3;
    expect(Array.from(idx.match(parseQuery('oil')).docs)).toEqual([0, 2]);
  });
});

describe('BM25F ranking', () => {
  it('a title match beats a body match', () => {
    const idx = SearchIndex.build([
      doc('Markets today', 'Shares moved as the inflation figure came out.', filler),
      doc('Inflation worries', 'Shares moved as the new figure came out.', filler),
    ]);
    expect(ranked(idx, 'inflation')).toEqual([1, 0]);
  });
  it('a lead match beats a later-paragraph match', () => {
    const idx = SearchIndex.build([
      doc('Markets', filler, 'The inflation figure came out.'),
      doc('Markets', 'The inflation figure came out.', filler),
    ]);
    expect(ranked(idx, 'inflation')).toEqual([1, 0]);
  });
  it('more occurrences beat fewer', () => {
    const idx = SearchIndex.build([
      doc('Report', 'Steel output was flat.', 'Officials said little else of note.'),
      doc('Report', 'Steel output was flat.', 'Steel exports and steel imports also fell.'),
    ]);
    expect(ranked(idx, 'steel')).toEqual([1, 0]);
  });
  it('a headline match counts on its own: it beats a body repeating the word (separateTitle), which shared saturation does not', () => {
    const docs = [
      doc('Budget row', 'The port closed early.', 'Strike talk, strike votes, strike pay, strike funds: the strike went on.', filler), // 0: "strike" repeated in the body
      doc('Port strike', 'Dock workers stayed off the job.', 'The strike went on.', filler), // 1: "port strike" is the headline
    ];
    expect(ranked(SearchIndex.build(docs, { separateTitle: true }), 'port strike')).toEqual([1, 0]);
    const shared = SearchIndex.build(docs, { separateTitle: false, delta: 0 });
    const scoreOf = (idx: SearchIndex, d: number, q: string) => {
      const r = idx.match(parseQuery(q));
      return r.scores[Array.from(r.docs).indexOf(d)]!;
    };
    const separate = SearchIndex.build(docs, { separateTitle: true, delta: 0 });
    // the headline's share of doc 1's score is larger when saturated apart
    expect(scoreOf(separate, 1, 'strike') / scoreOf(separate, 0, 'strike')).toBeGreaterThan(scoreOf(shared, 1, 'strike') / scoreOf(shared, 0, 'strike'));
  });
  it('BM25+ delta adds idf · delta for each matched word, or each matched part with separateTitle, linearly', () => {
    const docs = [doc('Zinc prices', 'Zinc rose.', filler), doc('Markets', 'Zinc rose.', filler), doc('Other', filler)];
    const scores = (delta: number, separateTitle = true) => {
      const r = SearchIndex.build(docs, { delta, proximityWeight: 0, separateTitle }).match(parseQuery('zinc'));
      return Array.from(r.docs, (d, k) => [d, r.scores[k]!] as const);
    };
    const [s0, s1, s2] = [scores(0), scores(1), scores(2)];
    expect(s0.map(([d]) => d)).toEqual([0, 1]);
    const gain = (a: typeof s0, b: typeof s0, k: number) => b[k]![1] - a[k]![1];
    expect(gain(s0, s1, 1)).toBeGreaterThan(0);
    expect(gain(s1, s2, 1)).toBeCloseTo(gain(s0, s1, 1), 9);
    // doc 0 matches in the headline and the lead: two parts, twice the gain of doc 1's one
    expect(gain(s0, s1, 0)).toBeCloseTo(2 * gain(s0, s1, 1), 9);
    // one saturation over all fields (the default): the same gain for both, once per word
    const [t0, t1] = [scores(0, false), scores(1, false)];
    expect(gain(t0, t1, 0)).toBeCloseTo(gain(t0, t1, 1), 9);
    expect(gain(t0, t1, 1)).toBeCloseTo(gain(s0, s1, 1), 9);
  });
  it('rarer terms weigh more', () => {
    const common = Array.from({ length: 8 }, (_, i) => doc(`Market ${i}`, `The market was busy ${i}.`, filler));
    const idx = SearchIndex.build([
      ...common,
      doc('Report', 'The market report mentions zinc.', filler), // 8: rare term
      doc('Report', 'The market report mentions market market.', filler), // 9: only common term
    ]);
    expect(ranked(idx, 'market OR zinc')[0]).toBe(8);
  });
});

describe('phrases', () => {
  const idx = SearchIndex.build([
    doc('Speech', 'The state of the union address was long.'),
    doc('Speech', 'The state for the union address was long.'),
    doc('Speech', 'The union said the state was long-winded.'),
    doc('Speech', 'He spoke of the state', 'union members listened.'),
  ]);
  it('matches words in order, not just co-occurrence', () => {
    expect(matched(idx, 'state union')).toEqual([0, 1, 2, 3]);
    expect(matched(idx, '"union address"')).toEqual([0, 1]);
    expect(matched(idx, '"address union"')).toEqual([]);
  });
  it('stop words inside phrases must match exactly', () => {
    expect(matched(idx, '"state of the union"')).toEqual([0]);
    expect(matched(idx, '"state for the union"')).toEqual([1]);
  });
  it('phrases do not cross paragraph boundaries', () => {
    expect(matched(idx, '"state union"')).toEqual([]);
    expect(matched(idx, '"the state"')).toEqual([0, 1, 2, 3]);
  });
  it('a hyphenated query word matches the hyphenated text and the spaced phrase', () => {
    const i2 = SearchIndex.build([
      doc('A', 'A well-known singer.'),
      doc('B', 'She is well known here.'),
      doc('C', 'Known, as well, here.'),
      doc('D', 'The pay-off was large.'),
    ]);
    expect(matched(i2, 'well-known')).toEqual([0, 1]);
    expect(matched(i2, '"well known"')).toEqual([0, 1]);
    expect(matched(i2, 'payoff')).toEqual([3]);
  });
  it('money and U.S. queries match their text forms', () => {
    const i2 = SearchIndex.build([
      doc('Shell', 'Shell is to pay $1m (£522,000) to the ex-finance chief.'),
      doc('Trade', 'The U.S. economy grew; Washington said the US would act.'),
      doc('Us', 'Tell us more.'),
    ]);
    expect(matched(i2, '£522,000')).toEqual([0]);
    expect(matched(i2, '522,000')).toEqual([0]);
    expect(matched(i2, '$1m')).toEqual([0]);
    expect(matched(i2, 'U.S.')).toEqual([1]);
    expect(matched(i2, 'US')).toEqual([1]);
  });
});

describe('field scoping', () => {
  const idx = SearchIndex.build([
    doc('Inflation rises', 'Prices went up.', 'More detail.'),
    doc('Prices', 'Inflation went up.', 'More detail.'),
    doc('Prices', 'Costs went up.', 'Inflation detail.'),
  ]);
  it('title / lead / body', () => {
    expect(matched(idx, 'title:inflation')).toEqual([0]);
    expect(matched(idx, 'lead:inflation')).toEqual([1]);
    expect(matched(idx, 'body:inflation')).toEqual([1, 2]);
    expect(matched(idx, 'inflation')).toEqual([0, 1, 2]);
  });
  it('scoped phrases and prefixes', () => {
    expect(matched(idx, 'title:"inflation rises"')).toEqual([0]);
    expect(matched(idx, 'body:"inflation went"')).toEqual([1]);
    expect(matched(idx, 'title:"inflation went"')).toEqual([]);
    expect(matched(idx, 'title:infla*')).toEqual([0]);
    expect(matched(idx, 'body:infla*')).toEqual([1, 2]);
  });
});

describe('prefix queries', () => {
  it('expand to matching terms, bounded to the most frequent', () => {
    const docs: SearchDocument[] = [];
    for (let i = 0; i < 30; i++) docs.push(doc(`Doc ${i}`, `zeta${String.fromCharCode(97 + (i % 26))}q${i} filler`));
    docs.push(doc('Common', 'zetacommon'), doc('Common', 'zetacommon'), doc('Common', 'zetacommon'));
    const all = SearchIndex.build(docs);
    expect(matched(all, 'zeta*').length).toBe(33);
    const bounded = SearchIndex.build(docs, { maxPrefixExpansions: 1 });
    expect(matched(bounded, 'zeta*')).toEqual([30, 31, 32]);
    expect(bounded.prefixTerms('zeta').length).toBe(1);
  });
});

describe('proximity', () => {
  const idx = SearchIndex.build([
    doc('Report', 'Interest stayed high, officials said on Monday, while rates fell.', filler), // far apart
    doc('Report', 'Officials said on Monday interest rates stayed high while fell.', filler), // side by side
    doc('Report', 'Officials said on Monday interest and rates stayed high while fell.', filler), // near
  ]);
  it('unquoted adjacent words rank the article where they stand together first, then nearer before farther', () => {
    expect(ranked(idx, 'interest rates')).toEqual([1, 2, 0]);
  });
  it('is off with proximityWeight 0 and never changes what matches', () => {
    const off = SearchIndex.build(idx.views.map((v) => v.segment.documents).flat(), { proximityWeight: 0 });
    expect(matched(off, 'interest rates')).toEqual(matched(idx, 'interest rates'));
    const scores = (i: SearchIndex) => Array.from(i.match(parseQuery('interest rates')).scores);
    scores(off).forEach((x, k) => expect(scores(idx)[k]!).toBeGreaterThan(x));
  });
});

describe('stop words typed beside plain words (session 10: natural-language queries)', () => {
  it('counts the stop words typed between two words as gap, so the words standing that far apart rank first', () => {
    const docs = [
      doc('Review', 'Critics praised the new film Berlin Calling on Monday evening.', filler), // side by side, shorter
      doc('Review', 'Critics praised the new film at the Berlin show on Monday.', filler), // as typed: two words between
    ];
    const idx = SearchIndex.build(docs, { stopWordWeight: 0 });
    expect(ranked(idx, 'film Berlin')).toEqual([0, 1]);
    expect(ranked(idx, 'film at the Berlin')).toEqual([1, 0]);
    expect(matched(idx, 'film at the Berlin')).toEqual([0, 1]);
  });
  it('a query holding stop words (typed as language) also counts its words as far apart as typed, words between included', () => {
    // the same words, the same lengths: only the spacing of "talks" and "unions" differs
    const docs = [
      doc('Report', 'Talks on the budget unions with care.'),
      doc('Report', 'Talks on the budget with unions care.'), // as typed
    ];
    const idx = SearchIndex.build(docs, { stopWordWeight: 0 });
    expect(ranked(idx, 'talks on the budget with unions')).toEqual([1, 0]);
    // typed as keywords, the order says nothing of spacing: unions right after budget wins
    expect(ranked(idx, 'talks budget unions')).toEqual([0, 1]);
  });
  it('adds each typed stop word an article holds (stopWordWeight), never requiring one', () => {
    const docs = [
      doc('Report', 'The minister on tax spoke today.', filler),
      doc('Report', 'Then we saw the minister on tax spoke today.', filler), // longer, but holds "we"
      doc('Report', 'Nothing about taxes here from a minister, they said.', filler), // "tax" only in another form
    ];
    const on = SearchIndex.build(docs);
    const off = SearchIndex.build(docs, { stopWordWeight: 0 });
    expect(ranked(off, 'we minister tax').slice(0, 2)).toEqual([0, 1]);
    expect(ranked(on, 'we minister tax').slice(0, 2)).toEqual([1, 0]);
    // trailing stop words count too; and they never change what matches
    expect(ranked(on, 'minister tax we').slice(0, 2)).toEqual([1, 0]);
    expect(matched(on, 'we minister tax')).toEqual(matched(off, 'minister tax'));
    expect(matched(on, 'minister tax')).toEqual([0, 1, 2]);
    // a query of stop words only still matches nothing
    expect(matched(on, 'we the')).toEqual([]);
  });
});

describe('a query typed as language held word for word (typedSequenceBonus)', () => {
  const docs = [
    doc('Merger of two banks approved', 'The merger of two banks was approved by regulators.', filler), // the words, the headline too, but one stop word short
    doc('Report', 'Shareholders on Monday backed the merger of the two banks in a vote.', filler), // the words as typed
  ];
  it('ranks the article holding the typed words consecutively, stop words included, first; matches stay the same', () => {
    const on = SearchIndex.build(docs);
    const off = SearchIndex.build(docs, { typedSequenceBonus: 0 });
    expect(ranked(off, 'merger of the two banks')).toEqual([0, 1]);
    expect(ranked(on, 'merger of the two banks')).toEqual([1, 0]);
    expect(matched(on, 'merger of the two banks')).toEqual(matched(off, 'merger of the two banks'));
    // typed in another order, or as keywords (no stop word), it is not the sentence: no bonus
    expect(ranked(on, 'banks of the two merger')).toEqual(ranked(off, 'banks of the two merger'));
    expect(ranked(on, 'merger banks')).toEqual(ranked(off, 'merger banks'));
  });
});

describe('a query matching nothing: typo tolerance for a misspelling, else all of it but one word (SearchIndex.answer)', () => {
  const docs = [
    doc('Harbour council', 'The harbour council voted on the ferry timetable.', filler),
    doc('Ferry strike', 'Ferry crews walked out over pay.', filler),
    doc('Council tax', 'The council set its tax for the year.', filler),
  ];
  const idx = SearchIndex.build(docs);
  const answer = (q: string) => {
    const a = idx.answer(parseQuery(q));
    return { docs: Array.from(a.result.docs), fuzzy: a.fuzzy, missing: a.missing?.map((t) => t.word) ?? null };
  };
  it('answers known words no article holds together by the articles holding all but one of them, each with the word it lacks', () => {
    expect(matched(idx, 'harbour ferry crews')).toEqual([]);
    expect(answer('harbour ferry crews')).toEqual({ docs: [0, 1], fuzzy: false, missing: ['crews', 'harbour'] });
    // known words: no typo-neighbour retry ("crews" is not read as a typo of another word)
    expect(answer('harbour council crews').fuzzy).toBe(false);
    // fewer than three parts: nothing left out; a query that matches is answered as typed
    expect(answer('harbour crews')).toEqual({ docs: [], fuzzy: false, missing: null });
    expect(answer('harbour ferry')).toEqual({ docs: [0], fuzzy: false, missing: null });
  });
  it('retries a misspelt word with typo tolerance first', () => {
    expect(answer('harbour council')).toEqual({ docs: [0], fuzzy: false, missing: null });
    expect(answer('harbuor council')).toEqual({ docs: [0], fuzzy: true, missing: null });
  });
  it('answers nothing, not QueryTooCostly, when leaving a word out would pass the work budget the query itself kept to', () => {
    const query = parseQuery('harbour ferry crews');
    // the query reads 2 words (its match is empty after them); leaving each word out reads 2 more: 8 in all
    expect(Array.from(idx.answer(query, { budget: new WorkBudget({ maxWords: 8, maxPostings: 1000 }) }).result.docs)).toEqual([0, 1]);
    const a = idx.answer(query, { budget: new WorkBudget({ maxWords: 5, maxPostings: 1000 }) });
    expect([a.result.docs.length, a.missing]).toEqual([0, null]);
    // the query itself past the budget still throws
    expect(() => idx.answer(query, { budget: new WorkBudget({ maxWords: 1, maxPostings: 1000 }) })).toThrow(QueryTooCostly);
  });
});

describe('headline bonus', () => {
  // the body of the second repeats both words; the first's headline holds them
  const docs = [
    doc('Airline cuts jobs', 'A carrier said on Monday it would shed staff across Europe.', filler),
    doc('Quarterly report', 'The airline said the airline would cut jobs, and more jobs, as the airline shrinks.', filler),
    doc('Jobs fair opens', 'An airline stand drew crowds.', filler), // one of two words in its headline
  ];
  it('ranks the article whose headline holds at least half the query words above one whose body repeats them', () => {
    // (headlineIdf off: it too favours the headline, and this is about the bonus)
    expect(ranked(SearchIndex.build(docs, { headlineBonus: 0, headlineIdf: false }), 'airline jobs')[0]).toBe(1);
    expect(ranked(SearchIndex.build(docs, { headlineIdf: false }), 'airline jobs')[0]).toBe(0);
  });
  it('adds headlineBonus · idf for each headline word when half or more are there, nothing below half, and never changes what matches', () => {
    const on = SearchIndex.build(docs, { proximityWeight: 0 });
    const off = SearchIndex.build(docs, { proximityWeight: 0, headlineBonus: 0 });
    const scores = (i: SearchIndex, q: string) => new Map(Array.from(i.match(parseQuery(q)).docs, (d, k) => [d, i.match(parseQuery(q)).scores[k]!]));
    const q = 'airline jobs';
    expect([...scores(on, q).keys()]).toEqual([...scores(off, q).keys()]);
    const idf = (w: string) => off.idf(off.wordDocFreq(w));
    expect(scores(on, q).get(0)! - scores(off, q).get(0)!).toBeCloseTo(0.5 * (idf('airline') + idf('jobs')), 9);
    expect(scores(on, q).get(2)! - scores(off, q).get(2)!).toBeCloseTo(0.5 * idf('jobs'), 9); // one of two: half
    expect(scores(on, q).get(1)).toBe(scores(off, q).get(1)); // none in its headline
    // one of three words in the headline is below half: no bonus
    const three = 'airline jobs crowds';
    expect(scores(on, three).get(2)).toBe(scores(off, three).get(2));
  });
  it('counts a word the headline holds only in another form of its stem at stemVariantWeight of its idf (the form typed first)', () => {
    const others = ['Cup final tonight', 'Storm hits coast', 'Film wins award', 'New phone launched', 'Court hears appeal', 'Train strike ends'];
    const forms = [
      doc('Banks raising fees', 'Banks will raise fees and rates this spring.', filler), // `raising` in the headline
      doc('Banks lift fees', 'Banks raise fees and rates; they raise more.', filler), // `raise` twice, none in the headline
      ...others.map((t) => doc(t, 'Nothing of interest happened here today.', filler)),
    ];
    const on = SearchIndex.build(forms, { proximityWeight: 0 });
    const off = SearchIndex.build(forms, { proximityWeight: 0, headlineBonus: 0 });
    const score = (i: SearchIndex, q: string, d: number) => {
      const m = i.match(parseQuery(q));
      return m.scores[Array.from(m.docs).indexOf(d)]!;
    };
    const idf = off.idf(off.wordDocFreq('raise'));
    expect(score(on, 'raise rates', 0) - score(off, 'raise rates', 0)).toBeCloseTo(0.5 * 0.25 * idf, 9);
    // the rule decides the order: at the full idf the headline's `raising` would rank its article first
    expect(score(off, 'raise rates', 0) + 0.5 * idf).toBeGreaterThan(score(on, 'raise rates', 1));
    expect(ranked(on, 'raise rates')).toEqual([1, 0]);
    // typed as no article holds it (`raised`): every form counts as typed, at the idf the bonus uses for it
    expect(off.wordDocFreq('raised')).toBe(0);
    expect(score(on, 'raised rates', 0) - score(off, 'raised rates', 0)).toBeCloseTo(0.5 * idf, 9);
  });
});

describe('headline idf', () => {
  // `captain` stands in many bodies and one headline; `wales` in as many headlines as bodies
  const docs = [
    doc('Captain named for tour', 'The squad flies out on Friday.', filler), // 0: `captain` in its headline only
    doc('Squad news', 'The captain said the captain would play.', filler), // 1: twice in its body
    ...Array.from({ length: 6 }, (_, i) => doc(`Team sheet ${i}`, `The captain trained on day ${i}.`, filler)),
    ...Array.from({ length: 4 }, (_, i) => doc(`Wales squad ${i}`, `Wales trained on day ${i}.`, filler)),
    ...Array.from({ length: 4 }, (_, i) => doc(`Weather ${i}`, `Rain fell on day ${i}.`, filler)),
  ];
  it('ranks the article whose headline holds a word headlines seldom use above one whose body repeats it', () => {
    expect(ranked(SearchIndex.build(docs, { headlineIdf: false }), 'captain').slice(0, 2)).toEqual([1, 0]);
    expect(ranked(SearchIndex.build(docs), 'captain').slice(0, 2)).toEqual([0, 1]);
  });
  it('multiplies the headline count by idf over headlines / idf inside the one saturation; the body alone is unchanged', () => {
    const idx = SearchIndex.build(docs, { proximityWeight: 0, headlineBonus: 0 });
    const off = SearchIndex.build(docs, { proximityWeight: 0, headlineBonus: 0, headlineIdf: false });
    const score = (i: SearchIndex, q: string, d: number) => {
      const m = i.match(parseQuery(q));
      return m.scores[Array.from(m.docs).indexOf(d)]!;
    };
    const { k1, delta } = idx.options;
    const idf = idx.idf(idx.wordDocFreq('captain')); // 8 articles
    const ratio = idx.idf(1) / idf; // one headline holds it
    expect(ratio).toBeGreaterThan(1);
    const w = idx.segments[0]!.fieldNorms.of(0, 0) * ratio;
    expect(score(idx, 'captain', 0)).toBeCloseTo(idf * ((w * (k1 + 1)) / (k1 + w) + delta), 9);
    expect(score(idx, 'captain', 1)).toBe(score(off, 'captain', 1));
    // as many headlines as bodies hold `wales`: the ratio is 1, nothing changes
    expect(score(idx, 'wales', 8 + 2)).toBeCloseTo(score(off, 'wales', 8 + 2), 12);
    // the same weight in a headline-scoped query and in an AND query's galloped words
    expect(score(idx, 'title:captain', 0)).toBeCloseTo(score(idx, 'captain', 0), 12);
    expect(score(idx, 'captain squad', 0)).toBeCloseTo(score(idx, 'captain', 0) + score(idx, 'squad', 0), 9);
  });
});

describe('exact forms first', () => {
  it('an article holding every word as typed ranks above one matching through stem variants', () => {
    const idx = SearchIndex.build([
      doc('Report', 'The bank is raising rates for savers.', filler), // variants: raising, rates
      doc('Report', 'The bank will raise the rate for savers.', filler), // exact forms
    ]);
    expect(ranked(idx, 'raise rate')).toEqual([1, 0]);
    expect(ranked(idx, 'raising rates')).toEqual([0, 1]);
  });
});

describe('fuzzy', () => {
  const idx = SearchIndex.build([
    doc('Report', 'The government announced a plan.', filler), // exact
    doc('Report', 'The govermnent announced a plan.', filler), // typo neighbour (distance 2)
    doc('Report', 'The goverment announced a plan.', filler), // distance 1
    doc('Other', 'Nothing relevant.', filler),
  ]);
  it('is off by default and finds typo neighbours when on', () => {
    expect(matched(idx, 'government')).toEqual([0]);
    expect(matched(idx, 'government', true)).toEqual([0, 1, 2]);
  });
  it('exact matches outrank fuzzy-only matches', () => {
    const order = ranked(idx, 'government', true);
    expect(order[0]).toBe(0);
    const r = idx.match(parseQuery('government'), { fuzzy: true });
    const score = (d: number): number => r.scores[Array.from(r.docs).indexOf(d)]!;
    expect(score(0)).toBeGreaterThan(score(1));
    expect(score(0)).toBeGreaterThan(score(2));
  });
  it('a misspelt query finds the correct word', () => {
    expect(matched(idx, 'goverment', true)).toContain(0);
  });
  it('a swap of two neighbouring letters is one edit (Damerau), so 5-7 letter words find it', () => {
    const i2 = SearchIndex.build([doc('Court', 'The ruling was quashed.', filler), doc('Other', 'Nothing here.', filler)]);
    expect(matched(i2, 'ruilng', true)).toEqual([0]); // swapped "il"
    expect(matched(i2, 'ruilng')).toEqual([]);
    expect(matched(i2, 'urilng', true)).toEqual([]); // two swaps: two edits, too many for 6 letters
  });
  it('long words allow two edits, swaps included', () => {
    const i2 = SearchIndex.build([doc('Talks', 'Negotiations resumed today.', filler), doc('Other', 'Nothing here.', filler)]);
    expect(matched(i2, 'negotaitions', true)).toEqual([0]); // swap + nothing else: one edit
    expect(matched(i2, 'negotaitinos', true)).toEqual([0]); // two swaps
    expect(matched(i2, 'negotaitinoz', true)).toEqual([]); // three edits
  });
  it("a misspelling ranks the closest word's articles above farther neighbours', however rare those are", () => {
    const common = Array.from({ length: 8 }, (_, i) => doc(`Report ${i}`, 'The government announced a plan.', filler));
    const i2 = SearchIndex.build([doc('Novel', 'The governess announced a plan.', filler), ...common]);
    // goverment → government: one edit; → governess: three, but Porter stems both goverment and governess to "gover"
    expect(matched(i2, 'goverment', true)).toContain(0);
    const order = ranked(i2, 'goverment', true);
    expect(order.at(-1)).toBe(0);
    expect(order.slice(0, 8).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('short words are never fuzzy', () => {
    const i2 = SearchIndex.build([doc('A', 'cats'), doc('B', 'cars')]);
    expect(matched(i2, 'cats', true)).toEqual([0]);
  });
});

describe('highlight', () => {
  const idx = SearchIndex.build([
    doc(
      'Rate rise <script>alert(1)</script> & more',
      'The bank raised its Rate again. Analysts said "rates" would rise & <b>stay</b> high.',
      filler,
    ),
    doc(
      'Long story',
      'Intro paragraph without the word.',
      `${'Word padding here. '.repeat(20)}The state of the union address mentioned inflation twice: inflation. ${'Closing words again. '.repeat(20)}`,
    ),
  ]);
  it('marks stemmed surface forms and escapes everything else', () => {
    const h = idx.highlight(0, parseQuery('rates'));
    expect(h.titleMatched).toBe(true);
    expect(h.title).toBe('<mark>Rate</mark> rise &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(h.snippet).toContain('<mark>Rate</mark>');
    expect(h.snippet).toContain('&quot;<mark>rates</mark>&quot;');
    expect(h.snippet).toContain('&lt;b&gt;stay&lt;/b&gt;');
    const tags = (h.title + h.snippet).match(/<[^>]*>/g) ?? [];
    for (const t of tags) expect(t).toMatch(/^<\/?mark>$/);
  });
  it('does not mark negated terms and reports titleMatched=false', () => {
    const h = idx.highlight(0, parseQuery('bank -rise'));
    expect(h.titleMatched).toBe(false);
    expect(h.snippet).toContain('<mark>bank</mark>');
    expect(h.snippet).not.toContain('<mark>rise</mark>');
  });
  it('picks the passage with the matches, cuts at word boundaries with ellipses', () => {
    const h = idx.highlight(1, parseQuery('"state of the union" inflation'), { snippetLength: 120 });
    expect(h.snippet.startsWith('…')).toBe(true);
    expect(h.snippet.endsWith('…')).toBe(true);
    expect(h.snippet).toContain('<mark>state of the union</mark>');
    expect(h.snippet.match(/<mark>inflation<\/mark>/g)?.length).toBe(2);
    const plain = h.snippet.replace(/<\/?mark>/g, '').replace(/…/g, '');
    expect(plain.length).toBeLessThanOrEqual(140);
    // word boundaries: snippet text appears in the paragraph and starts/ends on whole words
    expect(plain).toMatch(/^\S.*\S$/);
    expect(idx.highlight(1, parseQuery('inflation')).title).toBe('Long story');
  });
  it('falls back to the lead when only the title matches', () => {
    const h = idx.highlight(1, parseQuery('story'));
    expect(h.titleMatched).toBe(true);
    expect(h.snippet).toBe('Intro paragraph without the word.');
  });
  it('throws for an unknown document', () => {
    expect(() => idx.highlight(99, parseQuery('x1'))).toThrow(RangeError);
  });
});

describe('moreLikeThis', () => {
  const idx = SearchIndex.build([
    doc('Chelsea win league title', 'Chelsea beat Arsenal in the football league match at Stamford Bridge.', 'The striker scored twice.'),
    doc('Central bank raises interest rates', 'The central bank raised interest rates to curb inflation.', 'Economists expected the move.'),
    doc('Arsenal lose to Chelsea', 'Arsenal lost the league football match to Chelsea; the striker was injured.', 'Fans were angry.'),
    doc('New phone launched', 'A mobile phone maker launched a handset with a camera.', 'Sales begin next month.'),
    doc('Inflation hits high', 'Inflation rose, and the central bank may raise interest rates again.', 'Markets fell.'),
  ]);
  it('returns the topical neighbour first and excludes the document itself', () => {
    expect(idx.moreLikeThis(0, 3)[0]?.doc).toBe(2);
    expect(idx.moreLikeThis(1, 3)[0]?.doc).toBe(4);
    for (const d of [0, 1, 2, 3, 4]) expect(idx.moreLikeThis(d, 10).map((x) => x.doc)).not.toContain(d);
    const r = idx.moreLikeThis(2, 10);
    for (let i = 1; i < r.length; i++) expect(r[i - 1]!.score).toBeGreaterThanOrEqual(r[i]!.score);
    expect(idx.moreLikeThis(0, 0)).toEqual([]);
  });
});

describe('stem variants and units', () => {
  const idx = SearchIndex.build([
    doc('Report', 'The president spoke.', filler),
    doc('Report', 'The presidency ended.', filler),
    doc('Speed', 'Broadband at 2Mbps; he ran 7.96secs.', filler),
    doc('Quote', "He couldn't say; O'Brien agreed.", filler),
    doc('Quote', 'To be or not to be.', filler),
  ]);
  it('stemming conflates forms, but the exact form typed ranks first', () => {
    expect(matched(idx, 'presidency')).toEqual([0, 1]); // Porter: both stem to "presid"
    expect(ranked(idx, 'presidency')[0]).toBe(1);
    expect(ranked(idx, 'president')[0]).toBe(0);
  });
  it('unit suffixes of numbers are searchable', () => {
    expect(matched(idx, 'mbps')).toEqual([2]);
    expect(matched(idx, 'secs')).toEqual([2]);
    expect(matched(idx, '2Mbps')).toEqual([2]);
  });
  it('contractions and names with apostrophes', () => {
    expect(matched(idx, "couldn't")).toEqual([3]);
    expect(matched(idx, 'couldnt')).toEqual([3]);
    expect(matched(idx, "O'Brien")).toEqual([3]);
    expect(matched(idx, 'obrien')).toEqual([3]);
  });
  it('a phrase of stop words only is matched from positions', () => {
    expect(matched(idx, '"to be or not to be"')).toEqual([4]);
    expect(matched(idx, '"not to be or"')).toEqual([]);
  });
});
