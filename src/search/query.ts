/**
 * # Search query language
 *
 * - **Terms** are ANDed: `inflation rates` finds articles containing both words (in any field).
 *   Words are normalised like article text (case/accent folding, stemming, `£522,000` = `522000`,
 *   `U.S.` = `US` = `usa`), so `rates` also finds "rate". Stop words (`the`, `of`, ...) are
 *   ignored outside phrases; a query made only of stop words matches nothing.
 * - **OR** (upper case) between terms or groups: `oil OR gas`. AND binds tighter than OR, so
 *   `oil gas OR coal` means `(oil AND gas) OR coal`. An explicit upper-case `AND` is accepted.
 * - **Negation**: `-term`, `-"a phrase"`, `-(a OR b)`, `NOT term`, `NOT (a OR b)` exclude
 *   matching articles. Every AND-group needs at least one positive part: `-oil` alone, or
 *   `gas OR -oil`, is an error ("query needs at least one positive term").
 * - **Phrases**: `"exact phrase"` matches the words consecutively within one field (the title
 *   or a single paragraph). Stop words inside a phrase count: `"state of the union"` does not
 *   match "state for the union". A phrase made only of stop words matches nothing. A word with
 *   inner hyphens or dots (`well-known`) is searched as a phrase of its parts.
 * - **Grouping** with parentheses: `(oil OR gas) prices`.
 * - **Fields**: `title:word`, `title:"a phrase"`, `title:infla*`, `title:(a OR b)`; fields are
 *   `title`, `lead` (the first paragraph) and `body` (all paragraphs, lead included). A prefix
 *   counts as a field only when it is letters immediately followed by `:` and then a letter,
 *   digit, quote or `(`; so `10:30`, `U.S.:` or `note: x` are plain text. `foo:bar` with an
 *   unknown field name is an error ("unknown field 'foo'").
 * - **Prefix**: `infla*` matches indexed terms starting with `infla` (at least 2 characters
 *   before `*`). Only the most frequent expansions are used (bounded, default 200).
 * - **Limits**: at most `maxClauses` words in total (default 64), counting phrase words.
 *
 * Errors throw {@link QuerySyntaxError} with a 0-based character `position`: empty query,
 * unbalanced quote or parenthesis, empty parentheses or phrase, an operator without operand
 * (`OR`, `AND foo`, `foo OR`, `NOT`), a field scope with nothing after it (`title:`), a prefix shorter than 2 characters, unknown field, too
 * many terms, or a negative-only group.
 */
import { ENGLISH, fold, scanTokens, type Analyzer } from './tokenize.js';

/** Fields a query part can be restricted to. `body` = every paragraph, including the lead. */
export type SearchField = 'title' | 'lead' | 'body';

/** A single normalised term, e.g. `rates` → `rate`. */
export interface TermQuery {
  readonly type: 'term';
  /** Normalised (folded, stemmed) term: every indexed word with this stem matches. */
  readonly term: string;
  /** Folded unstemmed word as typed: the exact form, which scores above other forms of the stem. */
  readonly word: string;
  /** The word as the user typed it (for display). */
  readonly text: string;
  /** Field restriction, or null for all fields. */
  readonly field: SearchField | null;
  /** True when fuzzy matching may be applied to this term (plain word of 5+ letters). */
  readonly fuzzy: boolean;
  /** Character offset in the query string. */
  readonly position: number;
  /**
   * Stop words typed right before this word, since the group's previous part (folded; only on a
   * plain, unscoped, positive word). They match nothing on their own but add a little score to
   * the articles that hold them (`stopWordWeight`), and proximity counts them as gap.
   */
  readonly stopsBefore?: readonly string[];
  /** Stop words typed after the group's last plain word (only on that word): scored the same way. */
  readonly stopsAfter?: readonly string[];
}

/** Indexed words starting with `prefix` (folded, not stemmed). */
export interface PrefixQuery {
  readonly type: 'prefix';
  readonly prefix: string;
  readonly text: string;
  readonly field: SearchField | null;
  readonly position: number;
}

/**
 * Consecutive words. `terms[i]` (stemmed; `words[i]` unstemmed) is at relative position
 * `offsets[i]`; `stop[i]` marks stop words (matched exactly, by their word).
 */
export interface PhraseQuery {
  readonly type: 'phrase';
  readonly terms: readonly string[];
  readonly words: readonly string[];
  readonly stop: readonly boolean[];
  readonly offsets: readonly number[];
  readonly text: string;
  readonly field: SearchField | null;
  readonly position: number;
}

/** All positive clauses must match; `not` clauses exclude. Empty `clauses` matches nothing. */
export interface AndQuery {
  readonly type: 'and';
  readonly clauses: readonly Query[];
}

/** Any clause may match; scores add up. */
export interface OrQuery {
  readonly type: 'or';
  readonly clauses: readonly Query[];
}

/** Exclusion; only meaningful as a clause of an {@link AndQuery}. */
export interface NotQuery {
  readonly type: 'not';
  readonly clause: Query;
  readonly position: number;
}

/** Parsed query (see the module documentation for the language). */
export type Query = TermQuery | PrefixQuery | PhraseQuery | AndQuery | OrQuery | NotQuery;

/** Malformed query. `position` is the 0-based offset in the query string of the problem. */
export class QuerySyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.position = position;
  }
}

/** Default of {@link parseQuery}'s `maxClauses`. */
export const DEFAULT_MAX_CLAUSES = 64;

const FIELDS: ReadonlySet<string> = new Set(['title', 'lead', 'body']);
const QUOTE_CHARS = '"\u201c\u201d\u201e';
const isSpace = (c: string): boolean => /\s/u.test(c);
const WORDISH_RE = /[\p{L}\p{N}]/u;

type Lexeme =
  | { kind: 'lparen'; pos: number; field: SearchField | null }
  | { kind: 'rparen'; pos: number }
  | { kind: 'op'; op: 'AND' | 'OR' | 'NOT'; pos: number }
  | { kind: 'neg'; pos: number }
  | { kind: 'word'; text: string; pos: number; field: SearchField | null }
  | { kind: 'phrase'; text: string; pos: number; field: SearchField | null };

function lex(q: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  const n = q.length;
  let pendingField: { field: SearchField; pos: number } | null = null;
  const takeField = (): SearchField | null => {
    const f = pendingField;
    pendingField = null;
    return f ? f.field : null;
  };
  while (i < n) {
    const c = q[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      const f = pendingField;
      out.push({ kind: 'lparen', pos: f ? f.pos : i, field: takeField() });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ kind: 'rparen', pos: i });
      i++;
      continue;
    }
    if (QUOTE_CHARS.includes(c)) {
      let j = i + 1;
      while (j < n && !QUOTE_CHARS.includes(q[j]!)) j++;
      if (j >= n) throw new QuerySyntaxError('unbalanced quote', i);
      const f = pendingField;
      out.push({ kind: 'phrase', text: q.slice(i + 1, j), pos: f ? f.pos : i, field: takeField() });
      i = j + 1;
      continue;
    }
    if (c === '-' && pendingField === null && i + 1 < n) {
      const d = q[i + 1]!;
      if (d === '(' || QUOTE_CHARS.includes(d) || WORDISH_RE.test(d)) {
        out.push({ kind: 'neg', pos: i });
        i++;
        continue;
      }
    }
    // a word: up to whitespace, paren or quote
    let j = i;
    while (j < n) {
      const d = q[j]!;
      if (isSpace(d) || d === '(' || d === ')' || QUOTE_CHARS.includes(d)) break;
      j++;
    }
    const text = q.slice(i, j);
    if (pendingField === null && (text === 'AND' || text === 'OR' || text === 'NOT')) {
      out.push({ kind: 'op', op: text, pos: i });
      i = j;
      continue;
    }
    if (pendingField === null) {
      const fm = /^([A-Za-z]+):/.exec(text);
      if (fm) {
        const after = i + fm[0].length;
        const next = after < n ? q[after]! : '';
        if (next !== '' && (next === '(' || QUOTE_CHARS.includes(next) || WORDISH_RE.test(next))) {
          const name = fm[1]!.toLowerCase();
          if (!FIELDS.has(name)) throw new QuerySyntaxError(`unknown field '${fm[1]!}'`, i);
          pendingField = { field: name as SearchField, pos: i };
          i = after;
          continue;
        }
        // `title:` with nothing after it: a scope without a word, not the word "title".
        if (text.length === fm[0].length && FIELDS.has(fm[1]!.toLowerCase())) {
          throw new QuerySyntaxError(`field '${fm[1]!}:' needs a word, "phrase" or (group) right after the colon`, after - 1);
        }
      }
    }
    const f = pendingField;
    out.push({ kind: 'word', text, pos: f ? f.pos : i, field: takeField() });
    i = j;
  }
  return out;
}

interface Analysed {
  terms: string[];
  words: string[];
  stop: boolean[];
  offsets: number[];
}

function analyse(text: string, analyzer: Analyzer): Analysed {
  const a: Analysed = { terms: [], words: [], stop: [], offsets: [] };
  scanTokens(
    text,
    (term, _s, _e, position, stop, compound, word) => {
      if (compound) return;
      a.terms.push(term);
      a.words.push(word);
      a.stop.push(stop);
      a.offsets.push(position);
    },
    0,
    true,
    analyzer,
  );
  return a;
}

class Parser {
  private i = 0;
  private clauses = 0;
  constructor(
    private readonly toks: Lexeme[],
    private readonly maxClauses: number,
    private readonly analyzer: Analyzer,
  ) {}

  parse(): Query {
    const q = this.orExpr(null);
    const t = this.toks[this.i];
    if (t !== undefined) {
      if (t.kind === 'rparen') throw new QuerySyntaxError('unbalanced parenthesis', t.pos);
      throw new QuerySyntaxError('unexpected input', t.pos);
    }
    return q ?? { type: 'and', clauses: [] };
  }

  private peek(): Lexeme | undefined {
    return this.toks[this.i];
  }

  private startsOperand(t: Lexeme | undefined): boolean {
    return (
      t !== undefined &&
      (t.kind === 'word' || t.kind === 'phrase' || t.kind === 'lparen' || t.kind === 'neg' ||
        (t.kind === 'op' && t.op === 'NOT'))
    );
  }

  /** Returns null when everything inside was dropped (stop words / punctuation only). */
  private orExpr(field: SearchField | null): Query | null {
    const parts: Query[] = [];
    for (;;) {
      const t = this.peek();
      if (t && t.kind === 'op' && (t.op === 'OR' || t.op === 'AND')) {
        throw new QuerySyntaxError(`'${t.op}' must be preceded by a term`, t.pos);
      }
      const a = this.andExpr(field);
      if (a) parts.push(a);
      const n = this.peek();
      if (n && n.kind === 'op' && n.op === 'OR') {
        this.i++;
        if (!this.startsOperand(this.peek())) {
          throw new QuerySyntaxError("'OR' must be followed by a term", n.pos);
        }
        continue;
      }
      break;
    }
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : { type: 'or', clauses: parts };
  }

  private andExpr(field: SearchField | null): Query | null {
    const parts: Query[] = [];
    const start = this.peek();
    let positives = 0;
    // bare stop words typed since the last plain word: they go on the next one (or the last)
    let stops: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!this.startsOperand(t)) break;
      const u = this.unary(field);
      if (!u.negative) positives++;
      if (u.q === null && !u.negative && t!.kind === 'word' && (t!.field ?? field) === null && !t!.text.endsWith('*')) {
        const a = analyse(t!.text, this.analyzer);
        if (a.stop.every(Boolean)) stops.push(...a.words);
      }
      if (u.q?.type === 'term' && u.q.field === null && !u.negative && stops.length > 0) {
        u.q = { ...u.q, stopsBefore: stops };
        stops = [];
      }
      if (u.q) parts.push(u.q);
      const n = this.peek();
      if (n && n.kind === 'op' && n.op === 'AND') {
        this.i++;
        if (!this.startsOperand(this.peek())) {
          throw new QuerySyntaxError("'AND' must be followed by a term", n.pos);
        }
      }
    }
    if (start === undefined || !this.startsOperand(start)) {
      // nothing parsed: caller decides (empty group, trailing operator, ...)
      if (start === undefined) throw new QuerySyntaxError('empty query', 0);
      if (start.kind === 'rparen') throw new QuerySyntaxError('unbalanced parenthesis', start.pos);
      throw new QuerySyntaxError('unexpected input', start.pos);
    }
    if (positives === 0) {
      throw new QuerySyntaxError('query needs at least one positive term', start.pos);
    }
    if (parts.length === 0) return null;
    if (stops.length > 0) {
      const last = parts.findLastIndex((p) => p.type === 'term' && p.field === null);
      if (last >= 0) parts[last] = { ...(parts[last] as TermQuery), stopsAfter: stops };
    }
    // an AND whose positive parts were all dropped matches nothing; keep that explicit
    if (!parts.some((p) => p.type !== 'not')) return { type: 'and', clauses: [] };
    return parts.length === 1 ? parts[0]! : { type: 'and', clauses: parts };
  }

  private unary(field: SearchField | null): { q: Query | null; negative: boolean } {
    const t = this.peek()!;
    if ((t.kind === 'op' && t.op === 'NOT') || t.kind === 'neg') {
      this.i++;
      if (!this.startsOperand(this.peek())) {
        const what = t.kind === 'neg' ? "'-'" : "'NOT'";
        throw new QuerySyntaxError(`${what} must be followed by a term`, t.pos);
      }
      const inner = this.unary(field);
      if (inner.negative) throw new QuerySyntaxError('double negation', t.pos);
      return { q: inner.q ? { type: 'not', clause: inner.q, position: t.pos } : null, negative: true };
    }
    return { q: this.primary(field), negative: false };
  }

  private primary(outer: SearchField | null): Query | null {
    const t = this.peek()!;
    this.i++;
    if (t.kind === 'lparen') {
      const n = this.peek();
      if (n === undefined) throw new QuerySyntaxError('unbalanced parenthesis', t.pos);
      if (n.kind === 'rparen') throw new QuerySyntaxError('empty parentheses', t.pos);
      const q = this.orExpr(t.field ?? outer);
      const c = this.peek();
      if (c === undefined || c.kind !== 'rparen') {
        throw new QuerySyntaxError('unbalanced parenthesis', c === undefined ? t.pos : c.pos);
      }
      this.i++;
      return q;
    }
    if (t.kind === 'phrase') {
      const a = analyse(t.text, this.analyzer);
      if (a.terms.length === 0) throw new QuerySyntaxError('empty phrase', t.pos);
      return this.leaf(a, t.text, t.field ?? outer, t.pos, false);
    }
    if (t.kind === 'word') {
      const field = t.field ?? outer;
      if (t.text.endsWith('*')) {
        const body = t.text.replace(/\*+$/, '');
        const a = analyse(body, this.analyzer);
        const folded = fold(body).replace(/['\u2019]/g, '');
        if (a.terms.length > 1 || /[^\p{L}\p{N}&]/u.test(folded)) {
          throw new QuerySyntaxError('a prefix must be a single word', t.pos);
        }
        if (folded.length < 2) {
          throw new QuerySyntaxError("a prefix needs at least 2 characters before '*'", t.pos);
        }
        this.count(1, t.pos);
        return { type: 'prefix', prefix: folded, text: t.text, field, position: t.pos };
      }
      const a = analyse(t.text, this.analyzer);
      return this.leaf(a, t.text, field, t.pos, true);
    }
    // rparen / op where an operand was expected
    if (t.kind === 'rparen') throw new QuerySyntaxError('unbalanced parenthesis', t.pos);
    throw new QuerySyntaxError('unexpected input', t.pos);
  }

  private leaf(a: Analysed, text: string, field: SearchField | null, pos: number, bare: boolean): Query | null {
    const indexed = a.stop.filter((s) => !s).length;
    if (indexed === 0 && (bare || a.terms.length === 1)) return null;
    this.count(a.terms.length, pos);
    if (a.terms.length === 1) {
      const term = a.terms[0]!;
      const letters = fold(text).replace(/[^\p{L}]/gu, '').length;
      return {
        type: 'term',
        term,
        word: a.words[0]!,
        text,
        field,
        fuzzy: bare && letters >= 5 && /^\p{L}/u.test(term),
        position: pos,
      };
    }
    const base = a.offsets[0]!;
    return {
      type: 'phrase',
      terms: a.terms,
      words: a.words,
      stop: a.stop,
      offsets: a.offsets.map((o) => o - base),
      text,
      field,
      position: pos,
    };
  }

  private count(n: number, pos: number): void {
    this.clauses += n;
    if (this.clauses > this.maxClauses) {
      throw new QuerySyntaxError(`too many terms (at most ${this.maxClauses})`, pos);
    }
  }
}

/**
 * Parse the query language described at the top of this module. Throws
 * {@link QuerySyntaxError} on malformed input.
 */
export function parseQuery(q: string, opts?: { maxClauses?: number; analyzer?: Analyzer }): Query {
  if (q.trim().length === 0) throw new QuerySyntaxError('empty query', 0);
  const toks = lex(q);
  if (toks.length === 0) throw new QuerySyntaxError('empty query', 0);
  return new Parser(toks, opts?.maxClauses ?? DEFAULT_MAX_CLAUSES, opts?.analyzer ?? ENGLISH).parse();
}

/** `text` (the string a query was parsed from) without one of its words (`term.text` at `term.position`), spaces tidied. */
export function withoutWord(text: string, term: Pick<TermQuery, 'text' | 'position'>): string {
  return `${text.slice(0, term.position)} ${text.slice(term.position + term.text.length)}`.replace(/\s+/g, ' ').trim();
}

/** Positive leaves (terms, prefixes, phrases not under a NOT), in query order. */
export function positiveLeaves(q: Query): Array<TermQuery | PrefixQuery | PhraseQuery> {
  const out: Array<TermQuery | PrefixQuery | PhraseQuery> = [];
  const walk = (n: Query): void => {
    switch (n.type) {
      case 'and':
      case 'or':
        for (const c of n.clauses) walk(c);
        break;
      case 'not':
        break;
      default:
        out.push(n);
    }
  };
  walk(q);
  return out;
}

/** Number of words in the query (phrase words count individually). */
export function countClauses(q: Query): number {
  switch (q.type) {
    case 'term':
    case 'prefix':
      return 1;
    case 'phrase':
      return q.terms.length;
    case 'not':
      return countClauses(q.clause);
    default:
      return q.clauses.reduce((s, c) => s + countClauses(c), 0);
  }
}
