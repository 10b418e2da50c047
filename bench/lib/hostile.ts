/**
 * The soak's hostile mixes (bench/soak.ts): an ordinary client timed alone and while costly
 * searches arrive from many loopback addresses; a flood of idle connections past the server's
 * descriptor limit; the data folder replaced (renamed into place, then deleted and recreated)
 * while requests keep coming. Each from this process, over keep-alive connections made before
 * the flood (a flood fills the connection cap, so new connections are refused meanwhile).
 */
import { execFile } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import http from 'node:http';
import net from 'node:net';
import { percentile } from './stats.js';
import { mulberry32 } from './prng.js';

export interface Answer {
  status: number;
  ms: number;
  body: string;
}

/** GET over a keep-alive agent (optionally bound to a loopback source address). */
export function get(agent: http.Agent, base: string, path: string): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(`${base}${path}`, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, body }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0, body: '' }));
  });
}

export const agentFrom = (localAddress?: string) => new http.Agent({ keepAlive: true, maxSockets: 1, ...(localAddress ? { localAddress } : {}) });

/** Ordinary searches (two random title words) and article lookups, one at a time, until stopped. */
export function ordinaryClient(base: string, words: string[], ids: string[], seed: number) {
  const agent = agentFrom();
  const random = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let running = true;
  const done = (async () => {
    while (running) {
      const path = random() < 0.5 ? `/search?q=${encodeURIComponent(`${pick(words)} ${pick(words)}`)}&limit=10` : `/articles/${pick(ids)}`;
      const a = await get(agent, base, path);
      latencies.push(a.ms);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      agent.destroy();
      return { requests: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies), statuses };
    },
  };
}

const LETTERS = 'abcdefghilmnoprstuw';

/**
 * Costly searches from `clients` loopback addresses (127.0.0.10 up): half over the budget (24
 * two-letter prefixes ORed), half the costliest within it (3 two-letter prefixes), all facets,
 * limit 100; random prefixes so the answer cache does not help.
 */
export function costlyClients(base: string, clients: number, seed: number) {
  const random = mulberry32(seed);
  const prefix = () => `${LETTERS[Math.floor(random() * LETTERS.length)]}${LETTERS[Math.floor(random() * LETTERS.length)]}*`;
  const statuses = new Map<number, number>();
  let running = true;
  const agents = Array.from({ length: clients }, (_, i) => agentFrom(`127.0.0.${10 + i}`));
  const loops = agents.map(async (agent, i) => {
    let n = 0;
    while (running) {
      const count = (n++ + i) % 2 === 0 ? 24 : 3;
      const q = Array.from({ length: count }, prefix).join(' OR ');
      const a = await get(agent, base, `/search?q=${encodeURIComponent(q)}&facets=source,category,month&limit=100`);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (a.status === 503 || a.status === 0) await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      for (const a of agents) a.destroy();
      return statuses;
    },
  };
}

/** Opens `count` idle TCP connections (as many as the server accepts or the backlog holds). */
export async function idleFlood(port: number, count: number): Promise<{ opened: number; release: () => void }> {
  const sockets: net.Socket[] = [];
  let opened = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const s = net.connect(port, '127.0.0.1');
          sockets.push(s);
          s.on('error', () => resolve());
          s.once('connect', () => {
            opened++;
            resolve();
          });
          s.once('close', () => resolve());
        }),
    ),
  );
  return { opened, release: () => sockets.forEach((s) => s.destroy()) };
}

// Copies run in `cp`, not in this process: a synchronous copy here would stall the clients being timed.
const copy = (from: string, to: string) => promisify(execFile)('cp', ['-r', from, to]);

/** The usual deploy: a new copy renamed into place, the old one moved aside and removed. */
export async function renameIntoPlace(dir: string, source: string): Promise<void> {
  await copy(source, `${dir}.next`);
  await rename(dir, `${dir}.old`);
  await rename(`${dir}.next`, dir);
  await rm(`${dir}.old`, { recursive: true, force: true });
}

/** The careless one: deleted, then copied back file by file (a reload may see it half copied). */
export async function deleteAndRecreate(dir: string, source: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await copy(source, dir);
}
