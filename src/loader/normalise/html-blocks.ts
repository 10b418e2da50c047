/**
 * HTML content as blocks for the shared body rules: each paragraph, heading and list item its own
 * block, each <figure> an image with its caption and credit. Used by HTML pages (after
 * Readability) and by JSON exports whose body is HTML (WordPress `content.rendered`, ANS
 * `raw_html`, a `body_html` field).
 */
import { parseHTML } from 'linkedom';
import type { Block } from '../types.js';
import { cleanLine, creditText, resolve } from './clean.js';

export { resolve };

/** The few DOM members used here: linkedom, jsdom and happy-dom all provide them. */
export interface DomElement {
  readonly nodeType: number;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomElement>;
  readonly parentElement: DomElement | null;
  readonly nextElementSibling: DomElement | null;
  readonly previousElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  remove(): void;
  cloneNode(deep: boolean): DomElement;
}
export interface DomDocument {
  readonly documentElement: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export const ELEMENT = 1;
export const TEXT = 3;

/**
 * Deeper element nesting than any page needs: the pages and fixtures read so far nest 13 levels at
 * most, big sites' templates 30-50; Chromium's HTML parser stops nesting at 512.
 */
export const MAX_ELEMENT_DEPTH = 128;

/** The members a nesting walk reads and writes (linkedom's HTML and XML elements both have them). */
export interface NestedElement {
  readonly firstElementChild: NestedElement | null;
  readonly nextElementSibling: NestedElement | null;
  textContent: string | null;
}

/**
 * Bounds how deep a parsed document's elements nest: an element `limit` levels down keeps its text
 * and loses the elements inside it. Hostile input is the reason: Readability scores every ancestor
 * of every candidate paragraph from its inner text, so its time grows with the square of the depth
 * (500 nested `<div>`s took 13 s, 5,000 more than 7 minutes), and collectBlocks recurses once per
 * level. One walk without recursion, linear in the elements; a real page is left as it is.
 * Returns whether anything was cut.
 */
export function flattenDeepNesting(root: NestedElement, limit = MAX_ELEMENT_DEPTH): boolean {
  let cut = false;
  const elements: NestedElement[] = [root];
  const depths: number[] = [1];
  while (elements.length > 0) {
    const el = elements.pop()!;
    const depth = depths.pop()!;
    if (depth >= limit) {
      if (el.firstElementChild !== null) {
        const text = el.textContent;
        el.textContent = text;
        cut = true;
      }
      continue;
    }
    for (let c = el.firstElementChild; c !== null; c = c.nextElementSibling) {
      elements.push(c);
      depths.push(depth + 1);
    }
  }
  return cut;
}

/** Open tags nested deeper than this are dropped from the markup before it is parsed (their text stays). */
export const MAX_MARKUP_DEPTH = 2048;

/** Elements that never hold others (no end tag), and those whose end tag a page may leave out: neither nests. */
const NOT_NESTING = new Set('area base br col embed hr img input link meta param source track wbr keygen p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rb rt rp'.split(' '));
const NONE: ReadonlySet<string> = new Set();
/** Elements whose content is text up to their own end tag (`<script>` holding `<div>` in a string). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);

/**
 * The markup with every tag below MAX_MARKUP_DEPTH levels of nesting taken out, their text left in
 * place; the markup itself when it nests less (nearly always: one pass of a regular expression).
 * The HTML parser (htmlparser2, under linkedom) keeps its open elements in an array it shifts and
 * searches at every tag, so its time grows with the square of the depth: a 2 MB page of 200,000
 * nested `<div>`s took 20 s to parse, a 5 MB one minutes. The depth counted here is an upper bound
 * of the DOM's: only elements that can nest are counted, comments and raw text are skipped, a stray
 * end tag never goes below zero. flattenDeepNesting then cuts the parsed DOM at MAX_ELEMENT_DEPTH.
 */
export function boundMarkupDepth(markup: string, options: { xml?: boolean; limit?: number } = {}): { markup: string; cut: boolean } {
  const limit = options.limit ?? MAX_MARKUP_DEPTH;
  // In XML every element nests and none holds raw text.
  const notNesting = options.xml ? NONE : NOT_NESTING;
  const rawText = options.xml ? NONE : RAW_TEXT;
  // Local: a regular expression with the g flag keeps its position between calls.
  const tag = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<(\/?)([a-zA-Z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>/gu;
  /** Past a raw-text element's content: to its end tag, whatever the case. */
  const skipRawText = (name: string) => {
    const end = new RegExp(`</${name}`, 'giu');
    end.lastIndex = tag.lastIndex;
    tag.lastIndex = end.exec(markup)?.index ?? markup.length;
  };
  let depth = 0;
  let last = -1;
  const out: string[] = [];
  /** A tag taken out: the text since the last one kept, then one space (one for a run of tags, so words stay apart). */
  const drop = (at: number, length: number) => {
    if (at > last) out.push(markup.slice(last, at), ' ');
    last = at + length;
  };
  for (let m = tag.exec(markup); m !== null; m = tag.exec(markup)) {
    const name = m[2]?.toLowerCase();
    if (name === undefined || notNesting.has(name) || m[0].endsWith('/>')) continue;
    if (m[1] === '/') {
      // The end tag of an element opened below the limit goes with it.
      if (depth > limit) drop(m.index, m[0].length);
      if (depth > 0) depth--;
      continue;
    }
    if (rawText.has(name)) {
      skipRawText(name);
      continue;
    }
    if (++depth > limit) {
      if (last < 0) last = 0; // the first tag too deep: the markup before it goes out whole
      drop(m.index, m[0].length);
    }
  }
  if (last < 0) return { markup, cut: false };
  out.push(markup.slice(last));
  return { markup: out.join(''), cut: true };
}

/** The note a file gets when its elements were cut at MAX_ELEMENT_DEPTH. */
export const DEEP_NESTING_NOTE = `elements nested deeper than ${MAX_ELEMENT_DEPTH} levels: kept as their text below that depth`;

/**
 * An HTML page (or a fragment wrapped as one) parsed by linkedom with its nesting bounded: tags
 * past MAX_MARKUP_DEPTH taken out before parsing, elements past MAX_ELEMENT_DEPTH kept as text.
 * `deep`: whether either cut anything.
 */
export function parseBoundedHtml(html: string): { document: DomDocument & { body: DomElement }; deep: boolean } {
  const bounded = boundMarkupDepth(html);
  const document = parseHTML(bounded.markup).document as unknown as DomDocument & { body: DomElement };
  const flattened = flattenDeepNesting(document.documentElement as unknown as NestedElement);
  return { document, deep: bounded.cut || flattened };
}

export function textOf(el: DomElement): string {
  return cleanLine((el.textContent ?? '').replace(/\s+/gu, ' '));
}

const INLINE = new Set(['SPAN', 'A', 'B', 'STRONG', 'EM', 'I', 'TIME', 'SMALL', 'ABBR', 'CITE']);

/**
 * A container's text. Inline elements side by side with no text between them are items laid out
 * by CSS (`<span>By Sam Roe</span><span>North of England reporter</span>`): joined with a comma,
 * not run together.
 */
export function containerText(el: DomElement): string {
  const kids = Array.from(el.childNodes);
  const elements = kids.filter((k) => k.nodeType === ELEMENT);
  if (elements.length < 2 || !elements.every((k) => INLINE.has(k.tagName.toUpperCase()))) return textOf(el);
  // Any text between the elements, even a space, makes them one run of prose.
  const inner = kids.slice(kids.indexOf(elements[0]!), kids.indexOf(elements.at(-1)!) + 1);
  if (inner.some((k) => k.nodeType === TEXT && (k.textContent ?? '') !== '')) return textOf(el);
  if (kids.some((k) => k.nodeType === TEXT && (k.textContent ?? '').trim() !== '')) return textOf(el);
  return elements.map(textOf).filter(Boolean).join(', ');
}


const CREDIT_PART = '[class*="credit" i], [class*="copyright" i], [class*="source" i], [itemprop="copyrightHolder"], [itemprop="creditText"], small';
/** A credit the figure prints beside its caption rather than in it (`<span class="credit">` after the figcaption). */
const FIGURE_CREDIT = '[class*="credit" i], [class*="copyright" i], [itemprop="copyrightHolder"], [itemprop="creditText"]';

/** The widest candidate of a `srcset` (`a.jpg 480w, b.jpg 1024w`), or its last. */
function widestOfSrcset(srcset: string | null): string | null {
  if (!srcset) return null;
  let best: string | null = null;
  let bestWidth = -1;
  for (const candidate of srcset.split(/,\s+/u)) {
    const [url, size] = candidate.trim().split(/\s+/u);
    const width = size ? Number.parseFloat(size) : 0;
    if (url && width >= bestWidth) {
      best = url;
      bestWidth = width;
    }
  }
  return best;
}

/**
 * The address of the picture an <img> shows: lazy-loading pages put it in `data-src` (or
 * `data-lazy-src`, `data-original`) with a placeholder or a `data:` URI in `src`, or only in `srcset`.
 */
function imageAddress(img: DomElement | null): string | null {
  if (!img) return null;
  const src = img.getAttribute('src');
  const lazy = img.getAttribute('data-src') ?? img.getAttribute('data-lazy-src') ?? img.getAttribute('data-original');
  if (src && !src.startsWith('data:') && lazy === null) return src;
  return lazy ?? widestOfSrcset(img.getAttribute('srcset') ?? img.getAttribute('data-srcset')) ?? (src && !src.startsWith('data:') ? src : null);
}

/**
 * Lazy-loading plugins print the picture twice: an <img> with a placeholder, then the real one in
 * <noscript> for readers without scripts. Noscript is dropped with the page's scripts, so its
 * address is moved onto the <img> before it (as `data-src`, which {@link imageAddress} reads first)
 * when that <img> names no lazy address of its own.
 */
export function unwrapNoscriptImages(doc: DomDocument): void {
  for (const img of Array.from(doc.querySelectorAll('noscript > img[src]'))) {
    const shown = img.parentElement?.previousElementSibling;
    if (!shown || shown.tagName.toUpperCase() !== 'IMG' || LAZY_ATTRIBUTES.some((a) => shown.getAttribute(a) !== null)) continue;
    shown.setAttribute('data-src', img.getAttribute('src')!);
  }
}

const LAZY_ATTRIBUTES = ['data-src', 'data-lazy-src', 'data-original', 'srcset', 'data-srcset'];

export function figureBlock(fig: DomElement, base: string | null): Block {
  // AMP pages draw their images with <amp-img>.
  const img = fig.querySelector('img, amp-img');
  const url = resolve(imageAddress(img), base);
  const captionEl = fig.querySelector('figcaption');
  let credit: string | null = null;
  let caption: string | null = null;
  if (captionEl) {
    const creditEl = captionEl.querySelector(CREDIT_PART);
    if (creditEl) {
      credit = creditText(textOf(creditEl));
      creditEl.remove();
    }
    caption = textOf(captionEl) || null;
  }
  if (credit === null) {
    const creditEl = fig.querySelector(FIGURE_CREDIT);
    if (creditEl && creditEl !== captionEl) credit = creditText(textOf(creditEl));
  }
  if (!caption) caption = cleanLine(img?.getAttribute('alt') ?? '') || null;
  return { image: { caption, credit, url } };
}

const BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'PRE', 'BLOCKQUOTE', 'FIGURE', 'TABLE', 'DL', 'UL', 'OL', 'DIV', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'ASIDE', 'MAIN']);

/** Paragraph-level text in document order: each P, heading and list item its own block. */
export function collectBlocks(root: DomElement, base: string | null, out: Block[]): void {
  let inline = '';
  const flush = () => {
    const t = cleanLine(inline.replace(/\s+/gu, ' '));
    if (t) out.push(t);
    inline = '';
  };
  for (const node of Array.from(root.childNodes)) {
    if (node.nodeType === TEXT) {
      inline += node.textContent ?? '';
      continue;
    }
    if (node.nodeType !== ELEMENT) continue;
    const tag = node.tagName.toUpperCase();
    // Old pages and hand-made ones set their text in lines with <br> instead of <p>: each line is a
    // block (the body rules join nothing back, and a headline, byline and date line stay apart).
    if (tag === 'BR') {
      flush();
      continue;
    }
    if (!BLOCKS.has(tag)) {
      // An inline element, unless it holds blocks or lines of its own (a <span> around paragraphs).
      if (node.querySelector('p, figure, li, h2, h3, br')) {
        flush();
        collectBlocks(node, base, out);
      } else inline += node.textContent ?? '';
      continue;
    }
    flush();
    if (tag === 'FIGURE') out.push(figureBlock(node, base));
    else if (tag === 'TABLE') for (const row of Array.from(node.querySelectorAll('tr'))) out.push(cleanLine(Array.from(row.querySelectorAll('th, td')).map(textOf).join(' | ')));
    else if ((tag === 'P' || tag.startsWith('H') || tag === 'LI' || tag === 'PRE') && !node.querySelector('p, figure, li, div, br')) {
      const t = containerText(node);
      if (t) out.push(t);
    } else {
      const joined = containerText(node);
      if (joined !== textOf(node)) out.push(joined);
      else collectBlocks(node, base, out);
    }
  }
  flush();
}

/** An HTML fragment (a JSON export's body) as blocks. */
export function htmlBlocks(html: string, base: string | null = null): Block[] {
  const out: Block[] = [];
  collectBlocks(parseBoundedHtml(`<!doctype html><html><body>${html}</body></html>`).document.body, base, out);
  return out;
}
