/** pino options: JSON lines in production, readable lines when run in a terminal. */
import type { LoggerOptions } from 'pino';
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
