import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths.js';

export const SERVER = path.join(ROOT, 'src/server.ts');

export interface RunningServer {
  child: ChildProcessWithoutNullStreams;
  url: string;
  port: number;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts src/server.ts as its own process on a free port and waits for its listen line. Runs
 * `node --import tsx` (not the tsx CLI) so signals reach the server process itself.
 */
export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  timeoutMs = 20_000,
  { openFilesLimit }: { openFilesLimit?: number } = {},
): Promise<RunningServer> {
  const argv = [process.execPath, '--import', 'tsx', SERVER, ...args];
  // A lower open-files limit for this process only (bash's ulimit, then exec: the pid stays the server's).
  const [command, ...rest] = openFilesLimit ? ['bash', '-c', `ulimit -n ${openFilesLimit} && exec "$@"`, 'bash', ...argv] : argv;
  const child = spawn(command!, rest, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_PRETTY: 'false', ...env },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no listen line within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout.on('data', () => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  return { child, url, port: Number(new URL(url).port), output: () => out, exited };
}
