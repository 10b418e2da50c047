/**
 * Worker thread of a parse pool (parse-pool.ts): reads and parses the files it is sent, each as
 * the loader's own thread would (readArticleFile, parseArticleFile), and detects the language of
 * articles whose language nothing stated, so that work too is spread over the cores. Answers
 * `{ id, results }`, one result per file in the order asked, each article with the digests the
 * cross-file steps compare (keysOf) already made.
 */
import { parentPort } from 'node:worker_threads';
import { paragraphsOf } from '../articles/record.js';
import { ChromeList } from './normalise/chrome.js';
import { languageSample, loadLanguageDetector, type DetectLanguage } from './normalise/language.js';
import { keysOf, parseArticleFile, readArticleFile, type FileOutcome, type FileProblem } from './parse-file.js';
import { formatFor, loadParsers } from './registry.js';
import type { Format, FormatParser } from './types.js';
import type { FolderDefaults } from './walk.js';
import type { ParseJob } from './parse-pool.js';

function serve(): void {
  // This worker's own: a folder's chrome list is made once per list, the detector imported once.
  const chromes = new Map<string, ChromeList>();
  let detector: Promise<DetectLanguage> | null = null;
  // Imported once per format, not per message: from source every import() asks tsx's loader thread.
  const parsers = new Map<Format, FormatParser>();
  parentPort!.on('message', (job: ParseJob) => {
    void run(job).then(
      (results) => parentPort!.postMessage({ id: job.id, results }),
      (e: Error) => parentPort!.postMessage({ id: job.id, error: e.message }),
    );
  });

  async function run(job: ParseJob): Promise<Array<FileOutcome | FileProblem>> {
    const missing = job.files.map((f) => f.rel).filter((rel) => !parsers.has(formatFor(rel)!.format));
    if (missing.length) for (const [format, parser] of await loadParsers(missing)) parsers.set(format, parser);
    const defaults: FolderDefaults[] = job.defaults.map((d) => {
      let chrome = chromes.get(d.chrome);
      if (!chrome) chromes.set(d.chrome, (chrome = new ChromeList(d.chrome.split('\n'))));
      return { ...(d.source ? { source: d.source } : {}), ...(d.language ? { language: d.language } : {}), ...(d.category ? { category: d.category } : {}), ...(d.url ? { url: d.url } : {}), chrome };
    });
    const results: Array<FileOutcome | FileProblem> = [];
    for (const f of job.files) {
      const read = await readArticleFile(f.abs, job.maxBytes, true);
      const parsed = 'problem' in read ? read : await parseArticleFile(read, f.rel, defaults[f.defaults]!, job.defaults[f.defaults]!.key, parsers);
      if (!('problem' in parsed)) {
        for (const e of parsed.entries) {
          // The digests of the duplicate check and related links, made here rather than on the loader's thread.
          keysOf(e);
          if (!e.detectLanguage) continue;
          const detect = await (detector ??= loadLanguageDetector());
          const found = detect(languageSample(e.article.title, paragraphsOf(e.article)));
          if (found) {
            e.article.language = found;
            e.languageDetected = true;
          }
          e.detectLanguage = false;
        }
      }
      results.push(parsed);
    }
    return results;
  }
}

serve();
