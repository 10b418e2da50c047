/**
 * The steps of deploy/compose.yaml without a container engine: ingest a data directory into the
 * PostgreSQL at DATABASE_URL, start N API replicas that read only from it (no data folder), wait
 * until each is ready, and check they serve the same corpus version and ETags. With --check it
 * then stops them and exits (0 when they agree); otherwise they keep running until Ctrl-C.
 *
 *   DATABASE_URL=postgres://… npm run replicas -- --data DIR [--port 3001] [--count 2] [--check]
 *
 * --port 0 gives each replica a free port (the tests use it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redactUrl } from '../src/store/connection.js';
import { freePort } from './free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = (file: string) => [process.execPath, ['--import', 'tsx', path.join(ROOT, file)]] as const;

async function waitReady(base: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`replica at ${base} exited ${child.exitCode}:\n${logs()}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`replica at ${base} not ready within 60 s:\n${logs()}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, port: { type: 'string', default: '3001' }, count: { type: 'string', default: '2' }, check: { type: 'boolean' } } });
  const url = process.env.DATABASE_URL;
  if (!url || !values.data) {
    console.error('usage: DATABASE_URL=postgres://… npm run replicas -- --data DIR [--port 3001] [--count 2] [--check]');
    return 2;
  }
  const [node, ingestArgs] = tsx('src/cli/ingest.ts');
  console.log(`1. ingest ${values.data} into ${redactUrl(url)}`);
  const ingest = spawnSync(node, [...ingestArgs, '--data', values.data], { env: process.env, encoding: 'utf8' });
  process.stdout.write(ingest.stdout.split('\n').slice(-3).join('\n'));
  if (ingest.status !== 0 && ingest.status !== 1) {
    console.error(ingest.stderr);
    return 1;
  }
  const first = Number(values.port);
  const count = Number(values.count);
  const ports = first === 0 ? await Promise.all(Array.from({ length: count }, () => freePort())) : Array.from({ length: count }, (_, i) => first + i);
  const replicas: Array<{ child: ChildProcess; base: string; logs: () => string }> = [];
  const stopAll = () => Promise.all(replicas.map((r) => (r.child.exitCode !== null ? undefined : new Promise((res) => (r.child.once('exit', res), r.child.kill('SIGTERM'))))));
  try {
    for (let i = 0; i < count; i++) {
      const [n, serverArgs] = tsx('src/server.ts');
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(ports[i]), HOST: '127.0.0.1', LOG_PRETTY: 'false', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
      delete env.DATA_DIR;
      const child = spawn(n, serverArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      replicas.push({ child, base: `http://127.0.0.1:${ports[i]}`, logs: () => out });
    }
    console.log(`2. started ${count} replicas (DATABASE_URL, no data folder) on ports ${ports.join(', ')}`);
    await Promise.all(replicas.map((r) => waitReady(r.base, r.child, r.logs)));
    console.log('3. every replica is ready; what each serves:');
    const seen = await Promise.all(
      replicas.map(async (r) => {
        const res = await fetch(`${r.base}/articles?limit=5`);
        const health = (await (await fetch(`${r.base}/health`)).json()) as { articles: number; database?: { lastChange: number } };
        const row = { replica: r.base, articles: health.articles, lastChange: health.database?.lastChange, version: res.headers.get('x-corpus-version'), etag: res.headers.get('etag') };
        console.log(`   ${JSON.stringify(row)}`);
        return row;
      }),
    );
    const same = seen.every((s) => s.version === seen[0]!.version && s.etag === seen[0]!.etag && s.articles === seen[0]!.articles);
    console.log(same ? 'result: the replicas agree' : 'result: the replicas DIFFER');
    if (values.check || !same) return same ? 0 : 1;
    console.log('serving; Ctrl-C stops the replicas');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    return 0;
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
