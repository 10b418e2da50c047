/**
 * Tokeniser for English news text, shared by indexing, query parsing and highlighting so
 * that all three always agree on what a "term" is.
 *
 * Rules (each token keeps the `start`/`end` offsets of its surface form in the original text,
 * so highlighting can mark exactly what was matched):
 *
 * - **Words** are runs of letters/digits (any script), optionally joined by inner apostrophes,
 *   hyphens, dots, commas or `&` (`Shell's`, `well-known`, `U.S`, `522,000`, `M&S`).
 *   Anything else (spaces, punctuation, currency signs, `%`) separates words.
 * - **Case and accent folding**: lower-cased, then NFKD with combining marks stripped
 *   (`Café` → `cafe`). Smart apostrophes (`’`) behave like `'`.
 * - **Possessives**: a trailing `'s` is dropped (`Shell's` → `shell`).
 * - **Hyphenated words and other inner apostrophes** (`well-known`, `couldn't`, `O'Brien`)
 *   produce one token per part (`well`, `known`, at consecutive positions, so the phrase
 *   `"well known"` and the query `well-known` match), plus an extra *compound* token
 *   (`wellknown`, `couldnt`, `obrien`; flagged `compound`, sharing the first part's position and
 *   spanning the whole surface word) so that `payoff` finds `pay-off`, `email` finds `e-mail` and
 *   `dont` finds `don't`. Compounds are only made from all-letter parts.
 * - **Numbers and money**: digit groups keep inner dots and lose commas; a unit suffix stays
 *   attached: `$1m` → `1m`, `£522,000` → `522000`, `£82.7m` → `82.7m`, `2021` → `2021`,
 *   `20%` → `20`. Numbers are never stemmed. A unit suffix of 2+ letters is also indexed on its
 *   own (`2Mbps` → `2mbps` and `mbps`). (`$`, `£`, `%` themselves are not searchable.)
 * - **Dotted acronyms** (`U.K.`, `E.U.`) lose their dots (`uk`, `eu`). Because `us` is also the
 *   pronoun (a stop word), `U.S.`, `U.S`, the all-capitals word `US` and `USA` all become the
 *   token `usa`, while lower-case / capitalised `us`/`Us` stays the pronoun.
 * - Other inner dots/commas split words (`bbc.co.uk` → `bbc`, `co`, `uk`). `&` stays inside a
 *   word (`M&S` → `m&s`, not the honorific `ms`).
 * - **Stemming**: pure a–z words go through the Porter stemmer (`rates` → `rate`,
 *   `running` → `run`).
 * - **Stop words** ({@link STOP_WORDS}, checked on the folded word before stemming) are emitted
 *   with `stop: true` and consume a position. They are ignored in queries outside phrases; the
 *   index keeps their positions only so that phrases containing them match exactly.
 * - **Languages**: the rules above are English's {@link Analyzer}. An article in another language
 *   is analysed by its own ({@link analyzerFor}): that language's Snowball stemmer and stop
 *   words (@orama/stemmers, @orama/stopwords), or, for a language without a stemmer, folding
 *   only and no stop words. Other languages' stems carry their language (`fr:elect`), so an
 *   English query never matches a French stem and a French query never an English one.
 */
import { stemmer } from 'stemmer';
import { stemmer as arabicStemmer } from '@orama/stemmers/arabic';
import { stemmer as bulgarianStemmer } from '@orama/stemmers/bulgarian';
import { stemmer as danishStemmer } from '@orama/stemmers/danish';
import { stemmer as germanStemmer } from '@orama/stemmers/german';
import { stemmer as greekStemmer } from '@orama/stemmers/greek';
import { stemmer as spanishStemmer } from '@orama/stemmers/spanish';
import { stemmer as finnishStemmer } from '@orama/stemmers/finnish';
import { stemmer as frenchStemmer } from '@orama/stemmers/french';
import { stemmer as irishStemmer } from '@orama/stemmers/irish';
import { stemmer as hungarianStemmer } from '@orama/stemmers/hungarian';
import { stemmer as armenianStemmer } from '@orama/stemmers/armenian';
import { stemmer as indonesianStemmer } from '@orama/stemmers/indonesian';
import { stemmer as italianStemmer } from '@orama/stemmers/italian';
import { stemmer as lithuanianStemmer } from '@orama/stemmers/lithuanian';
import { stemmer as nepaliStemmer } from '@orama/stemmers/nepali';
import { stemmer as dutchStemmer } from '@orama/stemmers/dutch';
import { stemmer as norwegianStemmer } from '@orama/stemmers/norwegian';
import { stemmer as portugueseStemmer } from '@orama/stemmers/portuguese';
import { stemmer as romanianStemmer } from '@orama/stemmers/romanian';
import { stemmer as russianStemmer } from '@orama/stemmers/russian';
import { stemmer as serbianStemmer } from '@orama/stemmers/serbian';
import { stemmer as swedishStemmer } from '@orama/stemmers/swedish';
import { stemmer as tamilStemmer } from '@orama/stemmers/tamil';
import { stemmer as turkishStemmer } from '@orama/stemmers/turkish';
import { stemmer as ukrainianStemmer } from '@orama/stemmers/ukrainian';
import { stopwords as arabicStopWords } from '@orama/stopwords/arabic';
import { stopwords as bulgarianStopWords } from '@orama/stopwords/bulgarian';
import { stopwords as danishStopWords } from '@orama/stopwords/danish';
import { stopwords as germanStopWords } from '@orama/stopwords/german';
import { stopwords as spanishStopWords } from '@orama/stopwords/spanish';
import { stopwords as finnishStopWords } from '@orama/stopwords/finnish';
import { stopwords as frenchStopWords } from '@orama/stopwords/french';
import { stopwords as irishStopWords } from '@orama/stopwords/irish';
import { stopwords as hungarianStopWords } from '@orama/stopwords/hungarian';
import { stopwords as armenianStopWords } from '@orama/stopwords/armenian';
import { stopwords as indonesianStopWords } from '@orama/stopwords/indonesian';
import { stopwords as italianStopWords } from '@orama/stopwords/italian';
import { stopwords as lithuanianStopWords } from '@orama/stopwords/lithuanian';
import { stopwords as nepaliStopWords } from '@orama/stopwords/nepali';
import { stopwords as dutchStopWords } from '@orama/stopwords/dutch';
import { stopwords as norwegianStopWords } from '@orama/stopwords/norwegian';
import { stopwords as portugueseStopWords } from '@orama/stopwords/portuguese';
import { stopwords as romanianStopWords } from '@orama/stopwords/romanian';
import { stopwords as russianStopWords } from '@orama/stopwords/russian';
import { stopwords as serbianStopWords } from '@orama/stopwords/serbian';
import { stopwords as swedishStopWords } from '@orama/stopwords/swedish';
import { stopwords as tamilStopWords } from '@orama/stopwords/tamil';
import { stopwords as turkishStopWords } from '@orama/stopwords/turkish';
import { stopwords as ukrainianStopWords } from '@orama/stopwords/ukrainian';

/**
 * A small English stop-word list (Lucene's classic list plus a few very frequent pronouns and
 * auxiliaries). Deliberately short: every word here becomes unsearchable on its own.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'for', 'from', 'had', 'has',
  'have', 'he', 'her', 'his', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'no', 'not', 'of', 'on',
  'or', 'our', 'she', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this',
  'to', 'us', 'was', 'we', 'were', 'which', 'will', 'with', 'you',
]);

/** How one language's words are stemmed and which are stop words. */
export interface Analyzer {
  /** ISO 639-1 code. */
  readonly language: string;
  /** Stem of a folded word (other languages' stems start with `language:`, so they never meet English ones). */
  stem(folded: string): string;
  /**
   * The same stem, not memoised: for a caller that stems each word once (a segment's
   * vocabulary, whose words are distinct), so its words do not fill the memo that queries and
   * highlighting read (up to 200,000 entries, about 7 MB of table at 100,000 articles).
   */
  stemOnce(folded: string): string;
  isStopWord(folded: string): boolean;
}

/** English: the Porter stemmer on plain a–z words and {@link STOP_WORDS} (the engine's original analysis). */
export const ENGLISH: Analyzer = { language: 'en', stem, stemOnce: stemUnmemoised, isStopWord: (w) => STOP_WORDS.has(w) };

/** One token of a text. */
export interface Token {
  /** Normalised (folded, stemmed) term: what queries match on (`Rates` → `rate`). */
  readonly term: string;
  /** Folded but unstemmed word (`Rates` → `rates`): the key stored in the index. */
  readonly word: string;
  /** Offset of the first UTF-16 code unit of the surface form in the input. */
  readonly start: number;
  /** Offset just past the surface form. */
  readonly end: number;
  /** Word position (0-based, counts stop words; compounds share their first part's position). */
  readonly position: number;
  /** True for stop words (not indexed, but they occupy a position). */
  readonly stop: boolean;
  /** True for the extra joined token of a hyphenated word (`wellknown` for `well-known`). */
  readonly compound: boolean;
}

/**
 * Callback form used on hot paths (no object per token). `known`: when the word came from a
 * {@link WordCache}, its entry number there (the same word, analysed the same way, always has
 * the same number), else undefined.
 */
export type TokenSink = (
  term: string,
  start: number,
  end: number,
  position: number,
  stop: boolean,
  compound: boolean,
  word: string,
  known?: number,
) => void;

/**
 * What a word match is, as a regex source (flags `gu`): the specification of the hand-written
 * scanner ({@link wordMatches}), which tests check against it.
 */
export const WORD_PATTERN = "[\\p{L}\\p{N}\\p{M}]+(?:[-'\\u2019\\u2010\\u2011\\u2012\\u2013.,&][\\p{L}\\p{N}\\p{M}]+)*";
const HYPHEN_RE = /[-'\u2019\u2010\u2011\u2012\u2013]/u;
const HYPHEN_SPLIT_RE = /[-'\u2019\u2010\u2011\u2012\u2013]/gu;
const ACRONYM_RE = /^(?:\p{L}\.)+\p{L}$/u;
const NUMBER_RE = /^\p{N}[\p{N}.,]*\p{L}*$/u;
const DOT_SPLIT_RE = /[.,]/gu;
const APOS_RE = /['\u2019]/gu;
const POSSESSIVE_RE = /['\u2019][sS]$/u;
const ASCII_LOWER_RE = /^[a-z]+$/;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
const NON_ASCII_RE = /[^\x00-\x7f]/;
const MARKS_RE = /\p{M}+/gu;
/**
 * Folding leaves nothing of a word only if it is all combining marks (all at U+0300 or above)
 * and halfwidth katakana sound marks U+FF9E/U+FF9F (NFKD makes them combining); checked over
 * all code points.
 */
const FOLDS_TO_NOTHING_RE = /^[\p{M}\uff9e\uff9f]+$/u;
function foldsToNothing(w: string): boolean {
  return w.charCodeAt(0) >= 0x300 && FOLDS_TO_NOTHING_RE.test(w);
}

const STEM_CACHE_MAX = 200_000;
const stemCache = new Map<string, string>();

/** Lower-case + accent fold (NFKD, combining marks removed). */
export function fold(word: string): string {
  const lower = word.toLowerCase();
  return NON_ASCII_RE.test(lower) ? lower.normalize('NFKD').replace(MARKS_RE, '') : lower;
}

function stemUnmemoised(folded: string): string {
  return ASCII_LOWER_RE.test(folded) ? stemmer(folded) : folded;
}

/** Stem a folded word if it is plain a–z (memoised; the stemmer is the hot spot of indexing). */
export function stem(folded: string): string {
  let s = stemCache.get(folded);
  if (s !== undefined) return s;
  s = stemUnmemoised(folded);
  if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
  stemCache.set(folded, s);
  return s;
}

interface State {
  pos: number;
  /** False: emit the unstemmed word as `term` too (for callers that only use `word`). */
  stem: boolean;
  analyzer: Analyzer;
  /**
   * The word cache's table for `analyzer` when terms are unstemmed, so the words the full analysis
   * makes (parts of `well-known`, `Shell's`, compounds, a number's digits) reach the sink with their
   * entry number too ({@link WordTable.numberOf}); null otherwise.
   */
  table: WordTable | null;
}

/**
 * Emit the tokens of one hyphen-free segment. Returns the folded-but-unstemmed words it produced
 * (used to build compounds), or null when the segment is not a plain word. With a null `sink`
 * the positions are only counted (`st.pos` advanced exactly as when emitting; nothing folded or
 * stemmed; the return value is then meaningless).
 */
function emitSegment(seg: string, offset: number, st: State, sink: TokenSink | null): string | null {
  let s = seg;
  if (POSSESSIVE_RE.test(s)) s = s.slice(0, -2);
  if (s.length === 0) return null;
  if (s.includes('.') || s.includes(',')) {
    if (ACRONYM_RE.test(s)) {
      if (sink === null) {
        st.pos++;
        return null;
      }
      let t = fold(s.replace(DOT_SPLIT_RE, ''));
      if (t === 'us') t = 'usa';
      sink(st.stem ? st.analyzer.stem(t) : t, offset, offset + s.length, st.pos++, false, false, t, st.table?.numberOf(t, false));
      return null;
    }
    if (NUMBER_RE.test(s)) {
      emitNumber(s, offset, st, sink);
      return null;
    }
    // split on dots/commas into separate words
    DOT_SPLIT_RE.lastIndex = 0;
    let from = 0;
    for (;;) {
      const m = DOT_SPLIT_RE.exec(s);
      const to = m ? m.index : s.length;
      if (to > from) emitWord(s.slice(from, to), offset + from, st, sink);
      if (!m) break;
      from = to + 1;
    }
    return null;
  }
  if (NUMBER_RE.test(s)) {
    emitNumber(s, offset, st, sink);
    return null;
  }
  return emitWord(s, offset, st, sink);
}

/**
 * A number, commas removed, unit suffix kept (`82.7m`, `1990s`). A unit suffix of 2+ letters
 * is also emitted as an extra (compound-flagged) token at the same position, so `mbps` finds
 * `2Mbps` and `secs` finds `7.96secs`.
 */
function emitNumber(s: string, offset: number, st: State, sink: TokenSink | null): void {
  if (sink === null) {
    st.pos++;
    return;
  }
  const t = fold(s.replace(/,/g, ''));
  const pos = st.pos++;
  sink(st.stem ? st.analyzer.stem(t) : t, offset, offset + s.length, pos, false, false, t, st.table?.numberOf(t, false));
  const unit = /\p{L}{2,}$/u.exec(s);
  if (unit !== null) {
    const u = fold(unit[0]);
    if (!st.analyzer.isStopWord(u)) sink(st.stem ? st.analyzer.stem(u) : u, offset + unit.index, offset + s.length, pos, false, true, u, st.table?.numberOf(u, false));
  }
}

/**
 * `text[s, e)` is `US` or `USA` in capitals: the country, the token `usa` (`us` and `Us` are the
 * pronoun). One definition for {@link emitWord} and the word cache's scan ({@link WordTable.emit}).
 */
function isCapitalUsa(text: string, s: number, e: number): boolean {
  const length = e - s;
  return (length === 2 || length === 3) && text.charCodeAt(s) === 0x55 && text.charCodeAt(s + 1) === 0x53 && (length === 2 || text.charCodeAt(s + 2) === 0x41);
}

/** Emit one simple word (may still contain apostrophes or `&`). Returns its folded form. */
function emitWord(w: string, offset: number, st: State, sink: TokenSink | null): string | null {
  if (sink === null) {
    // one position unless folding leaves nothing (apostrophes never get here: split off before)
    if (!foldsToNothing(w)) st.pos++;
    return null;
  }
  const end = offset + w.length;
  if (isCapitalUsa(w, 0, w.length)) {
    sink('usa', offset, end, st.pos++, false, false, 'usa', st.table?.numberOf('usa', false));
    return 'usa';
  }
  let f = fold(w);
  if (f.includes("'") || f.includes('\u2019')) f = f.replace(APOS_RE, '');
  if (f.length === 0) return null;
  if (st.analyzer.isStopWord(f)) {
    sink(f, offset, end, st.pos++, true, false, f, st.table?.numberOf(f, true));
    return f;
  }
  sink(st.stem ? st.analyzer.stem(f) : f, offset, end, st.pos++, false, false, f, st.table?.numberOf(f, false));
  return f;
}

/** Emit the tokens of one {@link WORD_PATTERN} match `raw` found at offset `start`. */
function emitMatch(raw0: string, start: number, st: State, sink: TokenSink | null): void {
  let raw = raw0;
  if (POSSESSIVE_RE.test(raw)) raw = raw.slice(0, -2);
  if (!HYPHEN_RE.test(raw)) {
    emitSegment(raw, start, st, sink);
    return;
  }
  // hyphenated: each part, then the compound of all-letter parts
  const firstPos = st.pos;
  let compound = '';
  let allWords = true;
  let from = 0;
  HYPHEN_SPLIT_RE.lastIndex = 0;
  for (;;) {
    const h = HYPHEN_SPLIT_RE.exec(raw);
    const to = h ? h.index : raw.length;
    const part = raw.slice(from, to);
    const w = emitSegment(part, start + from, st, sink);
    if (w === null || !ASCII_LOWER_RE.test(w)) allWords = false;
    else compound += w;
    if (!h) break;
    from = to + 1;
  }
  if (sink !== null && allWords && compound.length > 0 && !st.analyzer.isStopWord(compound)) {
    sink(st.stem ? st.analyzer.stem(compound) : compound, start, start + raw.length, firstPos, false, true, compound, st.table?.numberOf(compound, false));
  }
}

/**
 * Scan `text`, calling `sink` for each token. Positions start at `startPosition`; returns the
 * position after the last token (so callers can chain fields and leave gaps between them).
 * With `stemTerms = false` the `term` passed to `sink` is the unstemmed word (same as `word`):
 * cheaper for callers that only use `word` (indexing).
 */
export function scanTokens(
  text: string,
  sink: TokenSink,
  startPosition = 0,
  stemTerms = true,
  analyzer: Analyzer = ENGLISH,
  resumePoints?: ResumePointSink,
  words?: WordCache,
): number {
  // Terms are the words themselves when unstemmed: then a plain word can come from the cache.
  const known = words !== undefined && !stemTerms ? words.of(analyzer) : null;
  const st: State = { pos: startPosition, stem: stemTerms, analyzer, table: known };
  const n = text.length;
  let i = 0;
  let nextResumePoint = resumePoints ? startPosition + resumePoints.every : Infinity;
  for (;;) {
    i = skipNonWord(text, i);
    if (i >= n) break;
    const s = i;
    if (st.pos >= nextResumePoint) {
      resumePoints!.add(s, st.pos);
      nextResumePoint = st.pos + resumePoints!.every;
    }
    if (known !== null) {
      const end = known.emitFrom(text, s, st, sink);
      if (end >= 0) {
        i = end;
        continue;
      }
    }
    const match = matchEnd(text, s);
    i = matchEndOffset(match);
    const raw = text.slice(s, i);
    if (matchSplits(match)) emitMatch(raw, s, st, sink);
    else emitPlain(raw, s, st, sink);
  }
  return st.pos;
}

/**
 * The folded words of plain ASCII words met so far, one table per analyzer, for
 * {@link scanTokens} over many texts (an index segment's articles): a word seen before is found
 * by a hash of its characters, made while reading them from the text, and handed to the sink
 * as the same string object every time with its entry number (`known`, see {@link TokenSink}),
 * so no word string is cut, lower-cased or hashed again, and the sink can keep what it knows
 * of a word by that number instead of looking the word up. Same tokens as without it
 * (tests/search/tokenize.test.ts).
 */
export class WordCache {
  private readonly tables = new Map<Analyzer, WordTable>();
  /** Entries made so far, over every table (entry numbers are unique in the cache). */
  entries = 0;

  /** The table of words analysed by `analyzer` (stop words differ between languages). */
  of(analyzer: Analyzer): WordTable {
    let table = this.tables.get(analyzer);
    if (table === undefined) this.tables.set(analyzer, (table = new WordTable(analyzer, this)));
    return table;
  }
}

/** Characters a {@link WordTable} slot holds of its word (six bits each, five to a number). */
const PACKED_CHARACTERS = 10;
/** Set in a slot's second packed number when the word is longer than the slot holds (then the word itself is compared). */
const LONGER = 1 << 30;

/**
 * Open addressing over entries (word, stop word or not, entry number); see {@link WordCache}.
 * A slot holds the word's first ten characters packed (six bits each), so a probe confirms a
 * word of up to ten characters, most of them, without reading the word string (a cache miss
 * per token when it was compared: a third of the lookup).
 */
class WordTable {
  private words: string[] = [];
  private stops = new Uint8Array(1024);
  private numbers = new Int32Array(1024);
  /** Per slot, side by side so a probe reads one place: the word's hash, its entry + 1 (0: free), its packed characters (two numbers). */
  private slots = new Int32Array(4 * 2048);
  private mask = 2047;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly cache: WordCache,
  ) {}

  /** Entry of `usa`, the word `US` and `USA` in capitals are (-1: not made yet). */
  private usa = -1;

  /**
   * Reads the match starting at `s` and emits it as {@link emitWord} or {@link emitNumber} would,
   * when it is a plain word of ASCII letters and digits starting with a letter, or ASCII digits
   * alone (a number with no unit, not a stop word), and returns its end; -1, emitting nothing, for
   * any other match (the caller scans it as usual). One pass over the characters finds the match's
   * end, lower-cases, hashes and packs them (the scan's hot loop: most of a text's matches end
   * here). `US` and `USA` in capitals are the entry of `usa` (a country in every news text: a tenth
   * of the words a segment build met without the cache, with the numbers another quarter).
   */
  emitFrom(text: string, s: number, st: State, sink: TokenSink): number {
    const n = text.length;
    let c = text.charCodeAt(s);
    const digitsOnly = c >= 0x30 && c <= 0x39;
    // a number with letters (`1990s`, `2mbps`) may have a unit token: emitNumber's
    let plain = true;
    let h = 0x811c9dc5 | 0;
    // Six bits a character, never 0 (a–z 1-26, 0–9 27-36): the count of characters is in the number.
    let first = 0;
    let second = 0;
    let e = s;
    for (; e < n; e++) {
      c = text.charCodeAt(e);
      let code: number;
      if (c >= 0x61 && c <= 0x7a) {
        code = c - 0x60;
        if (digitsOnly) plain = false;
      } else if (c >= 0x30 && c <= 0x39) code = c - 0x30 + 27;
      else if (c >= 0x41 && c <= 0x5a) {
        code = c - 0x40;
        c += 0x20;
        if (digitsOnly) plain = false;
      } else break;
      h = Math.imul(h ^ c, 0x01000193);
      const at = e - s;
      if (at < 5) first = (first << 6) | code;
      else if (at < PACKED_CHARACTERS) second = (second << 6) | code;
    }
    // The match goes on past e (a letter outside ASCII, or a joiner before a word character), or starts outside ASCII.
    if (e === s || (e < n && ((c >= 0x80 && wordCharLength(text, e) !== 0) || (isJoiner(c) && e + 1 < n && wordCharLength(text, e + 1) !== 0)))) return -1;
    if (!plain) return -1;
    let entry: number;
    if (isCapitalUsa(text, s, e)) {
      if (this.usa < 0) this.usa = this.entryOf('usa', 0, 3);
      entry = this.usa;
      // emitWord's `usa` is never a stop word
      if (entry < 0 || this.stops[entry] === 1) return -1;
    } else {
      entry = this.entryOfHashed(text, s, e, h, first, second, digitsOnly);
      if (entry < 0) return -1;
    }
    const word = this.words[entry]!;
    sink(word, s, e, st.pos++, this.stops[entry] === 1, false, word, this.numbers[entry]);
    return e;
  }

  /**
   * The entry number of a word the full analysis made (folded: a part of `well-known`, the word
   * of `Shell's`, a compound, a number's digits, a unit), when {@link entryOf} takes it as a plain
   * match and its entry is analysed as `stop` says; undefined otherwise. Added when new: the same
   * word met later as a plain match is the same entry, so the sink keeps one number per word.
   */
  numberOf(word: string, stop: boolean): number | undefined {
    // A folded word can still hold capitals (NFKD of `𝐀` is `A`): a different word from its lower case, left to the sink.
    const entry = this.entryOf(word, 0, word.length, true);
    return entry >= 0 && (this.stops[entry] === 1) === stop ? this.numbers[entry] : undefined;
  }

  /**
   * The entry of the match `text[s, e)`, added when new (capitals folded, unless `lowerCaseOnly`);
   * -1 when it is not a plain ASCII word or number of digits alone.
   */
  private entryOf(text: string, s: number, e: number, lowerCaseOnly = false): number {
    let c = text.charCodeAt(s);
    const digitsOnly = c >= 0x30 && c <= 0x39;
    if (!digitsOnly && !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a))) return -1;
    let h = 0x811c9dc5 | 0;
    // Six bits a character, never 0 (a–z 1-26, 0–9 27-36): the count of characters is in the number.
    let first = 0;
    let second = 0;
    for (let k = s; k < e; k++) {
      c = text.charCodeAt(k);
      let code: number;
      if (c >= 0x30 && c <= 0x39) code = c - 0x30 + 27;
      // a number with letters (`1990s`, `2mbps`) may have a unit token: emitNumber's
      else if (digitsOnly) return -1;
      else if (c >= 0x61 && c <= 0x7a) code = c - 0x60;
      else if (c >= 0x41 && c <= 0x5a && !lowerCaseOnly) {
        c += 0x20;
        code = c - 0x60;
      } else return -1;
      h = Math.imul(h ^ c, 0x01000193);
      const at = k - s;
      if (at < 5) first = (first << 6) | code;
      else if (at < PACKED_CHARACTERS) second = (second << 6) | code;
    }
    return this.entryOfHashed(text, s, e, h, first, second, digitsOnly);
  }

  /** {@link entryOf} once the characters of `text[s, e)` are hashed (FNV-1a of the lower-cased characters) and packed. */
  private entryOfHashed(text: string, s: number, e: number, h: number, first: number, second: number, digitsOnly: boolean): number {
    const length = e - s;
    if (length > PACKED_CHARACTERS) second |= LONGER;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h ^= h >>> 13;
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = 4 * slot;
      const entry = slots[at + 1]! - 1;
      if (entry < 0) break;
      if (slots[at] !== h || slots[at + 2] !== first || slots[at + 3] !== second) continue;
      if (second & LONGER && !sameFolded(text, s, this.words[entry]!, length)) continue;
      return entry;
    }
    // ASCII: folding is lower-casing alone.
    const word = text.slice(s, e).toLowerCase();
    const stop = this.analyzer.isStopWord(word);
    // emitNumber never makes a stop word: such a number is left to it
    if (digitsOnly && stop) return -1;
    return this.add(word, h, first, second, stop);
  }

  /** Adds an entry; returns it (its place in the table, not its number). */
  private add(word: string, h: number, first: number, second: number, stop: boolean): number {
    const entry = this.words.length;
    if (entry === this.stops.length) {
      const stops = new Uint8Array(entry * 2);
      stops.set(this.stops);
      this.stops = stops;
      const numbers = new Int32Array(entry * 2);
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    this.words.push(word);
    this.stops[entry] = stop ? 1 : 0;
    this.numbers[entry] = this.cache.entries++;
    // At most half full: short probe runs.
    if (2 * (entry + 1) > this.mask + 1) {
      const old = this.slots;
      this.slots = new Int32Array(2 * old.length);
      this.mask = this.slots.length / 4 - 1;
      for (let k = 0; k < old.length; k += 4) if (old[k + 1] !== 0) this.place(old[k]!, old[k + 1]! - 1, old[k + 2]!, old[k + 3]!);
    }
    this.place(h, entry, first, second);
    return entry;
  }

  private place(h: number, entry: number, first: number, second: number): void {
    const mask = this.mask;
    let slot = h & mask;
    while (this.slots[4 * slot + 1] !== 0) slot = (slot + 1) & mask;
    this.slots[4 * slot] = h;
    this.slots[4 * slot + 1] = entry + 1;
    this.slots[4 * slot + 2] = first;
    this.slots[4 * slot + 3] = second;
  }
}

/** Whether `text[s, s + length)` lower-cased (ASCII) is `word`. */
function sameFolded(text: string, s: number, word: string, length: number): boolean {
  if (word.length !== length) return false;
  for (let k = 0; k < length; k++) {
    let c = text.charCodeAt(s + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Where a scan can be resumed: {@link scanTokens} reports the character offset and position of
 * the {@link WORD_PATTERN} match that starts at or first after every `every` positions of a
 * text (none at the text's start), so {@link scanTokensSparse} can jump straight to the
 * neighbourhood of a wanted position instead of scanning the text from its start.
 */
export interface ResumePointSink {
  readonly every: number;
  add(offset: number, position: number): void;
}

/**
 * Resume points of one text (see {@link ResumePointSink}): entries `[from, to)` of `positions`
 * (ascending) and `offsets`.
 */
export interface ResumePoints {
  readonly positions: ArrayLike<number>;
  readonly offsets: ArrayLike<number>;
  readonly from: number;
  readonly to: number;
}

/**
 * A match without joiners other than `&` (what {@link emitMatch} would do with it: no
 * possessive, no hyphen, no dot or comma).
 */
function emitPlain(raw: string, start: number, st: State, sink: TokenSink | null): void {
  const c = raw.charCodeAt(0);
  // an ASCII letter first: not a number (NUMBER_RE starts with a digit)
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) emitWord(raw, start, st, sink);
  else emitSegment(raw, start, st, sink);
}

/**
 * Like {@link scanTokens}, but only guaranteed to emit the tokens at the positions `p` with
 * `want[p - startPosition] !== 0` (`p - startPosition < wantLength`): plain words elsewhere
 * are only counted (not folded or stemmed), and scanning stops after the last wanted
 * position. Positions and offsets of the emitted tokens are exactly those of `scanTokens`.
 * Used by highlighting, which knows from the index where the matches are.
 */
export function scanTokensSparse(
  text: string,
  sink: TokenSink,
  startPosition: number,
  want: Uint8Array,
  wantLength: number,
  analyzer: Analyzer = ENGLISH,
  resume?: ResumePoints,
): void {
  const st: State = { pos: startPosition, stem: true, analyzer, table: null };
  const end = startPosition + wantLength;
  const n = text.length;
  let i = 0;
  let nextWanted = 0; // want index of the next wanted position at or after st.pos
  let point = resume ? resume.from : 0;
  while (st.pos < end) {
    if (resume) {
      // jump to the last resume point at or before the next wanted position: a match start whose
      // position scanTokens recorded, so the scan goes on exactly as from the text's start
      while (nextWanted < wantLength && (want[nextWanted] === 0 || startPosition + nextWanted < st.pos)) nextWanted++;
      if (nextWanted >= wantLength) break;
      const target = startPosition + nextWanted;
      while (point < resume.to && resume.positions[point]! <= target) {
        if (resume.positions[point]! > st.pos) {
          i = resume.offsets[point]!;
          st.pos = resume.positions[point]!;
        }
        point++;
      }
    }
    i = skipNonWord(text, i);
    if (i >= n) break;
    const s = i;
    const match = matchEnd(text, s);
    i = matchEndOffset(match);
    const at = st.pos;
    if (!matchSplits(match)) {
      // a plain word or number: one position (see emitSegment/emitWord), none if folding leaves nothing
      if (want[at - startPosition] !== 0) emitPlain(text.slice(s, i), s, st, sink);
      else if (text.charCodeAt(s) < 0x300 || !foldsToNothing(text.slice(s, i))) st.pos++;
      continue;
    }
    // may be several tokens: count them, emit only if one of their positions is wanted
    const raw = text.slice(s, i);
    emitMatch(raw, s, st, null);
    for (let p = at; p < st.pos && p < end; p++) {
      if (want[p - startPosition] !== 0) {
        st.pos = at;
        emitMatch(raw, s, st, sink);
        break;
      }
    }
  }
}

/** `[start, end)` of every {@link WORD_PATTERN} match of `text`, in order (as the scanners see them). */
export function wordMatches(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  for (;;) {
    i = skipNonWord(text, i);
    if (i >= text.length) break;
    const s = i;
    i = matchEndOffset(matchEnd(text, s));
    out.push([s, i]);
  }
  return out;
}

/** First index `>= i` where a WORD_PATTERN match starts (`text.length` if none). */
function skipNonWord(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    // ASCII by the table alone (its classes are set in advance): most of news text
    if (c < 128) {
      if (BMP_CLASS[c] === 1) return i;
      i++;
    } else if (wordCharLength(text, i) !== 0) return i;
    else i += charLength(text, i);
  }
  return i;
}

/**
 * End of the WORD_PATTERN match starting at `s` (a hand-written equivalent, no match objects, ASCII
 * by table): a run of word characters, extended over single joiners followed by a word
 * character. Returns the end offset and whether the match contains a joiner other than `&`,
 * packed in one number (read with {@link matchEndOffset} and {@link matchSplits}) so the hot
 * loop allocates nothing.
 */
function matchEnd(text: string, s: number): number {
  const n = text.length;
  let i = s;
  let split = false;
  for (;;) {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        if (BMP_CLASS[c] !== 1) break;
        i++;
      } else {
        const w = wordCharLength(text, i);
        if (w === 0) break;
        i += w;
      }
    }
    if (i + 1 < n && isJoiner(text.charCodeAt(i)) && wordCharLength(text, i + 1) !== 0) {
      if (text.charCodeAt(i) !== 0x26) split = true;
      i++;
      continue;
    }
    break;
  }
  return i * 2 + (split ? 1 : 0);
}

/** End offset of a {@link matchEnd} result. */
function matchEndOffset(match: number): number {
  return Math.floor(match / 2);
}

/** True when a {@link matchEnd} result's match contains a joiner other than `&` (it may split into several tokens). */
function matchSplits(match: number): boolean {
  return match % 2 === 1;
}

/**
 * Characters joining word parts inside one WORD_PATTERN match: `-` `'` `.` `,` `&`, U+2019 and
 * U+2010-U+2013 (compared, not looked up in a set: this runs at the end of every word scanned).
 */
function isJoiner(c: number): boolean {
  return c < 128 ? c === 0x2d || c === 0x27 || c === 0x2e || c === 0x2c || c === 0x26 : c === 0x2019 || (c >= 0x2010 && c <= 0x2013);
}
const WORD_CHAR_RE = /^[\p{L}\p{N}\p{M}]$/u;
/** Per BMP code unit: 0 = unknown, 1 = word character, 2 = not (filled lazily). */
const BMP_CLASS = new Uint8Array(65536);
for (let c = 0; c < 128; c++) BMP_CLASS[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 1 : 2;

/** Code units of the character at `i` if it is a letter/digit/mark (WORD_PATTERN's class), else 0. */
function wordCharLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) return WORD_CHAR_RE.test(String.fromCodePoint(cp)) ? 2 : 0;
  }
  let k = BMP_CLASS[c]!;
  if (k === 0) BMP_CLASS[c] = k = WORD_CHAR_RE.test(String.fromCharCode(c)) ? 1 : 2;
  return k === 1 ? 1 : 0;
}

/** Code units of the character at `i` (2 for a surrogate pair). */
function charLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/**
 * Tokenise `text` into {@link Token}s (including stop words and compounds, flagged), in text
 * order (a compound follows its parts).
 */
export function tokenize(text: string, analyzer: Analyzer = ENGLISH): Token[] {
  const out: Token[] = [];
  scanTokens(
    text,
    (term, start, end, position, stop, compound, word) => {
      out.push({ term, word, start, end, position, stop, compound });
    },
    0,
    true,
    analyzer,
  );
  return out;
}

/** Indexed (non-stop) terms of `text`, in order; convenience for tests and tools. */
export function terms(text: string, analyzer: Analyzer = ENGLISH): string[] {
  const out: string[] = [];
  scanTokens(
    text,
    (term, _s, _e, _p, stop) => {
      if (!stop) out.push(term);
    },
    0,
    true,
    analyzer,
  );
  return out;
}

// Built after the folding helpers above: stop-word lists are folded like the words they meet.
const SNOWBALL: ReadonlyArray<[string, (word: string) => string, readonly string[]]> = [
  ['ar', arabicStemmer, arabicStopWords],
  ['bg', bulgarianStemmer, bulgarianStopWords],
  ['da', danishStemmer, danishStopWords],
  ['de', germanStemmer, germanStopWords],
  ['el', greekStemmer, []],
  ['es', spanishStemmer, spanishStopWords],
  ['fi', finnishStemmer, finnishStopWords],
  ['fr', frenchStemmer, frenchStopWords],
  ['ga', irishStemmer, irishStopWords],
  ['hu', hungarianStemmer, hungarianStopWords],
  ['hy', armenianStemmer, armenianStopWords],
  ['id', indonesianStemmer, indonesianStopWords],
  ['it', italianStemmer, italianStopWords],
  ['lt', lithuanianStemmer, lithuanianStopWords],
  ['ne', nepaliStemmer, nepaliStopWords],
  ['nl', dutchStemmer, dutchStopWords],
  ['no', norwegianStemmer, norwegianStopWords],
  ['pt', portugueseStemmer, portugueseStopWords],
  ['ro', romanianStemmer, romanianStopWords],
  ['ru', russianStemmer, russianStopWords],
  ['sr', serbianStemmer, serbianStopWords],
  ['sv', swedishStemmer, swedishStopWords],
  ['ta', tamilStemmer, tamilStopWords],
  ['tr', turkishStemmer, turkishStopWords],
  ['uk', ukrainianStemmer, ukrainianStopWords],
];

function snowballAnalyzer(language: string, stemWord: (word: string) => string, stopWords: readonly string[]): Analyzer {
  const stops = new Set(stopWords.map(fold));
  const prefix = `${language}:`;
  const stem = (w: string) => prefix + stemWord(w);
  return { language, stem, stemOnce: stem, isStopWord: (w) => stops.has(w) };
}

/** Analyzers by language; built once. Languages missing here get {@link unstemmedAnalyzer}. */
const ANALYZERS: ReadonlyMap<string, Analyzer> = new Map([['en', ENGLISH], ...SNOWBALL.map(([l, st, sw]) => [l, snowballAnalyzer(l, st, sw)] as const)]);

/** A language without a Snowball stemmer: words are only folded, none is a stop word. */
function unstemmedAnalyzer(language: string): Analyzer {
  const prefix = `${language}:`;
  const stem = (w: string) => prefix + w;
  return { language, stem, stemOnce: stem, isStopWord: () => false };
}

/** The analyzer of an article's (or query's) language; English when none is given. */
export function analyzerFor(language: string | null | undefined): Analyzer {
  if (!language) return ENGLISH;
  return ANALYZERS.get(language) ?? unstemmedAnalyzer(language);
}

/** Languages with a Snowball stemmer (English included). */
export const STEMMED_LANGUAGES: readonly string[] = [...ANALYZERS.keys()];
