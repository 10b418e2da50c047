import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DATA_DIR, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has defaults that serve ./data on port 3000', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', logLevel: 'info', cacheMaxAge: 300, watch: false, strict: false });
    // Unset (not defaulted) so the server can tell "no folder" (a database replica) from ./data.
    expect(c.dataDir).toBeUndefined();
    expect(DEFAULT_DATA_DIR).toBe('./data');
    expect(c.databaseUrl).toBeUndefined();
  });

  it('reads the database settings, and never prints a database URL', () => {
    const c = loadConfig([], { DATABASE_URL: 'postgres://u:pw@db:5432/news', DATABASE_READ_URL: 'postgresql://r@standby/news', READY_REQUIRES_DATABASE: 'true' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://u:pw@db:5432/news', databaseReadUrl: 'postgresql://r@standby/news', readyRequiresDatabase: true, databasePollMs: 5000 });
    expect(() => loadConfig([], { DATABASE_URL: 'mysql://u:hunter2@db/news' })).toThrow(/DATABASE_URL=\(not shown/);
    expect(() => loadConfig([], { DATABASE_URL: 'mysql://u:hunter2@db/news' })).not.toThrow(/hunter2/);
  });

  it('serves search from memory unless SEARCH_BACKEND=postgres, which needs DATABASE_URL', () => {
    expect(loadConfig([], {}).searchBackend).toBe('memory');
    expect(loadConfig([], { SEARCH_BACKEND: 'postgres', DATABASE_URL: 'postgres://db/news' }).searchBackend).toBe('postgres');
    expect(() => loadConfig([], { SEARCH_BACKEND: 'postgres' })).toThrow(/SEARCH_BACKEND=postgres needs DATABASE_URL/);
    expect(() => loadConfig([], { SEARCH_BACKEND: 'elastic' })).toThrow(/SEARCH_BACKEND="elastic": expected memory .* or postgres/);
  });

  it('reads how many matches the SQL backend ranks, within its bounds', () => {
    expect(loadConfig([], {}).searchRankWindow).toBe(300);
    expect(loadConfig([], { SEARCH_RANK_WINDOW: '1000' }).searchRankWindow).toBe(1000);
    expect(() => loadConfig([], { SEARCH_RANK_WINDOW: '5' })).toThrow(/SEARCH_RANK_WINDOW="5": .*10-100000/);
  });

  it('reads what the SQL backend warms at start (SEARCH_PREWARM), all unless told', () => {
    expect(loadConfig([], {}).searchPrewarm).toBe('all');
    expect(loadConfig([], { SEARCH_PREWARM: 'index' }).searchPrewarm).toBe('index');
    expect(loadConfig([], { SEARCH_PREWARM: 'off' }).searchPrewarm).toBe('off');
    expect(() => loadConfig([], { SEARCH_PREWARM: 'yes' })).toThrow(/SEARCH_PREWARM="yes": .*off, index or all/);
  });

  it('reads env vars, and flags win over them', () => {
    const c = loadConfig(['--data', '/flag/dir', '--port', '8080'], { DATA_DIR: '/env/dir', PORT: '9000', LOG_LEVEL: 'warn', WATCH: 'true' });
    expect(c).toMatchObject({ dataDir: '/flag/dir', port: 8080, logLevel: 'warn', watch: true });
  });

  it('stops on a wrong value, naming the variable and what it accepts', () => {
    expect(() => loadConfig([], { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig([], { PORT: 'eighty' })).toThrow(/PORT="eighty": expected a port number 0-65535/);
    expect(() => loadConfig([], { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud": expected one of fatal, error, warn, info/);
    expect(() => loadConfig([], { WATCH: 'perhaps' })).toThrow(/WATCH="perhaps": expected true or false/);
    expect(() => loadConfig(['--nope'], {})).toThrow(/--nope/);
  });

  it('has public-API defaults: any origin, no trusted proxy, rate limit, 2 KB URLs, timeouts, shedding', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({
      corsOrigins: '*',
      trustProxy: false,
      rateLimitMax: 300,
      rateLimitWindowSeconds: 60,
      maxUrlLength: 2048,
      requestTimeoutMs: 10_000,
      connectionTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      shedMaxEventLoopDelayMs: 1000,
    });
    expect(c.shedMaxHeapBytes).toBeGreaterThan(100 * 1024 * 1024);
  });

  it('parses CORS_ORIGINS, TRUST_PROXY and the limits', () => {
    const c = loadConfig([], {
      CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      RATE_LIMIT_MAX: '0',
      SHED_MAX_HEAP_BYTES: '0',
    });
    expect(c).toMatchObject({ corsOrigins: ['https://a.example', 'http://localhost:5173'], trustProxy: ['10.0.0.0/8', '127.0.0.1'], rateLimitMax: 0, shedMaxHeapBytes: 0 });
    expect(loadConfig([], { TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig([], { TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('stops on a wrong public-API setting, naming it and what it accepts', () => {
    expect(() => loadConfig([], { CORS_ORIGINS: 'example.com' })).toThrow(/CORS_ORIGINS="example.com": expected \* \(any origin\) or a comma-separated list of origins/);
    expect(() => loadConfig([], { CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig([], { TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY="maybe": expected false, true, a number of proxy hops/);
    expect(() => loadConfig([], { RATE_LIMIT_MAX: '-5' })).toThrow(/RATE_LIMIT_MAX="-5": expected requests per client IP/);
    expect(() => loadConfig([], { MAX_URL_LENGTH: '10' })).toThrow(/MAX_URL_LENGTH="10": expected the longest request URL/);
    expect(() => loadConfig([], { REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/REQUEST_TIMEOUT_MS="soon"/);
    expect(() => loadConfig([], { SHED_MAX_EVENT_LOOP_DELAY_MS: '1.5' })).toThrow(/SHED_MAX_EVENT_LOOP_DELAY_MS="1.5"/);
  });
});
