import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has defaults that serve ./data on port 3000', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', dataDir: './data', logLevel: 'info', cacheMaxAge: 300, watch: false, strict: false });
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
});
