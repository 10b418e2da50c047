/**
 * Reproduces the Dockerfile without a Docker engine: the build stage (npm ci, tsc), the runtime
 * stage (production-only install, dist/ and data/ copied), then start the server as the image
 * would, GET /health (as the HEALTHCHECK does), send SIGTERM and expect a clean exit.
 * Exit code 0 when every step passed. Used by tests/smoke.test.ts and runnable by hand.
 *
 * Offline and quick, so it can run in `npm test`: the build stage compiles with the dev
 * dependencies already installed here (the image's `npm ci` installs the same lock file), and the
 * runtime stage's production install reads only npm's local cache (`--offline`), which the
 * checkout's own `npm ci` filled.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedNodeFlags } from '../bench/lib/shipped-flags.js';
import { freePort } from './free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function step(name: string, cmd: string, args: string[], cwd: string): void {
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} failed (${cmd} ${args.join(' ')}):\n${r.stdout}\n${r.stderr}`);
  console.log(`ok  ${name} (${Date.now() - t} ms)`);
}


async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'news-api-smoke-'));
  try {
    // Stage 1: build.
    const build = path.join(work, 'build');
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src']) cpSync(path.join(ROOT, f), path.join(build, f), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'));
    step('build: npm run build', 'npm', ['run', 'build'], build);

    // Stage 2: runtime, production dependencies only.
    const app = path.join(work, 'app');
    for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, f), path.join(app, f));
    step('runtime: npm ci --omit=dev', 'npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'], app);
    cpSync(path.join(build, 'dist'), path.join(app, 'dist'), { recursive: true });
    const data = path.join(work, 'data');
    cpSync(path.join(ROOT, 'data'), data, { recursive: true });

    // Start as the image's CMD would: node with the flags npm start gives it (the same: tests/launch-flags.test.ts).
    const port = await freePort();
    const child = spawn(process.execPath, [...shippedNodeFlags(ROOT), 'dist/server.js'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: data, LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 20_000;
    let health = null as { status?: string; articles?: number } | null;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        if (r.ok) {
          health = (await r.json()) as typeof health;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!health) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /health within 20 s:\n${logs}`);
    }
    if (health.status !== 'ok' || health.articles !== 1) throw new Error(`unexpected /health: ${JSON.stringify(health)}`);
    console.log(`ok  GET /health: ${JSON.stringify({ status: health.status, articles: health.articles })}`);
    const article = await fetch(`http://127.0.0.1:${port}/articles?limit=1`);
    if (article.status !== 200) throw new Error(`GET /articles answered ${article.status}`);
    console.log('ok  GET /articles: 200');

    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
    if (code !== 0) {
      child.kill('SIGKILL');
      throw new Error(`after SIGTERM the server exited with ${code}:\n${logs}`);
    }
    if (!/shutting down/.test(logs)) throw new Error(`no shutdown log line after SIGTERM:\n${logs}`);
    console.log('ok  SIGTERM: clean exit 0');
    console.log('smoke: passed');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`smoke: FAILED\n${(e as Error).message}`);
  process.exit(1);
});
