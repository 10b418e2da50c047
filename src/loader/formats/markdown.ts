/**
 * Markdown with an optional YAML front matter block. The body is reduced to blocks of plain
 * text (emphasis and links kept as their text, list items and quotes as their own blocks, images
 * with alt text as captions) and then goes through the same body rules as raw text.
 *
 * Hostile input is bounded before marked sees it: marked recurses once per nesting level (6 KB
 * of `>` overflowed the stack) and lexes lists slowly (a 4 MB list took 6 s in one go). So a
 * file nested deeper than MAX_NESTING levels, or with more than MAX_LIST_LINES list or quote
 * lines, is one reported problem; and a large body is lexed in slices of about SLICE_BYTES cut
 * at blank lines, yielding to the event loop between slices, so requests keep being answered.
 */
import { marked, type Token, type Tokens } from 'marked';
import { parse as parseYaml } from 'yaml';
import { parse as parseTomlDocument, TomlError } from 'smol-toml';
import { decodeHTML } from 'entities';
import { applyMetadata, FIELD_NAMES, pick, text } from '../metadata.js';
import { addRelated, isRelatedHeader, structureBody } from '../normalise/body.js';
import { DEFAULT_CHROME } from '../normalise/chrome.js';
import { cleanLine, creditText } from '../normalise/clean.js';
import { readArticleObject } from '../shapes.js';
import { emptyCounts, emptyDraft, type Block, type FormatParser, type ParseContext, type ParseResult } from '../types.js';

/** Deeper nesting (quotes and lists inside each other) than any article needs. */
export const MAX_NESTING = 16;
/** List items and quote lines: a long article has a few hundred. */
export const MAX_LIST_LINES = 10_000;
const SLICE_BYTES = 32 * 1024;

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/u;
/** Hugo's and Zola's TOML front matter, between `+++` lines. */
const TOML_FRONT_MATTER = /^\uFEFF?\+\+\+[ \t]*\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|$)/u;

export async function parseMarkdown(source: string, context: ParseContext = { chrome: DEFAULT_CHROME }): Promise<ParseResult> {
  const counts = emptyCounts();
  let fields: Record<string, unknown> = {};
  let body = source;
  const yaml = FRONT_MATTER.exec(source);
  const fm = yaml ?? TOML_FRONT_MATTER.exec(source);
  if (fm) {
    try {
      const parsed: unknown = yaml ? parseYaml(fm[1]!) : parseToml(fm[1]!);
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new Error('front matter is not a mapping of fields');
      fields = (parsed ?? {}) as Record<string, unknown>;
    } catch (e) {
      return { entries: [{ problem: { kind: 'parse-error', reason: `front matter: ${(e as Error).message.split('\n')[0]}`, line: null } }], counts };
    }
    body = source.slice(fm[0].length);
  }
  const refusal = tooHostile(body);
  if (refusal) return { entries: [{ problem: { kind: 'parse-error', reason: refusal, line: null } }], counts };
  const blocks: Block[] = [];
  let heading: string | null = null;
  const links: LinkState = { related: [], inRelated: false, label: null, dropped: 0 };
  const slices = slicesOf(body);
  for (let i = 0; i < slices.length; i++) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    for (const token of marked.lexer(slices[i]!)) collect(token, blocks, (h) => (heading ??= h), links);
  }
  counts.chromeLines += links.dropped;
  // Front matter in the names static site generators use (Hugo's `lastmod`, `categories`, `images`;
  // its `[params]` table holds a site's own fields, read when the top level does not name them).
  if (typeof fields.params === 'object' && fields.params !== null && !Array.isArray(fields.params)) fields = { ...(fields.params as Record<string, unknown>), ...fields };
  fields = readArticleObject(fields).fields;
  let title = text(pick(fields, FIELD_NAMES.title));
  if (!title) {
    // No title field: the first level-1 heading, else the first block of text.
    title = heading;
    if (title) blocks.splice(blocks.indexOf(title), 1);
    else {
      const first = blocks.findIndex((b) => typeof b === 'string' && b !== '');
      if (first >= 0) title = blocks.splice(first, 1)[0] as string;
    }
  }
  if (!title) return { entries: [{ problem: { kind: 'no-title', reason: 'no title field, heading or text', line: null } }], counts };
  const draft = emptyDraft(title);
  const complaints = applyMetadata(draft, fields);
  structureBody(draft, blocks, counts, context);
  addRelated(draft, links.related);
  return { entries: [{ draft, line: null, warnings: complaints }], counts };
}

/**
 * One pass over the lines: how deep quotes and lists nest (markers at the start of a line, and
 * indentation, two columns a level), and how many lines are list items or quotes.
 */
function tooHostile(body: string): string | null {
  let listLines = 0;
  let lineNo = 0;
  let inFence = false;
  for (let start = 0; start < body.length; ) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    lineNo++;
    let i = start;
    let columns = 0;
    let markers = 0;
    // Container prefix: spaces, tabs, `>` and list markers (`-`, `+`, `*`, `1.`, `1)`) followed by a space.
    for (;;) {
      const c = body.charCodeAt(i);
      if (c === 32) columns++;
      else if (c === 9) columns += 4;
      else if (c === 62) markers++;
      else if ((c === 45 || c === 43 || c === 42) && (body.charCodeAt(i + 1) === 32 || body.charCodeAt(i + 1) === 9)) markers++;
      else if (c >= 48 && c <= 57) {
        let j = i;
        while (j < end && j - i < 9 && body.charCodeAt(j) >= 48 && body.charCodeAt(j) <= 57) j++;
        const d = body.charCodeAt(j);
        if ((d === 46 || d === 41) && (body.charCodeAt(j + 1) === 32 || body.charCodeAt(j + 1) === 9)) {
          markers++;
          i = j;
        } else break;
      } else break;
      i++;
      if (i >= end) break;
    }
    if (body.startsWith('```', i) || body.startsWith('~~~', i)) inFence = !inFence;
    if (!inFence) {
      const depth = markers + Math.floor(columns / 2);
      if (depth > MAX_NESTING) return `Markdown nested ${depth} levels deep at line ${lineNo}; the limit is ${MAX_NESTING}`;
      if (markers > 0 && ++listLines > MAX_LIST_LINES) return `Markdown holds more than ${MAX_LIST_LINES} list items or quote lines; the limit is ${MAX_LIST_LINES}`;
    }
    start = end + 1;
  }
  return null;
}

/** Slices of about SLICE_BYTES, cut at blank lines outside code fences (a small body is one slice). */
function slicesOf(body: string): string[] {
  if (body.length <= SLICE_BYTES) return [body];
  const out: string[] = [];
  let from = 0;
  let inFence = false;
  let lastBlank = -1;
  for (let start = 0; start < body.length; ) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    const line = body.slice(start, end).trimStart();
    if (line.startsWith('```') || line.startsWith('~~~')) inFence = !inFence;
    else if (!inFence && line.trim() === '') lastBlank = end + 1;
    if (start - from >= SLICE_BYTES && lastBlank > from) {
      out.push(body.slice(from, lastBlank));
      from = lastBlank;
    }
    start = end + 1;
  }
  if (from < body.length) out.push(body.slice(from));
  return out;
}

function inline(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return cleanLine(fallback);
  let out = '';
  for (const t of tokens) {
    if (t.type === 'image') continue;
    // A hard break, and a soft one (a paragraph wrapped over lines): a paragraph is one line.
    if (t.type === 'br') out += ' ';
    else if ('tokens' in t && t.tokens && t.type !== 'codespan') out += inline(t.tokens, (t as Tokens.Generic).text ?? '');
    else if (t.type === 'html') out += '';
    else out += decodeHTML((t as Tokens.Generic).text ?? t.raw);
  }
  return cleanLine(out.includes('\n') ? out.replace(/[ \t]*\r?\n[ \t]*/gu, ' ') : out);
}

function imagesOf(tokens: Token[] | undefined, blocks: Block[]): void {
  for (const t of tokens ?? []) {
    if (t.type === 'image') {
      const im = t as Tokens.Image;
      // A title (`![alt](src "Caption. Photo: Name")`) is the caption a scraper kept; alt text describes the picture.
      blocks.push({ image: { caption: cleanLine(im.title ?? '') || cleanLine(im.text) || null, credit: null, url: im.href || null } });
    } else if ('tokens' in t && t.tokens) imagesOf(t.tokens, blocks);
  }
}

/** Links met on their own: related headlines after a Related label, else navigation dropped. */
interface LinkState {
  related: Array<{ title: string; url: string | null }>;
  inRelated: boolean;
  /** The label block that opened the list, until a link under it is taken. */
  label: string | null;
  dropped: number;
}

/** The links of a block made of links alone (a menu item, `[Share on X](…)`, a related headline), or null. */
function onlyLinks(tokens: Token[] | undefined): Tokens.Link[] | null {
  const out: Tokens.Link[] = [];
  for (const t of tokens ?? []) {
    if (t.type === 'link') out.push(t as Tokens.Link);
    else if ((t.type === 'strong' || t.type === 'em') && onlyLinks((t as Tokens.Strong).tokens)?.length) out.push(...onlyLinks((t as Tokens.Strong).tokens)!);
    else if (!(t.type === 'text' && /^[\s|·•,/-]*$/u.test((t as Tokens.Text).text)) && t.type !== 'br') return null;
  }
  return out.length ? out : null;
}

/** `{{< figure src="…" caption="…" attr="…" >}}` (Hugo) or `{% include figure.html image_path="…" caption="…" %}` (Jekyll). */
const SHORTCODE = /^\{(?:\{[<%]|%)\s*(?:include\s+)?([\w./-]+)((?:\s+[\w-]+\s*=\s*(?:"[^"]*"|'[^']*'|\S+))*)\s*(?:[%>]\}|%)\}$/u;

/** A site generator's shortcode: a figure's image, or nothing (embeds, notices): never story text. */
function shortcode(text: string): Block[] | null {
  const m = SHORTCODE.exec(text.trim());
  if (!m) return null;
  const attrs: Record<string, string> = {};
  for (const a of m[2]!.matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))/gu)) attrs[a[1]!.toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? '';
  if (!/figure|image|img|picture|photo/iu.test(m[1]!)) return [];
  const url = attrs.src ?? attrs.image_path ?? attrs.image ?? attrs.url ?? null;
  const caption = cleanLine(decodeHTML(attrs.caption ?? attrs.title ?? attrs.alt ?? '')) || null;
  const credit = creditText(cleanLine(decodeHTML(attrs.attr ?? attrs.credit ?? attrs.copyright ?? '')));
  return [{ image: { caption, credit, url } }];
}

function collect(token: Token, blocks: Block[], onHeading: (h: string) => void, links: LinkState): void {
  if (token.type === 'paragraph' || token.type === 'text') {
    const t = token as Tokens.Paragraph;
    const code = shortcode(t.text);
    if (code) {
      blocks.push(...code);
      return;
    }
    const only = onlyLinks(t.tokens);
    if (only) {
      if (links.inRelated) {
        // The links are taken here, with their URLs: the label goes too, or the body rules would
        // read the lines after it as more related headlines.
        if (links.label !== null && blocks.at(-1) === links.label) blocks.pop();
        links.label = null;
        links.related.push(...only.map((l) => ({ title: inline(l.tokens, l.text), url: l.href || null })).filter((r) => r.title !== ''));
      } else links.dropped++;
      return;
    }
    const words = inline(t.tokens, t.text);
    // A Related label alone opens a list; a list of plain headlines is left to the body rules.
    if (isRelatedHeader(words) && !words.replace(/^[^:|]*[:|]?/u, '').trim()) {
      blocks.push(words);
      links.inRelated = true;
      links.label = words;
      return;
    }
  }
  if (token.type !== 'list' && token.type !== 'space') links.inRelated = false;
  switch (token.type) {
    case 'heading': {
      const h = inline((token as Tokens.Heading).tokens, (token as Tokens.Heading).text);
      if ((token as Tokens.Heading).depth === 1) onHeading(h);
      blocks.push(h);
      return;
    }
    case 'paragraph':
    case 'text': {
      const t = token as Tokens.Paragraph;
      const words = inline(t.tokens, t.text);
      if (words) blocks.push(words);
      imagesOf(t.tokens, blocks);
      return;
    }
    case 'list':
      for (const item of (token as Tokens.List).items) for (const child of item.tokens) collect(child, blocks, onHeading, links);
      links.inRelated = false;
      return;
    case 'blockquote':
      for (const child of (token as Tokens.Blockquote).tokens) collect(child, blocks, onHeading, links);
      return;
    case 'code':
      for (const line of (token as Tokens.Code).text.split('\n')) blocks.push(cleanLine(line));
      return;
    case 'html': {
      const stripped = cleanLine(decodeHTML((token as Tokens.HTML).text.replace(/<[^>]*>/gu, ' ')));
      if (stripped) blocks.push(stripped);
      return;
    }
    case 'table': {
      const table = token as Tokens.Table;
      for (const row of table.rows) blocks.push(cleanLine(row.map((c) => inline(c.tokens, c.text)).join(' | ')));
      return;
    }
    default:
      return; // space, hr, def: nothing to keep
  }
}

/** smol-toml's dates as the text they were written in (`2026-11-19`, `…T08:30:00+09:00`): metadata reads a stated offset from it. */
function datesAsText(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(datesAsText);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, datesAsText(x)]));
  return v;
}

/**
 * The TOML that front matter holds, read by smol-toml (TOML 1.0: multi-line strings, inline tables,
 * arrays of tables). A mistake is an error naming its line, reported as the file's parse-error
 * like a YAML mistake.
 */
export function parseToml(source: string): Record<string, unknown> {
  try {
    return datesAsText(parseTomlDocument(source)) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    throw new Error(`line ${e.line}: ${e.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/u, '')}`, { cause: e });
  }
}

export const markdownFormat: FormatParser = { format: 'md', parse: (file, context) => parseMarkdown(file.text ?? '', context) };
