/**
 * Language detectors on short news articles of our own in seven languages (bench/lib/multilingual.ts):
 * eld (its small and large databases) and franc (all its languages, and limited to the seven),
 * side by side in one process. Accuracy, and time per article (best of the rounds).
 *
 *   tsx bench/language-bench.ts [--per-language 50] [--seed 1] [--rounds 3] [--sentences 1]
 *
 * (`--sentences 1`: one sentence an article instead of two or three, the harder case.)
 */
import { intArg, parseCli } from './lib/args.js';
import { languageSamples } from './lib/multilingual.js';

const USAGE = 'tsx bench/language-bench.ts [--per-language 50] [--seed 1] [--rounds 3]';
const args = parseCli({ 'per-language': { type: 'string' }, seed: { type: 'string' }, rounds: { type: 'string' }, sentences: { type: 'string' } }, USAGE);
const perLanguage = intArg(args['per-language'], 'per-language', 50);
const seed = intArg(args.seed, 'seed', 1);
const rounds = Math.max(1, intArg(args.rounds, 'rounds', 3));
const sentenceCount = intArg(args.sentences, 'sentences', 0);
const samples = languageSamples(perLanguage, seed, sentenceCount || undefined);

// franc answers ISO 639-3 codes.
const ISO3: Record<string, string> = { eng: 'en', fra: 'fr', deu: 'de', spa: 'es', ita: 'it', por: 'pt', nld: 'nl' };
let t0 = performance.now();
const { franc } = await import('franc');
process.stderr.write(`franc loaded in ${(performance.now() - t0).toFixed(0)} ms\n`);
const loadMs: Record<string, number> = { franc: performance.now() - t0 };
const only = Object.keys(ISO3);
const detectors: Array<[string, (t: string) => string]> = [];
for (const size of ['extrasmall', 'small', 'large'] as const) {
  t0 = performance.now();
  const { eld } = (await import(`eld/${size}`)) as { eld: { detect(t: string): { language: string } } };
  loadMs[`eld ${size}`] = performance.now() - t0;
  detectors.push([`eld ${size}`, (text) => eld.detect(text).language]);
}
detectors.push(['franc (all languages)', (text) => ISO3[franc(text)] ?? franc(text)]);
detectors.push(['franc (only these 7)', (text) => ISO3[franc(text, { only })] ?? 'und']);

console.log(`${samples.length} articles (${perLanguage} in each of ${Object.keys(ISO3).length} languages, ${sentenceCount || '2-3'} sentences, ${Math.round(samples.reduce((n, s) => n + s.text.length, 0) / samples.length)} characters on average), seed ${seed}, Node ${process.version}\n`);
console.log('| detector | import ms | accuracy | wrong | µs per article | errors (expected→got) |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const [name, detect] of detectors) {
  let best = Infinity;
  const wrong: string[] = [];
  for (let r = 0; r < rounds; r++) {
    wrong.length = 0;
    const t = performance.now();
    for (const s of samples) {
      const got = detect(s.text);
      if (got !== s.language) wrong.push(`${s.language}→${got || '?'}`);
    }
    best = Math.min(best, performance.now() - t);
  }
  const counts = new Map<string, number>();
  for (const w of wrong) counts.set(w, (counts.get(w) ?? 0) + 1);
  console.log(`| ${name} | ${(loadMs[name] ?? loadMs.franc!).toFixed(0)} | ${(((samples.length - wrong.length) / samples.length) * 100).toFixed(1)}% | ${wrong.length} | ${((best / samples.length) * 1000).toFixed(0)} | ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ') || '—'} |`);
}
