/**
 * Generates one synthetic BBC-like news article (headline + paragraphs) from a
 * per-article PRNG. Language model, in short:
 *  - ~46% function words drawn by their English frequencies,
 *  - ~10% "topic" words: 14 words fixed per article (half from its category's topic
 *    list), which makes articles bursty and distinguishable like real news,
 *  - ~3.5% special tokens: numbers, percentages, money ($1.5m, £20,000), dates
 *    (9 August 2021 / August 9, 2021), people's names,
 *  - the rest: content words drawn from a Zipf-Mandelbrot distribution over the vocabulary.
 * Length: log-normal, mean ~380 words; 5-25 paragraphs of 1-5 sentences.
 */
import type { Rng } from './prng.js';
import { WeightedSampler, gaussian, mixSeed, mulberry32, pick, randInt, zipfWeights } from './prng.js';
import { FIRST_NAMES, FUNCTION_WORDS, MONTHS, buildVocabulary, syntheticWord } from './vocabulary.js';

const CATEGORIES = [
  'business', 'entertainment', 'politics', 'sport', 'tech', 'world', 'science', 'health',
  'education', 'environment', 'uk', 'us-canada', 'europe', 'asia', 'africa', 'middle-east',
  'latin-america', 'arts', 'travel', 'money', 'motoring', 'weather', 'family', 'culture',
  'football', 'cricket', 'tennis', 'scotland', 'wales', 'northern-ireland',
];
const MAX_PER_FOLDER = 5000;
const VOCAB_SIZE = 80_000;

export interface GeneratorModel {
  vocab: readonly string[];
  content: WeightedSampler;
  functionSampler: WeightedSampler;
  /** Per category: vocabulary indices of its topical words. */
  categoryTopics: ReadonlyArray<readonly number[]>;
  surnames: readonly string[];
}

export interface Article {
  headline: string;
  paragraphs: string[];
}

interface ArticleState {
  rng: Rng;
  model: GeneratorModel;
  topics: number[];
  people: Array<{ first: string; last: string; title: string; mentioned: boolean }>;
  year: number;
  month: number;
}

const capitalise = (w: string): string => (w ? w[0]!.toUpperCase() + w.slice(1) : w);

function date(s: ArticleState): string {
  const { rng } = s;
  // Dates cluster around the article's own date.
  const month = (s.month + randInt(rng, -2, 1) + 12) % 12;
  const year = s.year - (rng() < 0.1 ? randInt(rng, 1, 5) : 0);
  const day = randInt(rng, 1, 28);
  const m = MONTHS[month]!;
  return rng() < 0.7 ? `${day} ${m} ${year}` : `${m} ${day}, ${year}`;
}

function money(rng: Rng): string {
  const cur = rng() < 0.55 ? '£' : '$';
  const r = rng();
  if (r < 0.45) return `${cur}${(rng() * 99 + 1).toFixed(rng() < 0.5 ? 0 : 1)}m`;
  if (r < 0.6) return `${cur}${(rng() * 40 + 1).toFixed(rng() < 0.5 ? 0 : 1)}bn`;
  if (r < 0.9) return `${cur}${randInt(rng, 1, 999)},${String(randInt(rng, 0, 99) * 10).padStart(3, '0')}`;
  return `${cur}${randInt(rng, 1, 999)}`;
}

function number(rng: Rng): string {
  const r = rng();
  if (r < 0.35) return String(randInt(rng, 2, 60));
  if (r < 0.6) return `${(rng() * 30).toFixed(1)}%`;
  if (r < 0.8) return `${randInt(rng, 1, 99)},${String(randInt(rng, 0, 999)).padStart(3, '0')}`;
  return String(randInt(rng, 1990, 2024));
}

function person(s: ArticleState): string {
  const p = pick(s.rng, s.people);
  if (!p.mentioned) {
    p.mentioned = true;
    return `${p.first} ${p.last}`;
  }
  return s.rng() < 0.5 ? `${p.title} ${p.last}` : p.last;
}

function contentWord(s: ArticleState): string {
  const { rng, model } = s;
  const idx = rng() < 0.18 ? pick(rng, s.topics) : model.content.sample(rng);
  return model.vocab[idx]!;
}

function token(s: ArticleState): string {
  const { rng, model } = s;
  const r = rng();
  if (r < 0.46) return FUNCTION_WORDS[model.functionSampler.sample(rng)]![0];
  if (r < 0.47) return number(rng);
  if (r < 0.477) return money(rng);
  if (r < 0.48) return date(s);
  if (r < 0.495) return person(s);
  return contentWord(s);
}

function sentence(s: ArticleState, words: number): string {
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    let t = token(s);
    if (i < words - 1 && s.rng() < 0.06) t += ',';
    parts.push(t);
  }
  parts[0] = capitalise(parts[0]!);
  let out = parts.join(' ');
  if (s.rng() < 0.12) out = `"${out}," said ${person(s)}`;
  return out + '.';
}

/** Deterministic article for the given PRNG state and category. */
export function generateArticle(rng: Rng, model: GeneratorModel, category: number): Article {
  const catTopics = model.categoryTopics[category]!;
  const topics: number[] = [];
  for (let i = 0; i < 7; i++) topics.push(pick(rng, catTopics));
  // Global topic words: log-uniform rank in [200, vocab size) -> mostly mid-frequency.
  const n = model.vocab.length;
  for (let i = 0; i < 7; i++) topics.push(Math.floor(Math.exp(Math.log(200) + rng() * Math.log(n / 200))));
  const people = Array.from({ length: randInt(rng, 1, 3) }, () => ({
    first: pick(rng, FIRST_NAMES),
    last: pick(rng, model.surnames),
    title: rng() < 0.6 ? 'Mr' : 'Ms',
    mentioned: false,
  }));
  const s: ArticleState = { rng, model, topics, people, year: randInt(rng, 2000, 2024), month: randInt(rng, 0, 11) };

  // Log-normal length with mean ~380 words (target 345 + quote attributions).
  const sigma = 0.45;
  const target = Math.min(1600, Math.max(90, Math.exp(Math.log(345) - (sigma * sigma) / 2 + sigma * gaussian(rng))));
  const paragraphs: string[] = [];
  let total = 0;
  // Lead paragraph: one sentence, usually with the article's date.
  const lead = sentence(s, randInt(rng, 16, 32));
  paragraphs.push(rng() < 0.6 ? `${lead.slice(0, -1)} on ${date(s)}.` : lead);
  total += lead.split(' ').length;
  const meanSentences = Math.max(1, Math.min(5, Math.round(target / 170)));
  while (paragraphs.length < 25 && (total < target || paragraphs.length < 5)) {
    const k = randInt(rng, 1, meanSentences + 1);
    const sents: string[] = [];
    for (let i = 0; i < k; i++) {
      const len = Math.round(Math.min(45, Math.max(5, 21 + 7 * gaussian(rng))));
      sents.push(sentence(s, len));
      total += len;
    }
    paragraphs.push(sents.join(' '));
  }

  // Headline: 3-9 words, mostly topic words of this article.
  const hw: string[] = [];
  const hlen = randInt(rng, 3, 9);
  for (let i = 0; i < hlen; i++) {
    const r = rng();
    if (r < 0.5) hw.push(model.vocab[pick(rng, topics)]!);
    else if (r < 0.7) hw.push(FUNCTION_WORDS[model.functionSampler.sample(rng) % 20]![0]);
    else if (r < 0.75) hw.push(money(rng));
    else hw.push(contentWord(s));
  }
  hw[0] = capitalise(hw[0]!);
  return { headline: hw.join(' '), paragraphs };
}

/** Article text in the corpus file format: headline, blank line, paragraphs split by blank lines. */
export function formatArticle(a: Article): string {
  return `${a.headline}\n\n${a.paragraphs.join('\n\n')}\n`;
}

/** File-name slug from a headline (ASCII letters/digits and dashes, <= 50 chars). */
export function slugify(headline: string): string {
  const slug = headline.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, 50).replace(/-+$/, '') || 'article';
}

/**
 * The language model of a corpus of `count` articles with `seed`: vocabulary (the real word forms
 * first), Zipf sampler, categories (enough that none holds more than `capacity` articles) with
 * their topical words, surnames.
 */
export function newsModel(seed: number, count: number, real: readonly string[]) {
  const modelRng = mulberry32(mixSeed(seed, 0xc0ffee));
  const vocab = buildVocabulary(modelRng, real, VOCAB_SIZE);
  const nCat = Math.min(CATEGORIES.length, Math.max(8, Math.ceil((count * 1.25) / MAX_PER_FOLDER)));
  const categories = CATEGORIES.slice(0, nCat);
  const capacity = Math.max(MAX_PER_FOLDER, Math.ceil((count * 1.25) / nCat));
  // Each category gets 1500 topical words, log-uniform over ranks [100, 40000).
  const topicMax = Math.min(vocab.length, 40_000);
  const categoryTopics = categories.map(() =>
    Array.from({ length: 1500 }, () => Math.floor(Math.exp(Math.log(100) + modelRng() * Math.log(topicMax / 100)))),
  );
  const surnames = Array.from({ length: 4000 }, () => {
    const w = syntheticWord(modelRng, 2);
    return w[0]!.toUpperCase() + w.slice(1);
  });
  const model: GeneratorModel = {
    vocab,
    content: new WeightedSampler(zipfWeights(vocab.length, 1.0, 2.7)),
    functionSampler: new WeightedSampler(FUNCTION_WORDS.map(([, f]) => f)),
    categoryTopics,
    surnames,
  };
  const catWeights = new WeightedSampler(categories.map(() => 0.8 + 0.4 * modelRng()));
  return { model, categories, catWeights, capacity };
}

/**
 * The articles of a corpus in order, each with its number and category (categories filled up to
 * their capacity, then the next one). Article i depends only on the seed, i and the model, so
 * generate-corpus's files and the SQL archive of the PostgreSQL search benchmark hold the same texts.
 */
export function* newsArticles(seed: number, count: number, real: readonly string[]): Generator<{ n: number; category: string; article: Article }> {
  const { model, categories, catWeights, capacity } = newsModel(seed, count, real);
  const perCat = new Array<number>(categories.length).fill(0);
  for (let i = 0; i < count; i++) {
    const rng = mulberry32(mixSeed(seed, i + 1));
    let cat = catWeights.sample(rng);
    while (perCat[cat]! >= capacity) cat = (cat + 1) % categories.length;
    perCat[cat]!++;
    yield { n: i, category: categories[cat]!, article: generateArticle(rng, model, cat) };
  }
}
