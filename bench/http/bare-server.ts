/**
 * The ceiling: a hello-world Fastify 5 server with the product's logger (createLogger from
 * src/logger.ts, one `info` line per request from src/http/request-log.ts, to stdout).
 * Listens on PORT (127.0.0.1); GET / answers {"hello":"world"}. GET /bytes/:n answers a JSON
 * string body of n bytes, prepared once, so a route's payload size can be told apart from the
 * work we do per request (the load generator shares the machine and pays per byte too).
 */
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { registerRequestLog } from '../../src/http/request-log.js';
import { createLogger } from '../../src/logger.js';

const app = Fastify({ loggerInstance: createLogger({ logLevel: 'info', logPretty: false }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
registerRequestLog(app);
app.get('/', async () => ({ hello: 'world' }));
const bodies = new Map<number, string>();
app.get<{ Params: { n: string } }>('/bytes/:n', async (request, reply) => {
  const n = Math.min(Math.max(Number(request.params.n) || 2, 2), 1 << 20);
  let body = bodies.get(n);
  if (body === undefined) bodies.set(n, (body = JSON.stringify('x'.repeat(n - 2))));
  return reply.type('application/json; charset=utf-8').send(body);
});
await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
