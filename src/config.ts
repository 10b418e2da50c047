/** Configuration from environment variables and command-line flags, validated once at start. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';

/**
 * How many matches a relevance search ranks with SEARCH_BACKEND=postgres (the newest; see
 * PostgresReader.ranked): ranking reads each one's search vector from TOAST, 10-100 µs apiece
 * (300 beat 1,000 at the 95th percentile on both seeds at a million articles: bench/RESULTS.md).
 */
export const DEFAULT_SEARCH_RANK_WINDOW = 300;

/**
 * What a SEARCH_BACKEND=postgres server reads into the database host's memory at start
 * (src/store/search/prewarm.ts): nothing, the indexes every search reads, or those and the whole
 * search table.
 */
export const SEARCH_PREWARM_MODES = ['off', 'index', 'all'] as const;

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const isOrigin = (s: string) => /^https?:\/\/[^/?#\s]+$/u.test(s) && URL.canParse(s);
const isPostgresUrl = (s: string) => URL.canParse(s) && ['postgres:', 'postgresql:'].includes(new URL(s).protocol);
const isProxyAddress = (s: string) => isIP(s.split('/')[0]!) !== 0 || ['loopback', 'linklocal', 'uniquelocal'].includes(s);

/**
 * One field per setting: its name in `Config`, its environment variable (`env`), the values it
 * accepts (`description`, printed when a value is wrong) and its default. `Config` is this
 * schema's output type, so a new setting is written once, here.
 */
const setting = <T extends z.ZodType>(env: string, schema: T, accepts: string) => schema.meta({ env, description: accepts });

export const ConfigSchema = z.object({
  port: setting('PORT', z.coerce.number().int().min(0).max(65535).default(3000), 'a port number 0-65535'),
  host: setting('HOST', z.string().min(1).default('0.0.0.0'), 'an interface address to listen on'),
  // No default here: with DATABASE_URL and no data directory, the server is a replica of the database.
  dataDir: setting('DATA_DIR', z.string().min(1).optional(), 'a directory of article files (default ./data)'),
  logLevel: setting('LOG_LEVEL', LogLevel.default('info'), `one of ${LogLevel.options.join(', ')}`),
  logPretty: setting('LOG_PRETTY', bool.default(() => Boolean(process.stdout.isTTY)), 'true or false (default: true when stdout is a terminal)'),
  cacheMaxAge: setting('CACHE_MAX_AGE', z.coerce.number().int().min(0).max(31536000).default(300), 'seconds 0-31536000 for Cache-Control max-age'),
  maxFileBytes: setting('MAX_FILE_BYTES', z.coerce.number().int().min(1).default(5 * 1024 * 1024), 'the largest article file to read, in bytes'),
  followSymlinksOutside: setting(
    'FOLLOW_SYMLINKS_OUTSIDE',
    bool.default(false),
    'true or false: read symlinks whose real path is outside DATA_DIR (default: report them, read nothing)',
  ),
  watch: setting('WATCH', bool.default(false), 'true or false: reload when files in DATA_DIR change'),
  reloadMaxDropPercent: setting(
    'RELOAD_MAX_DROP',
    z.coerce.number().int().min(0).max(100).default(50),
    'a percentage 0-100: a reload that would lose more than this share of the articles at once is refused (100: never refused)',
  ),
  strict: setting('STRICT', bool.default(false), 'true or false: refuse to start or reload when any file has a problem'),
  fullReload: setting('FULL_RELOAD', bool.default(false), 'true or false: with --watch, rebuild everything on a change instead of updating by what changed'),
  snapshot: setting('SNAPSHOT', z.string().min(1).optional(), 'a file path: start from this snapshot (written by npm run snapshot; a replica of DATABASE_URL writes and reads its own) when it is valid'),
  snapshotOnExit: setting('SNAPSHOT_ON_EXIT', bool.default(false), 'true or false: with SNAPSHOT and WATCH, write the served version to the snapshot file at shutdown'),
  snapshotSaveMinutes: setting(
    'SNAPSHOT_SAVE_MINUTES',
    z.coerce.number().int().min(0).max(10_080).default(0),
    'minutes 0-10080 between snapshots written to SNAPSHOT while watching, 0 for none',
  ),
  corsOrigins: setting(
    'CORS_ORIGINS',
    z
      .string()
      .default('*')
      .refine((s) => s.trim() === '*' || (list(s).length > 0 && list(s).every(isOrigin)))
      .transform((s): '*' | string[] => (s.trim() === '*' ? '*' : list(s))),
    '* (any origin) or a comma-separated list of origins such as https://example.com,http://localhost:5173',
  ),
  trustProxy: setting(
    'TRUST_PROXY',
    z
      .string()
      .default('false')
      .refine((s) => ['true', 'false'].includes(s) || /^\d{1,2}$/u.test(s) || list(s).every(isProxyAddress))
      .transform((s): boolean | number | string[] => (s === 'true' ? true : s === 'false' ? false : /^\d+$/u.test(s) ? Number(s) : list(s))),
    'false, true, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs',
  ),
  rateLimitMax: setting('RATE_LIMIT_MAX', z.coerce.number().int().min(0).default(300), 'requests per client IP per window, 0 to turn rate limiting off'),
  rateLimitWindowSeconds: setting('RATE_LIMIT_WINDOW', z.coerce.number().int().min(1).max(86400).default(60), 'the rate-limit window in seconds, 1-86400'),
  maxUrlLength: setting('MAX_URL_LENGTH', z.coerce.number().int().min(256).max(16384).default(2048), 'the longest request URL (path and query) in bytes, 256-16384'),
  requestTimeoutMs: setting('REQUEST_TIMEOUT_MS', z.coerce.number().int().min(100).default(10_000), 'milliseconds (100 or more) a client has to send a whole request'),
  maxConnections: setting(
    'MAX_CONNECTIONS',
    z.coerce.number().int().min(1).default(() => safeConnections(openFilesLimit())),
    'the most connections open at once, 1 or more (default: the open-files limit less a fifth, and at least 64 less)',
  ),
  connectionTimeoutMs: setting('CONNECTION_TIMEOUT_MS', z.coerce.number().int().min(0).default(30_000), 'milliseconds a socket may stay inactive, 0 for no limit'),
  keepAliveTimeoutMs: setting('KEEP_ALIVE_TIMEOUT_MS', z.coerce.number().int().min(0).default(72_000), 'milliseconds an idle keep-alive connection is kept open'),
  shedMaxEventLoopDelayMs: setting('SHED_MAX_EVENT_LOOP_DELAY_MS', z.coerce.number().int().min(0).default(1000), 'event-loop delay in milliseconds above which requests get 503, 0 to turn off'),
  searchMaxWords: setting(
    'SEARCH_MAX_WORDS',
    z.coerce.number().int().min(1).default(300),
    'index words one search may read, prefix and fuzzy expansions included, 1 or more (more answers 422)',
  ),
  searchMaxPostings: setting(
    'SEARCH_MAX_POSTINGS',
    z.coerce.number().int().min(1).default(1_000_000),
    'postings (word-article pairs) one search may read, 1 or more (more answers 422)',
  ),
  searchCostlyMsPerSecond: setting(
    'SEARCH_COSTLY_MS_PER_SECOND',
    z.coerce.number().int().min(0).max(1000).default(100),
    'milliseconds per second that costly searches (over 50 index words each) may take in all, 0-1000, 0 for no limit (past it they answer 503)',
  ),
  responseCacheEntries: setting(
    'RESPONSE_CACHE_ENTRIES',
    z.coerce.number().int().min(0).max(1_000_000).default(2000),
    'how many listing, search and related-article answers to keep per corpus version, 0 to turn the cache off',
  ),
  databaseUrl: setting('DATABASE_URL', z.string().refine(isPostgresUrl).optional(), 'a postgres:// URL (see "Running several replicas" in the README)'),
  databaseReadUrl: setting('DATABASE_READ_URL', z.string().refine(isPostgresUrl).optional(), 'a postgres:// URL of a streaming replica for reads'),
  databasePollMs: setting('DATABASE_POLL_MS', z.coerce.number().int().min(100).max(3_600_000).default(5000), 'milliseconds 100-3600000 between catch-ups when no notification arrives'),
  searchBackend: setting(
    'SEARCH_BACKEND',
    z.enum(['memory', 'postgres']).default('memory'),
    'memory (the articles indexed in this process) or postgres (no corpus in memory: every route answered by SQL; needs DATABASE_URL)',
  ),
  searchRankWindow: setting(
    'SEARCH_RANK_WINDOW',
    z.coerce.number().int().min(10).max(100_000).default(DEFAULT_SEARCH_RANK_WINDOW),
    'an integer 10-100000: how many matches (the newest) a relevance search ranks with SEARCH_BACKEND=postgres',
  ),
  searchPrewarm: setting(
    'SEARCH_PREWARM',
    z.enum(SEARCH_PREWARM_MODES).default('all'),
    'off, index or all: with SEARCH_BACKEND=postgres, what the server reads into the database host\'s page cache at start with pg_prewarm (index: the word index and the articles\' primary key; all: also the search table), before it is ready',
  ),
  snapshotInDatabase: setting(
    'SNAPSHOT_IN_DATABASE',
    bool.default(false),
    'true or false: with DATABASE_URL and SNAPSHOT, a replica publishes the snapshot it writes in PostgreSQL, and a replica with no usable snapshot file starts from the newest one published there',
  ),
  readyRequiresDatabase: setting('READY_REQUIRES_DATABASE', bool.default(false), 'true or false: /ready answers 503 while PostgreSQL is unreachable'),
  shedMaxHeapBytes: setting(
    'SHED_MAX_HEAP_BYTES',
    z.coerce.number().int().min(0).default(() => Math.floor(getHeapStatistics().heap_size_limit * 0.9)),
    'heap use in bytes above which requests get 503, 0 to turn off (default: 90% of the V8 heap limit)',
  ),
});

export type Config = z.output<typeof ConfigSchema>;

export const DEFAULT_DATA_DIR = './data';
/** Settings whose values are never printed (a database URL holds a password). */
const SECRET: ReadonlySet<string> = new Set(['databaseUrl', 'databaseReadUrl']);
type ConfigKey = keyof Config;

/** The environment variable of each setting, from the schema's metadata. */
const ENV_NAMES = Object.fromEntries(
  Object.entries(ConfigSchema.shape).map(([key, schema]) => [key, (schema.meta() as { env: string }).env]),
) as Record<ConfigKey, string>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Command-line flags and the setting each one sets. */
const FLAGS = {
  data: { type: 'string', key: 'dataDir' },
  port: { type: 'string', key: 'port' },
  host: { type: 'string', key: 'host' },
  'log-level': { type: 'string', key: 'logLevel' },
  watch: { type: 'boolean', key: 'watch' },
  strict: { type: 'boolean', key: 'strict' },
  snapshot: { type: 'string', key: 'snapshot' },
  'full-reload': { type: 'boolean', key: 'fullReload' },
} as const satisfies Record<string, { type: 'string' | 'boolean'; key: ConfigKey }>;

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
  for (const [key, name] of Object.entries(ENV_NAMES)) raw[key] = env[name] === '' ? undefined : env[name];
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const v = (flags as Record<string, string | boolean | undefined>)[flag];
    if (v !== undefined) raw[spec.key] = String(v);
  }
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0]) as ConfigKey;
    const accepts = ConfigSchema.shape[key]?.description ?? issue.message;
    const shown = SECRET.has(key) ? '(not shown: it may hold a password)' : JSON.stringify(raw[key]);
    throw new ConfigError(`invalid ${ENV_NAMES[key]}=${shown}: expected ${accepts}`);
  }
  if (r.data.searchBackend === 'postgres' && r.data.databaseUrl === undefined) throw new ConfigError('SEARCH_BACKEND=postgres needs DATABASE_URL (the PostgreSQL store it answers from)');
  return r.data;
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
