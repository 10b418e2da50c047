/** TRUST_PROXY, each documented form: which address is the client (request.ip, used for rate limits and logs). */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Corpus, CorpusStore } from '../../src/corpus/index.js';
import { loadArticles } from '../../src/loader/index.js';
import { CORPUS_DIR } from '../helpers/app.js';

const store = new CorpusStore(new Corpus(await loadArticles(CORPUS_DIR)));

/** The client address the app sees, for a request from `remoteAddress` carrying X-Forwarded-For. */
async function clientFor(trustProxyEnv: string, xff: string, remoteAddress = '127.0.0.1'): Promise<string> {
  const { trustProxy } = loadConfig([], { TRUST_PROXY: trustProxyEnv });
  const app = await buildApp({ store, logger: false, config: { trustProxy, rateLimitMax: 0 } });
  app.get('/test/client-ip', async (request) => ({ ip: request.ip }));
  const res = await app.inject({ url: '/test/client-ip', headers: { 'x-forwarded-for': xff }, remoteAddress });
  await app.close();
  return (res.json() as { ip: string }).ip;
}

describe('TRUST_PROXY', () => {
  const chain = '203.0.113.7, 198.51.100.2, 10.0.0.5';

  it('false (the default): the socket address, X-Forwarded-For ignored', async () => {
    expect(await clientFor('false', chain)).toBe('127.0.0.1');
  });

  it('true: the first address of X-Forwarded-For', async () => {
    expect(await clientFor('true', chain)).toBe('203.0.113.7');
  });

  it('a hop count: the address that many hops in front', async () => {
    expect(await clientFor('1', chain)).toBe('10.0.0.5');
    expect(await clientFor('2', chain)).toBe('198.51.100.2');
    expect(await clientFor('3', chain)).toBe('203.0.113.7');
    expect(await clientFor('5', chain)).toBe('203.0.113.7');
    expect(await clientFor('0', chain)).toBe('127.0.0.1');
  });

  it('an address list: trusted proxies are skipped, the first untrusted address is the client', async () => {
    expect(await clientFor('127.0.0.1', chain)).toBe('10.0.0.5');
    expect(await clientFor('127.0.0.1,10.0.0.5', chain)).toBe('198.51.100.2');
    // A peer not on the list is the client, whatever it forwards.
    expect(await clientFor('192.0.2.1', chain)).toBe('127.0.0.1');
  });

  it('CIDR ranges and named ranges', async () => {
    expect(await clientFor('127.0.0.0/8,10.0.0.0/8', chain)).toBe('198.51.100.2');
    expect(await clientFor('loopback', chain)).toBe('10.0.0.5');
    expect(await clientFor('10.0.0.0/8', chain, '192.0.2.9')).toBe('192.0.2.9');
  });
});
