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
  collectBlocks(parseHTML(`<!doctype html><html><body>${html}</body></html>`).document.body as unknown as DomElement, base, out);
  return out;
}
