/** Configuration from environment variables and command-line flags, validated once at start. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const isOrigin = (s: string) => /^https?:\/\/[^/?#\s]+$/u.test(s) && URL.canParse(s);
const isProxyAddress = (s: string) => isIP(s.split('/')[0]!) !== 0 || ['loopback', 'linklocal', 'uniquelocal'].includes(s);

/** Each key is an environment variable; the description is printed when the value is wrong. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('a port number 0-65535'),
  HOST: z.string().min(1).default('0.0.0.0').describe('an interface address to listen on'),
  DATA_DIR: z.string().min(1).default('./data').describe('a directory of article files'),
  LOG_LEVEL: LogLevel.default('info').describe(`one of ${LogLevel.options.join(', ')}`),
  LOG_PRETTY: bool.optional().describe('true or false (default: true when stdout is a terminal)'),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31536000).default(300).describe('seconds 0-31536000 for Cache-Control max-age'),
  MAX_FILE_BYTES: z.coerce.number().int().min(1).default(5 * 1024 * 1024).describe('the largest article file to read, in bytes'),
  FOLLOW_SYMLINKS_OUTSIDE: bool.default(false).describe('true or false: read symlinks whose real path is outside DATA_DIR (default: report them, read nothing)'),
  WATCH: bool.default(false).describe('true or false: reload when files in DATA_DIR change'),
  RELOAD_MAX_DROP: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(50)
    .describe('a percentage 0-100: a reload that would lose more than this share of the articles at once is refused (100: never refused)'),
  STRICT: bool.default(false).describe('true or false: refuse to start or reload when any file has a problem'),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .refine((s) => s.trim() === '*' || (list(s).length > 0 && list(s).every(isOrigin)))
    .transform((s): '*' | string[] => (s.trim() === '*' ? '*' : list(s)))
    .describe('* (any origin) or a comma-separated list of origins such as https://example.com,http://localhost:5173'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((s) => ['true', 'false'].includes(s) || /^\d{1,2}$/u.test(s) || list(s).every(isProxyAddress))
    .transform((s): boolean | number | string[] => (s === 'true' ? true : s === 'false' ? false : /^\d+$/u.test(s) ? Number(s) : list(s)))
    .describe('false, true, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs'),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(300).describe('requests per client IP per window, 0 to turn rate limiting off'),
  RATE_LIMIT_WINDOW: z.coerce.number().int().min(1).max(86400).default(60).describe('the rate-limit window in seconds, 1-86400'),
  MAX_URL_LENGTH: z.coerce.number().int().min(256).max(16384).default(2048).describe('the longest request URL (path and query) in bytes, 256-16384'),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000).describe('milliseconds (100 or more) a client has to send a whole request'),
  MAX_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('the most connections open at once, 1 or more (default: the open-files limit less a fifth, at least 64 less)'),
  CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000).describe('milliseconds a socket may stay inactive, 0 for no limit'),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(0).default(72_000).describe('milliseconds an idle keep-alive connection is kept open'),
  SHED_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000).describe('event-loop delay in milliseconds above which requests get 503, 0 to turn off'),
  RESPONSE_CACHE_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(2000).describe('how many listing, search and related-article answers to keep per corpus version, 0 to turn the cache off'),
  SHED_MAX_HEAP_BYTES: z.coerce.number().int().min(0).optional().describe('heap use in bytes above which requests get 503, 0 to turn off (default: 90% of the V8 heap limit)'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof LogLevel>;
  logPretty: boolean;
  cacheMaxAge: number;
  maxFileBytes: number;
  followSymlinksOutside: boolean;
  watch: boolean;
  reloadMaxDropPercent: number;
  strict: boolean;
  corsOrigins: '*' | string[];
  trustProxy: boolean | number | string[];
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
  maxUrlLength: number;
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  maxConnections: number;
  /** The process's open-files limit read at start (null where it cannot be read). */
  openFilesLimit: number | null;
  keepAliveTimeoutMs: number;
  shedMaxEventLoopDelayMs: number;
  shedMaxHeapBytes: number;
  responseCacheEntries: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const FLAGS = {
  data: { type: 'string', env: 'DATA_DIR' },
  port: { type: 'string', env: 'PORT' },
  host: { type: 'string', env: 'HOST' },
  'log-level': { type: 'string', env: 'LOG_LEVEL' },
  watch: { type: 'boolean', env: 'WATCH' },
  strict: { type: 'boolean', env: 'STRICT' },
} as const;

/** Flags win over environment variables. Throws ConfigError naming the variable and what it accepts. */
export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  let flags;
  try {
    flags = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, { type: v.type }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}. Flags: ${Object.keys(FLAGS).map((f) => `--${f}`).join(', ')}`);
  }
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(ConfigSchema.shape)) raw[key] = env[key] === '' ? undefined : env[key];
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const v = (flags as Record<string, string | boolean | undefined>)[flag];
    if (v !== undefined) raw[spec.env] = String(v);
  }
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0]);
    const accepts = ConfigSchema.shape[key as keyof typeof ConfigSchema.shape]?.description ?? issue.message;
    throw new ConfigError(`invalid ${key}=${JSON.stringify(raw[key])}: expected ${accepts}`);
  }
  const c = r.data;
  const openFiles = openFilesLimit();
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    logPretty: c.LOG_PRETTY ?? Boolean(process.stdout.isTTY),
    cacheMaxAge: c.CACHE_MAX_AGE,
    maxFileBytes: c.MAX_FILE_BYTES,
    followSymlinksOutside: c.FOLLOW_SYMLINKS_OUTSIDE,
    watch: c.WATCH,
    reloadMaxDropPercent: c.RELOAD_MAX_DROP,
    strict: c.STRICT,
    corsOrigins: c.CORS_ORIGINS,
    trustProxy: c.TRUST_PROXY,
    rateLimitMax: c.RATE_LIMIT_MAX,
    rateLimitWindowSeconds: c.RATE_LIMIT_WINDOW,
    maxUrlLength: c.MAX_URL_LENGTH,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS,
    connectionTimeoutMs: c.CONNECTION_TIMEOUT_MS,
    maxConnections: c.MAX_CONNECTIONS ?? safeConnections(openFiles),
    openFilesLimit: openFiles,
    keepAliveTimeoutMs: c.KEEP_ALIVE_TIMEOUT_MS,
    shedMaxEventLoopDelayMs: c.SHED_MAX_EVENT_LOOP_DELAY_MS,
    shedMaxHeapBytes: c.SHED_MAX_HEAP_BYTES ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    responseCacheEntries: c.RESPONSE_CACHE_ENTRIES,
  };
}

/**
 * The soft open-files limit (`ulimit -n`), from /proc/self/limits (Node has no getrlimit), or
 * null where that file does not exist.
 */
export function openFilesLimit(limitsFile = '/proc/self/limits'): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/mu.exec(readFileSync(limitsFile, 'utf8'));
    if (!m) return null;
    return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
  } catch {
    return null;
  }
}

/** Connections to allow under an open-files limit: the rest is headroom for data files, logs and the reloader. */
export function safeConnections(limit: number | null): number {
  if (limit === null) return 1000;
  return Math.max(1, Math.min(limit - Math.max(64, Math.ceil(limit / 5)), 1_000_000));
}
