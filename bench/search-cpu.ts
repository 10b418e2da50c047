/**
 * CPU time of one uncached search and its JSON page, in process (no HTTP): `Corpus.search`
 * (limit 20, relevance) plus the bytes of its JSON page (`searchPageBody`) over 5,000 distinct two-word queries drawn as the
 * HTTP bench's `--seed` draws them (a headline uniformly, then two of its distinct words), in
 * rounds; prints the process CPU µs per search of each round (the first warms up).
 *
 * `npx tsx bench/search-cpu.ts --corpus ../shared/corpora/bbc-news [--seed 1] [--rounds 4]`
 *
 * With `--against DIR` (another checkout of this repository, e.g. a worktree of main with its
 * node_modules), both trees' code is loaded into this one process, each builds its own corpus,
 * the pages of the first 500 queries are compared (a difference is reported), and the rounds
 * alternate A B B A / B A A B (this tree is A), so load that drifts during the run weighs on both
 * alike; prints each tree's rounds, minimum and median. On a shared machine a change of a few
 * per cent shows here long before it shows in HTTP req/s; run it in both orders (swap the
 * trees) and on two seeds before believing one.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Corpus as CorpusType } from '../src/corpus/index.js';
import type { searchPageBody as PageBody } from '../src/http/representations.js';
import { intArg, parseCli, requiredArg } from './lib/args.js';
import { headlinePairQueries } from './lib/queries.js';

const USAGE = 'usage: tsx bench/search-cpu.ts --corpus DIR [--seed N] [--rounds N] [--against OTHER_TREE]';
const values = parseCli(
  { corpus: { type: 'string' }, seed: { type: 'string', default: '1' }, rounds: { type: 'string', default: '4' }, against: { type: 'string' } },
  USAGE,
);
const corpusDir = path.resolve(requiredArg(values.corpus, 'corpus', USAGE));
const seed = intArg(values.seed, 'seed', 1);
const rounds = intArg(values.rounds, 'rounds', 4);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Tree {
  name: string;
  corpus: CorpusType;
  /** The page's bytes as the route sends them (a tree from before searchPageBody: its searchPageJson, encoded). */
  pageBody: typeof PageBody;
}

/** One tree's code, its own module instances, and a corpus built by it. */
async function loadTree(root: string): Promise<Tree> {
  const { Corpus } = (await import(path.join(root, 'src/corpus/index.ts'))) as typeof import('../src/corpus/index.js');
  const pages = (await import(path.join(root, 'src/http/representations.ts'))) as Partial<typeof import('../src/http/representations.js')> & {
    searchPageJson?: (...args: Parameters<typeof PageBody>) => string;
  };
  const pageBody: typeof PageBody = pages.searchPageBody ?? ((page, hits) => Buffer.from(pages.searchPageJson!(page, hits)));
  const { loadArticles } = (await import(path.join(root, 'src/loader/index.ts'))) as typeof import('../src/loader/index.js');
  return { name: root, corpus: new Corpus(await loadArticles(corpusDir)), pageBody };
}

const trees = [await loadTree(ROOT), ...(values.against ? [await loadTree(path.resolve(values.against))] : [])];
// (headlines in the corpus's own order, not /articles' newest-first: another draw of the same kind)
const queries = headlinePairQueries(trees[0]!.corpus.articles.map((a) => a.title), seed, 5000);

function page(tree: Tree, q: string): Buffer {
  const result = tree.corpus.search(q, { sort: 'relevance', limit: 20, offset: 0, fuzzy: false, facets: [], collapse: false });
  return tree.pageBody({ query: q, total: result.total, totalEstimated: false, limit: 20, offset: 0, next: null, suggestion: result.suggestion }, result.hits);
}

/** CPU µs per search and page over every query, and the bytes made. */
function round(tree: Tree): { us: number; bytes: number } {
  let bytes = 0;
  const before = process.cpuUsage();
  for (const q of queries) bytes += page(tree, q).length;
  const used = process.cpuUsage(before);
  return { us: Math.round((used.user + used.system) / queries.length), bytes };
}

if (trees.length === 1) {
  let bytes = 0;
  const perSearch: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { us, bytes: b } = round(trees[0]!);
    perSearch.push(us);
    bytes += b;
  }
  console.log(JSON.stringify({ seed, queries: queries.length, cpuUsPerSearchAndPage: perSearch, bytes }));
} else {
  const sample = [...queries].slice(0, 500);
  const differing = sample.filter((q) => !page(trees[0]!, q).equals(page(trees[1]!, q))).length;
  for (const tree of trees) round(tree); // warm-up
  const us: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) for (const k of r % 2 === 0 ? [0, 1, 1, 0] : [1, 0, 0, 1]) us[k]!.push(round(trees[k]!).us);
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(
    JSON.stringify({
      seed,
      queries: queries.length,
      pagesDiffering: `${differing} of ${sample.length}`,
      ...Object.fromEntries(trees.map((t, k) => [k === 0 ? 'A (this tree)' : `B (${t.name})`, { rounds: us[k], min: Math.min(...us[k]!), median: median(us[k]!) }])),
    }),
  );
}
