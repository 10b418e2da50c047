/** pino options: JSON lines in production, readable lines when run in a terminal. */
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.js';

export function loggerOptions(config: Pick<Config, 'logLevel' | 'logPretty'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    ...(config.logPretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } } }
      : {}),
  };
}

/**
 * The process logger. JSON lines go to stdout asynchronously: while one write is in flight the
 * next lines queue and leave in one write, so a busy server makes one syscall per batch rather
 * than one per request line (a synchronous write per request line was the largest single cost
 * in the request path; bench/RESULTS.md). Nothing is held back when idle (no minimum length),
 * and pino flushes what is queued when the process exits.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>): Logger {
  const options = loggerOptions(config);
  return config.logPretty ? pino(options) : pino(options, pino.destination({ dest: 1, sync: false }));
}
