/** The API (or any server) as a child process for the benchmarks: started, probed until ready, measured, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Server {
  child: ChildProcess;
  base: string;
  /** Spawn → first 200 from the probe path. */
  readyMs: number;
  logFile: string;
}

/** Starts `node argv…` on a free port with logs in `logDir/name.log`; resolves when `probePath` answers 200. */
export async function startServerProcess(logDir: string, name: string, argv: string[], env: Record<string, string>, probePath: string, timeoutMs = 180_000): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', RATE_LIMIT_MAX: '0', LOG_LEVEL: 'info', LOG_PRETTY: 'false', NODE_ENV: 'production' },
    stdio: ['ignore', fd, 'pipe'],
  });
  closeSync(fd);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr.trim()}`);
    if (performance.now() - started > timeoutMs) throw new Error(`${name} not ready after ${timeoutMs} ms`);
    try {
      const res = await fetch(base + probePath);
      if (res.ok) {
        await res.arrayBuffer();
        return { child, base, readyMs: performance.now() - started, logFile };
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const done = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await done;
}

export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
