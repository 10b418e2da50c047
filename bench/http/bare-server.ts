/**
 * The ceiling: a hello-world Fastify 5 server with the product's logger (createLogger from
 * src/logger.ts, one `info` line per request from src/http/request-log.ts, to stdout).
 * Listens on PORT (127.0.0.1); GET / answers {"hello":"world"}.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { registerRequestLog } from '../../src/http/request-log.js';
import { createLogger } from '../../src/logger.js';

const app = Fastify({ loggerInstance: createLogger({ logLevel: 'info', logPretty: false }) as FastifyBaseLogger, disableRequestLogging: true });
registerRequestLog(app);
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
