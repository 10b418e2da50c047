/**
 * Starts a worker thread running one of our modules, compiled or from source: the compiled
 * server runs `name.js` beside the caller; from source (tsx, tests, benches) the worker is
 * TypeScript too, so it registers tsx's loader before importing `name.ts`.
 */
import { Worker } from 'node:worker_threads';

/** `callerUrl` is the importing module's `import.meta.url`; `name` the worker module beside it, without extension; `workerData` what it reads from `workerData`. */
export function startModuleWorker(callerUrl: string, name: string, workerData?: unknown): Worker {
  if (callerUrl.endsWith('.js')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const source = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, { eval: true, workerData });
}
