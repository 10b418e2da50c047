/** Log volume under floods: refusals are counted, not logged one line each. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { CORPUS_DIR } from '../helpers/app.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('log volume', () => {
  it('logs 200 rate-limited requests as one count, not 200 lines', async () => {
    const { lines, logger } = capture();
    const store = new CorpusStore(new Corpus(await loadArticles(CORPUS_DIR)));
    const app = await buildApp({ store, loggerInstance: logger, config: { rateLimitMax: 2 } });
    for (let i = 0; i < 202; i++) await app.inject('/sources');
    await app.close();
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines.map((l) => l.status)).toEqual([200, 200]);
    const counts = lines.filter((l) => l.refused);
    expect(counts).toHaveLength(1);
    expect(counts[0]).toMatchObject({ level: 40, refused: { '429': 200 } });
    expect(String(counts[0]!.msg)).toMatch(/refused 200 in the last 10 s \(429: 200\)/);
  });
});
