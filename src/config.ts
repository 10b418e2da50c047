/** Configuration from environment variables and command-line flags, validated once at start. */
import { parseArgs } from 'node:util';
import { z } from 'zod';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** Each key is an environment variable; the description is printed when the value is wrong. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('a port number 0-65535'),
  HOST: z.string().min(1).default('0.0.0.0').describe('an interface address to listen on'),
  DATA_DIR: z.string().min(1).default('./data').describe('a directory of article files'),
  LOG_LEVEL: LogLevel.default('info').describe(`one of ${LogLevel.options.join(', ')}`),
  LOG_PRETTY: bool.optional().describe('true or false (default: true when stdout is a terminal)'),
  CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31536000).default(300).describe('seconds 0-31536000 for Cache-Control max-age'),
  MAX_FILE_BYTES: z.coerce.number().int().min(1).default(5 * 1024 * 1024).describe('the largest article file to read, in bytes'),
  WATCH: bool.default(false).describe('true or false: reload when files in DATA_DIR change'),
  STRICT: bool.default(false).describe('true or false: refuse to start or reload when any file has a problem'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof LogLevel>;
  logPretty: boolean;
  cacheMaxAge: number;
  maxFileBytes: number;
  watch: boolean;
  strict: boolean;
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
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    logPretty: c.LOG_PRETTY ?? Boolean(process.stdout.isTTY),
    cacheMaxAge: c.CACHE_MAX_AGE,
    maxFileBytes: c.MAX_FILE_BYTES,
    watch: c.WATCH,
    strict: c.STRICT,
  };
}
