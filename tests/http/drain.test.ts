/** Answers sent while the server drains say Connection: close, so a keep-alive client does not send its next request into a closing socket. */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { CORPUS_DIR } from '../helpers/app.js';

describe('draining at shutdown', () => {
  it('answers an in-flight request with Connection: close once close() has begun', async () => {
    const app = await buildApp({ store: new CorpusStore(new Corpus(await loadArticles(CORPUS_DIR))), logger: false });
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      app.get('/test/slow', async () => {
        resolve();
        await new Promise<void>((r) => (release = r));
        return { ok: true };
      });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    const closed = new Promise((r) => socket.once('close', r));
    // A keep-alive answer before shutdown says keep-alive...
    socket.write('GET /sources HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.write('GET /test/slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await started;
    const closing = app.close();
    await new Promise((r) => setTimeout(r, 50));
    release();
    await closing;
    await closed;
    const heads = raw.match(/HTTP\/1\.1 \d{3}[^]*?\r\n\r\n/gu) ?? [];
    expect(heads).toHaveLength(2);
    expect(heads[0]).toMatch(/^connection: keep-alive$/im);
    // ...the one sent while draining says close.
    expect(heads[1]).toMatch(/^HTTP\/1\.1 200 /);
    expect(heads[1]).toMatch(/^connection: close$/im);
  });
});
