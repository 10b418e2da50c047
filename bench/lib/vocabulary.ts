/**
 * Deterministic vocabulary for the synthetic corpus generator.
 *
 * Content words = the real word forms of the BBC corpus (if it is present), ranked by
 * their BBC frequency, followed by synthetic pronounceable words up to `size` entries.
 * Function words are kept apart with realistic relative frequencies (per 1000 words of
 * English news text, rounded). No downloaded data: everything else is generated.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rng } from './prng.js';
import { pick, randInt } from './prng.js';

/** [word, approximate occurrences per 1000 running words]. */
export const FUNCTION_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['the', 60], ['of', 28], ['and', 26], ['to', 26], ['a', 22], ['in', 20], ['is', 9],
  ['that', 10], ['for', 9], ['it', 7], ['was', 8], ['on', 7], ['with', 6], ['he', 5],
  ['as', 6], ['at', 5], ['by', 5], ['said', 6], ['his', 4], ['be', 4], ['from', 4],
  ['have', 4], ['has', 4], ['are', 4], ['this', 4], ['but', 3.5], ['not', 3], ['which', 3],
  ['they', 3], ['an', 3], ['had', 3], ['were', 3], ['will', 3], ['been', 2.5], ['would', 2.5],
  ['their', 2.5], ['who', 2.5], ['its', 2.5], ['or', 2], ['she', 2], ['there', 2], ['we', 2],
  ['more', 2], ['also', 2], ['one', 2], ['i', 1.5], ['her', 1.5], ['all', 1.5], ['about', 1.5],
  ['up', 1.5], ['out', 1.5], ['if', 1.2], ['after', 1.2], ['than', 1.2], ['so', 1.1],
  ['can', 1.1], ['new', 1.1], ['over', 1], ['year', 1], ['could', 1], ['into', 1], ['them', 1],
  ['no', 0.9], ['what', 0.9], ['when', 0.9], ['some', 0.9], ['two', 0.8], ['people', 0.8],
  ['first', 0.8], ['other', 0.8], ['our', 0.7], ['last', 0.7], ['you', 0.7], ['should', 0.6],
  ['now', 0.6], ['only', 0.6], ['just', 0.6], ['because', 0.5], ['told', 0.5], ['being', 0.5],
  ['most', 0.5], ['many', 0.5], ['before', 0.4], ['while', 0.4], ['those', 0.4], ['these', 0.4],
  ['under', 0.4], ['where', 0.4], ['how', 0.4], ['between', 0.3], ['against', 0.3],
  ['during', 0.3], ['may', 0.3], ['did', 0.3], ['do', 0.3], ['any', 0.3], ['very', 0.3],
  ['such', 0.3], ['like', 0.3], ['then', 0.3], ['made', 0.3], ['still', 0.3], ['through', 0.3],
  ['him', 0.3], ['my', 0.3], ['does', 0.2], ['both', 0.2], ['each', 0.2], ['down', 0.2],
  ['off', 0.2], ['since', 0.2], ['until', 0.2], ['without', 0.2], ['around', 0.2],
  ['however', 0.2], ['although', 0.1], ['whether', 0.15], ['much', 0.2], ['well', 0.2],
];

export const FIRST_NAMES: readonly string[] = [
  'James', 'John', 'David', 'Michael', 'Peter', 'Paul', 'Mark', 'Andrew', 'Richard', 'Tony',
  'Gordon', 'Ian', 'Simon', 'Chris', 'Tom', 'Alan', 'Steve', 'Robert', 'William', 'George',
  'Mary', 'Sarah', 'Anna', 'Helen', 'Emma', 'Jane', 'Claire', 'Susan', 'Ruth', 'Laura',
  'Kate', 'Maria', 'Fatima', 'Aisha', 'Wei', 'Li', 'Raj', 'Priya', 'Carlos', 'Ana', 'Jean',
  'Pierre', 'Hans', 'Olga', 'Ivan', 'Kenji', 'Yuki', 'Ahmed', 'Omar', 'Nadia',
];

export const MONTHS: readonly string[] = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December',
];

const ONSETS = ['b', 'br', 'c', 'ch', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'l',
  'm', 'n', 'p', 'pl', 'pr', 'r', 's', 'sh', 'st', 't', 'tr', 'v', 'w', 'z', 'qu', 'sp', ''];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'o', 'ai', 'ea', 'ou', 'io', 'y'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st', 'ck', 'ng', 'rt'];
const SUFFIXES = ['', '', '', '', 'ing', 'ed', 'er', 's', 'tion', 'ly', 'ment', 'ness', 'al'];

/** One pronounceable synthetic word of `syllables` syllables (lower case). */
export function syntheticWord(rng: Rng, syllables: number): string {
  let w = '';
  for (let i = 0; i < syllables; i++) w += pick(rng, ONSETS) + pick(rng, VOWELS) + pick(rng, CODAS);
  return w + pick(rng, SUFFIXES);
}

/** `n` distinct synthetic words, none of them in `exclude`. */
export function syntheticWords(rng: Rng, n: number, exclude: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < n) {
    const w = syntheticWord(rng, randInt(rng, 1, 3));
    if (w.length < 3 || w.length > 12 || seen.has(w) || exclude.has(w)) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}

async function listTxt(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listTxt(p)));
    else if (e.name.endsWith('.txt')) out.push(p);
  }
  return out;
}

/**
 * Word forms of a real corpus ranked by frequency (ties alphabetical), function words
 * removed. The surface form kept is the most frequent one (so "Shell" stays capitalised
 * while "shell" would not). Returns [] when the directory is missing.
 */
export async function loadCorpusVocabulary(dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = (await listTxt(dir)).sort();
  } catch {
    return [];
  }
  const counts = new Map<string, Map<string, number>>();
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    for (const m of text.matchAll(/(?<![A-Za-z0-9'-])(?:[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z])(?![0-9])/g)) {
      const form = m[0];
      const key = form.toLowerCase();
      let forms = counts.get(key);
      if (!forms) counts.set(key, (forms = new Map()));
      forms.set(form, (forms.get(form) ?? 0) + 1);
    }
  }
  const functionWords = new Set(FUNCTION_WORDS.map(([w]) => w));
  const ranked: Array<[string, number]> = [];
  for (const [key, forms] of counts) {
    if (functionWords.has(key) || key.length < 2) continue;
    let best = '';
    let bestN = -1;
    let total = 0;
    for (const [form, n] of forms) {
      total += n;
      if (n > bestN || (n === bestN && form < best)) [best, bestN] = [form, n];
    }
    ranked.push([best, total]);
  }
  ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ranked.map(([w]) => w);
}

/** Content vocabulary: real forms first (by rank), then synthetic words up to `size`. */
export function buildVocabulary(rng: Rng, real: readonly string[], size: number): string[] {
  const exclude = new Set(real.map((w) => w.toLowerCase()));
  for (const [w] of FUNCTION_WORDS) exclude.add(w);
  const extra = syntheticWords(rng, Math.max(0, size - real.length), exclude);
  return [...real, ...extra];
}
