/** Small slips found by a probe: the method check before any body parsing, a Host-less HTTP/1.1 request, decimal-only integers. */
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { appFor, problem } from '../helpers/app.js';

const { app } = await appFor();
afterAll(() => app.close());

describe('a POST with a body', () => {
  it('answers 405 with Allow even when the body is invalid JSON (no route takes a body, so none is parsed)', async () => {
    for (const [type, payload] of [
      ['application/json', '{"unclosed'],
      ['application/json', ''],
      ['text/plain', 'anything'],
      ['application/x-www-form-urlencoded', 'a=1'],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/articles', headers: { 'content-type': type }, payload });
      const p = problem(res, 405);
      expect(p.title).toBe('Method Not Allowed');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('still answers 404 for a POST to no route', async () => {
    problem(await app.inject({ method: 'POST', url: '/nowhere', headers: { 'content-type': 'application/json' }, payload: '{bad' }), 404);
  });
});

describe('integers in the query', () => {
  it.each(['limit=0x10', 'limit=1e1', 'limit=1.0', 'limit=+5', 'limit=%205', 'offset=0x10', 'offset=1e3', 'limit=0b11', 'limit='])('rejects %s: decimal integers only', async (qs) => {
    const p = problem(await app.inject(`/articles?${qs}`), 400);
    expect(p.errors?.[0]).toMatchObject({ in: 'query', parameter: qs.split('=')[0], reason: 'expected a decimal integer' });
  });

  it('rejects limit=1e1 on related articles too, and still accepts plain decimals', async () => {
    problem(await app.inject('/articles/business-oil-prices-climb/related?limit=1e1'), 400);
    expect((await app.inject('/articles?limit=16&offset=0')).json()).toMatchObject({ limit: 16, offset: 0 });
    expect((await app.inject('/articles/business-oil-prices-climb/related?limit=3')).statusCode).toBe(200);
    expect(problem(await app.inject('/articles?limit=500'), 400).errors?.[0]?.reason).toMatch(/100/);
  });
});

describe('HTTP/1.1 without Host', () => {
  it('answers a 400 problem, not a bare 400', async () => {
    const { app: listening } = await appFor();
    await listening.listen({ port: 0, host: '127.0.0.1' });
    const { port } = listening.server.address() as { port: number };
    const raw = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('close', () => resolve(out));
      s.write('GET /sources HTTP/1.1\r\nConnection: close\r\n\r\n');
    });
    await listening.close();
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { status: number; detail: string };
    expect(body).toMatchObject({ status: 400, detail: 'An HTTP/1.1 request must carry a Host header.' });
  });
});
