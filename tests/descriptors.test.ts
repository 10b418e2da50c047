/**
 * A flood of idle connections under a low open-files limit (a child process started under
 * `ulimit -n 256`): the server caps connections below the limit, its load-shedding checks never
 * throw EMFILE, and a reload that cannot read the folder keeps the corpus instead of swapping in
 * an empty one.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from './helpers/paths.js';
import { startServer, type RunningServer } from './helpers/server.js';

const LINUX = process.platform === 'linux' && existsSync('/proc/self/limits');
if (!LINUX) console.warn('[skip] descriptor-flood tests need Linux (/proc/self/limits and bash ulimit)');

const story = (n: number) => `Headline number ${n}\n\nThe story ${n} begins here.\n`;
const dataset = () => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`story-${i}.txt`, story(i)]));

async function flood(port: number, count: number): Promise<net.Socket[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve) => {
          const s = net.connect(port, '127.0.0.1');
          s.on('error', () => undefined);
          s.once('connect', () => resolve(s));
          s.once('close', () => resolve(s));
        }),
    ),
  );
  return sockets;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForOutput(server: RunningServer, re: RegExp, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!re.test(server.output()) && Date.now() < deadline && server.child.exitCode === null) await sleep(50);
}

describe.skipIf(!LINUX)('idle connections under a low open-files limit', () => {
  it('caps connections below the limit, keeps running through the flood, and a reload meanwhile still reads the folder', async () => {
    const dir = tempDataDir(dataset());
    const server = await startServer([], { DATA_DIR: dir, LOG_LEVEL: 'info' }, 20_000, { openFilesLimit: 256 });
    expect(server.output()).toMatch(/"maxConnections":192,"openFilesLimit":256/);
    const sockets = await flood(server.port, 400);
    server.child.kill('SIGHUP');
    // The shedding sampler runs each second: a few rounds under the flood.
    await sleep(3000);
    expect(server.child.exitCode, server.output().slice(-2000)).toBeNull();
    for (const s of sockets) s.destroy();
    await sleep(200);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { articles: number; reload: { lastError: string | null } };
    expect(health.articles).toBe(20);
    expect(health.reload.lastError).toBeNull();
    expect(server.output()).toMatch(/reload: content unchanged/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 30_000);

  it('with the cap set past the limit, a reload that runs out of descriptors keeps the corpus and says why', async () => {
    const dir = tempDataDir(dataset());
    const server = await startServer([], { DATA_DIR: dir, LOG_LEVEL: 'info', MAX_CONNECTIONS: '5000' }, 20_000, { openFilesLimit: 256 });
    expect(server.output()).toMatch(/MAX_CONNECTIONS=5000 leaves too few of the 256 open files/);
    const sockets = await flood(server.port, 400);
    await sleep(500);
    server.child.kill('SIGHUP');
    await waitForOutput(server, /reload failed/);
    await sleep(2000);
    expect(server.child.exitCode, server.output().slice(-2000)).toBeNull();
    for (const s of sockets) s.destroy();
    await sleep(500);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { articles: number; status: string; reload: { lastError: string | null } };
    expect(health.articles).toBe(20);
    expect(health.status).toBe('degraded');
    expect(health.reload.lastError).toMatch(/EMFILE/);
    expect(health.reload.lastError).not.toContain(dir);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 30_000);
});
