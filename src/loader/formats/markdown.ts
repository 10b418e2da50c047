/**
 * Markdown with an optional YAML front matter block. The body is reduced to blocks of plain
 * text (emphasis and links kept as their text, list items and quotes as their own blocks, images
 * with alt text as captions) and then goes through the same body rules as raw text.
 */
import { marked, type Token, type Tokens } from 'marked';
import { parse as parseYaml } from 'yaml';
import { decodeHTML } from 'entities';
import { applyMetadata, FIELD_NAMES, pick, text } from '../metadata.js';
import { structureBody } from '../normalise/body.js';
import { DEFAULT_CHROME } from '../normalise/chrome.js';
import { cleanLine } from '../normalise/clean.js';
import { emptyCounts, emptyDraft, type Block, type FormatParser, type ParseContext, type ParseResult } from '../types.js';

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/u;

export function parseMarkdown(source: string, context: ParseContext = { chrome: DEFAULT_CHROME }): ParseResult {
  const counts = emptyCounts();
  let fields: Record<string, unknown> = {};
  let body = source;
  const fm = FRONT_MATTER.exec(source);
  if (fm) {
    try {
      const parsed: unknown = parseYaml(fm[1]!);
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new Error('front matter is not a mapping of fields');
      fields = (parsed ?? {}) as Record<string, unknown>;
    } catch (e) {
      return { entries: [{ problem: { kind: 'parse-error', reason: `front matter: ${(e as Error).message.split('\n')[0]}`, line: null } }], counts };
    }
    body = source.slice(fm[0].length);
  }
  const blocks: Block[] = [];
  let heading: string | null = null;
  for (const token of marked.lexer(body)) collect(token, blocks, (h) => (heading ??= h));
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
  return { entries: [{ draft, line: null, warnings: complaints }], counts };
}

function inline(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return cleanLine(fallback);
  let out = '';
  for (const t of tokens) {
    if (t.type === 'image') continue;
    if (t.type === 'br') out += ' ';
    else if ('tokens' in t && t.tokens && t.type !== 'codespan') out += inline(t.tokens, (t as Tokens.Generic).text ?? '');
    else if (t.type === 'html') out += '';
    else out += decodeHTML((t as Tokens.Generic).text ?? t.raw);
  }
  return cleanLine(out);
}

function imagesOf(tokens: Token[] | undefined, blocks: Block[]): void {
  for (const t of tokens ?? []) {
    if (t.type === 'image') {
      const im = t as Tokens.Image;
      blocks.push({ image: { caption: cleanLine(im.text) || null, credit: null, url: im.href || null } });
    } else if ('tokens' in t && t.tokens) imagesOf(t.tokens, blocks);
  }
}

function collect(token: Token, blocks: Block[], onHeading: (h: string) => void): void {
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
      for (const item of (token as Tokens.List).items) for (const child of item.tokens) collect(child, blocks, onHeading);
      return;
    case 'blockquote':
      for (const child of (token as Tokens.Blockquote).tokens) collect(child, blocks, onHeading);
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

export const markdownFormat: FormatParser = { format: 'md', parse: (file, context) => parseMarkdown(file.text ?? '', context) };
