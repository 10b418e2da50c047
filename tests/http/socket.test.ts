import { afterAll, describe, expect, it } from 'vitest';
import { ArticleList } from '../../src/http/schemas/index.js';
import { appFor } from '../helpers/app.js';

describe('over a real socket', async () => {
  const { app } = await appFor();
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  afterAll(() => app.close());

  it('serves JSON to fetch with keep-alive and ETags', async () => {
    const res = await fetch(`${address}/articles?limit=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = ArticleList.parse(await res.json());
    expect(body.items).toHaveLength(2);
    const again = await fetch(`${address}/articles?limit=2`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});
