/**
 * HTML pages for the benchmarks: corpus stories (bench/lib/corpus.ts) wrapped in the chrome of
 * four kinds of outlet (agency wire, broadcaster, newspaper, blog platform), chosen per page by
 * a seeded PRNG. The same seed gives the same pages.
 */
import type { BenchDoc } from './corpus.js';
import { mulberry32 } from './prng.js';

const esc = (s: string) => s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
const paras = (d: BenchDoc) => d.paragraphs.map((p) => `<p>${esc(p)}</p>`);
const navLinks = ['World', 'Business', 'Politics', 'Sport', 'Technology', 'Culture', 'Opinion', 'Video'].map((w) => `<li><a href="/${w.toLowerCase()}">${w}</a></li>`).join('');

function wire(d: BenchDoc, i: number): string {
  const p = paras(d);
  p.splice(Math.min(2, p.length), 0, `<figure><img src="/img/${i}.jpg" alt=""><figcaption>A photo for story ${i}. WIRE/Staff Photographer</figcaption></figure>`);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)} | Wire</title>
<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'NewsArticle', headline: d.title, datePublished: '2024-03-04T08:10:00Z', publisher: { '@type': 'Organization', name: 'Wire' }, articleSection: d.category })}</script>
<script>window.dataLayer=[];</script><style>body{font:16px sans-serif}</style></head><body>
<header><nav><ul>${navLinks}</ul></nav></header><div class="cookie-banner"><p>We use cookies to improve your experience.</p><button>Accept all</button></div>
<main><article><h1>${esc(d.title)}</h1><div class="byline">By Staff Reporter</div><div class="share-bar"><a href="#">Share</a><a href="#">Copy link</a></div>
${p.join('\n')}
<aside class="related-coverage"><h2>Related coverage</h2><ul><li><a href="/a">Markets brace for a volatile week ahead</a></li><li><a href="/b">Central banks weigh their next moves</a></li></ul></aside>
</article></main><footer><p>© 2024 Wire. All rights reserved.</p></footer></body></html>`;
}

function broadcaster(d: BenchDoc, i: number): string {
  const blocks = paras(d).map((p) => `<div data-component="text-block">${p}</div>`);
  return `<!doctype html><html lang="en-GB"><head><meta charset="UTF-8"><title>${esc(d.title)} - Broadcaster</title>
<meta property="og:title" content="${esc(d.title)}"><meta property="og:site_name" content="Broadcaster"><meta property="article:published_time" content="2024-03-04T09:15:00+00:00"><meta property="og:image" content="https://b.example/${i}.jpg"></head><body>
<div id="cookie-consent" role="dialog"><p>Let us know you agree to cookies.</p></div><header role="banner"><ul>${navLinks}</ul></header>
<main><article><header><h1>${esc(d.title)}</h1></header><div data-component="byline-block"><span>By Sam Roe</span><span>Reporter</span></div>
<div data-component="image-block"><figure><img src="https://b.example/${i}-976.jpg" alt=""><figcaption><span class="visually-hidden">Image caption,</span>A scene from story ${i}<span class="image-credit">PA Media</span></figcaption></figure></div>
${blocks.join('\n')}
<section class="related-topics"><h2>More on this story</h2><ul><li><a href="/n/1">What the decision means for you</a></li></ul></section>
</article></main><section class="top-stories"><h2>Top Stories</h2><a href="/x">Summit ends without agreement</a></section><footer role="contentinfo"><p>Copyright 2024</p></footer></body></html>`;
}

function newspaper(d: BenchDoc, i: number): string {
  return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${esc(d.title)} – The Ledger</title><link rel="canonical" href="https://ledger.example/${i}"></head><body>
<div class="masthead"><a href="/">The Ledger</a> <a href="/subscribe">Subscribe</a></div>
<div class="most-popular sidebar"><h3>Most popular</h3><ol><li><a href="/a">Local man wins lottery twice</a></li><li><a href="/b">Ten walks to try this spring</a></li></ol></div>
<div id="content"><h1>${esc(d.title)}</h1><p class="byline">By Ann Lee, Correspondent</p><p><time datetime="2024-03-07T18:30:00Z">7 March 2024</time></p>
${paras(d).join('\n')}
<div class="newsletter"><p>Sign up to the Ledger Daily newsletter.</p></div></div><div class="footer">© 2024 The Ledger Ltd.</div></body></html>`;
}

function blog(d: BenchDoc, i: number): string {
  return `<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>${esc(d.title)} – Notebook</title><meta property="og:site_name" content="Notebook"><link rel="stylesheet" href="/style.css"></head>
<body class="single"><div id="site-header"><a class="site-title" href="/">Notebook</a><ul class="primary-menu"><li><a href="/about">About</a></li></ul></div>
<main id="site-content"><article class="post-${i} post"><header class="entry-header"><h1 class="entry-title">${esc(d.title)}</h1><div class="post-meta"><p>Posted on 12 May 2023 by Jo Bloggs</p></div></header>
<div class="entry-content">${paras(d).join('\n')}
<div class="sharedaddy"><h3>Share this:</h3><ul><li><a href="?share=x">X</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3><div><a href="/r/1">The reading room at 100 years old</a></div></div></div></article>
<div id="comments"><h2>Leave a Reply</h2><form><textarea></textarea></form></div></main><footer id="site-footer"><p>Powered by WordPress.</p></footer></body></html>`;
}

const STYLES = [wire, broadcaster, newspaper, blog];

export interface HtmlPage {
  name: string;
  html: string;
  /** The same story as raw text (headline, blank line, paragraphs), for format comparisons. */
  text: string;
}

export function htmlPages(docs: readonly BenchDoc[], count: number, seed: number): HtmlPage[] {
  const rng = mulberry32(seed);
  const out: HtmlPage[] = [];
  // Distinct stories (a partial shuffle), so the loader does not drop repeats as duplicates.
  const order = docs.map((_, i) => i);
  for (let i = 0; i < Math.min(count, docs.length); i++) {
    const j = i + Math.floor(rng() * (order.length - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
    const d = docs[order[i]!]!;
    const style = STYLES[Math.floor(rng() * STYLES.length)]!;
    out.push({ name: `${String(i).padStart(5, '0')}-${style.name}`, html: style(d, i), text: `${d.title}\n\n${d.paragraphs.join('\n\n')}\n` });
  }
  return out;
}
