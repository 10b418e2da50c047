/**
 * Graceful shutdown of the real process: a response still on its way when SIGTERM arrives is
 * delivered whole, /ready says 503 meanwhile, and the process then exits 0. The response is a
 * 20 MB article read by a client that pauses, so it is in flight for as long as the test wants
 * (no timing, no test-only hook in the server).
 */
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDataDir } from './helpers/paths.js';
import { startServer } from './helpers/server.js';


function bigArticle(bytes: number): string {
  const words = ['market', 'government', 'minister', 'growth', 'energy', 'election', 'report', 'security', 'company', 'shares'];
  const paras: string[] = [];
  for (let n = 0, size = 0; size < bytes; n++) {
    const p = `${Array.from({ length: 60 }, (_, i) => words[(n * 7 + i * 3) % words.length]).join(' ')} item ${n}.`;
    paras.push(p);
    size += p.length + 2;
  }
  return `A very long report\n\n${paras.join('\n\n')}\n`;
}

describe('graceful shutdown', () => {
  it('finishes an in-flight response after SIGTERM, answers /ready 503 meanwhile, then exits 0', async () => {
    const dir = tempDataDir({ 'small.txt': 'A headline\n\nA paragraph.\n' });
    writeFileSync(path.join(dir, 'big.txt'), bigArticle(20 * 1024 * 1024));
    const { child, port, output, exited } = await startServer([], { LOG_LEVEL: 'info', DATA_DIR: dir, MAX_FILE_BYTES: String(64 * 1024 * 1024) }, 60_000);

    // The big article; once the server drains, /ready on the same connection.
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const firstBytes = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.on('data', (d: Buffer) => chunks.push(d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /articles/big HTTP/1.1\r\nHost: test\r\n\r\n');
    await firstBytes;
    socket.pause(); // the rest of the 20 MB waits in the server

    child.kill('SIGTERM');
    await vi.waitFor(() => expect(output()).toMatch(/"msg":"draining/), { timeout: 20_000, interval: 50 });
    socket.write('GET /ready HTTP/1.1\r\nHost: test\r\n\r\n');
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode, 'the server must not exit while a response is in flight').toBeNull();
    socket.resume();
    // The client closes once it has both answers (the second says Connection: close).
    await closed;
    expect(await exited).toBe(0);

    const raw = Buffer.concat(chunks);
    const headEnd = raw.indexOf('\r\n\r\n');
    const head = raw.subarray(0, headEnd).toString();
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
    expect(length).toBeGreaterThan(20 * 1024 * 1024);
    const body = raw.subarray(headEnd + 4, headEnd + 4 + length);
    expect(body.length).toBe(length);
    const article = JSON.parse(body.toString()) as { id: string; paragraphs: string[] };
    expect(article.id).toBe('big');

    const second = raw.subarray(headEnd + 4 + length).toString();
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/content-type: application\/problem\+json/i);
    expect(second).toMatch(/"title":"Not Ready"/);
    expect(output()).toMatch(/"msg":"shutting down"/);
  }, 120_000);
});
