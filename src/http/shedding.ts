/**
 * Load shedding: above an event-loop delay or a heap size, requests answer a 503 problem with
 * Retry-After, except routes whose config says `shed: false` (the probes).
 *
 * Replaces @fastify/under-pressure, whose sampling timer calls process.memoryUsage(): that
 * opens /proc/self/stat, and when connections have used up the file descriptors it throws
 * EMFILE from a timer and the process exits. Here the delay comes from the event-loop
 * histogram and the heap from V8's own statistics; neither opens a file.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { sendProblem } from './problems.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: answer even when the server sheds load (probes). */
    shed?: boolean;
  }
}

/** Seconds a shed request is asked to wait (Retry-After). */
const SHED_RETRY_AFTER = 10;
const RESOLUTION_MS = 10;

export type SheddingConfig = Pick<Config, 'shedMaxEventLoopDelayMs' | 'shedMaxHeapBytes'> & {
  /** Told of each shed request (counted in the logs, not logged one by one). */
  onShed?: (why: string) => void;
  sampleIntervalMs?: number;
};

export const sheddingPlugin = fp(async (app: FastifyInstance, cfg: SheddingConfig) => {
  if (cfg.shedMaxEventLoopDelayMs <= 0 && cfg.shedMaxHeapBytes <= 0) return;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let delayMs = 0;
  let heapUsed = 0;
  const sample = () => {
    const mean = histogram.mean / 1e6 - RESOLUTION_MS;
    delayMs = Number.isFinite(mean) ? Math.max(0, mean) : 0;
    histogram.reset();
    heapUsed = getHeapStatistics().used_heap_size;
  };
  const timer = setInterval(sample, cfg.sampleIntervalMs ?? 1000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    histogram.disable();
  });

  app.addHook('onRequest', (request, reply, done) => {
    const why =
      cfg.shedMaxEventLoopDelayMs > 0 && delayMs > cfg.shedMaxEventLoopDelayMs
        ? 'event loop delay'
        : cfg.shedMaxHeapBytes > 0 && heapUsed > cfg.shedMaxHeapBytes
          ? 'heap used'
          : null;
    if (why === null || request.routeOptions.config?.shed === false) return done();
    cfg.onShed?.(why);
    reply.header('retry-after', String(SHED_RETRY_AFTER));
    sendProblem(reply, {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: `The server is overloaded (${why}); retry in ${SHED_RETRY_AFTER} seconds.`,
      instance: request.url,
    });
  });
});
