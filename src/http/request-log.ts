/**
 * The one log line per request the product requires (`reqId`, `method`, `url`, `status`, `ms`).
 * A callback hook, not an async one: no promise per request. The bench's bare Fastify server
 * registers this same hook, so the throughput ratio measures everything else we do.
 *
 * Refusals (429 rate limited, 503 shed) are counted, not logged one by one: a flood of them is
 * what an attacker sends, and a line each (395k in one probe) floods the logs and the disk. The
 * counts leave as one line per interval while refusals keep coming.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const REFUSED = new Set([429, 503]);

export function registerRequestLog(app: FastifyInstance, refusalLogEveryMs = 10_000): void {
  const tally = new RefusalTally(app.log, refusalLogEveryMs);
  app.addHook('onResponse', (request, reply, done) => {
    if (REFUSED.has(reply.statusCode)) tally.note(String(reply.statusCode));
    else
      request.log.info(
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
        'request',
      );
    done();
  });
  app.addHook('onClose', (_app, done) => {
    tally.close();
    done();
  });
}

/** Counts refusals by kind (a status, or what was refused) and logs the counts once per interval. */
export class RefusalTally {
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
    private readonly everyMs: number,
  ) {}

  note(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.everyMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.counts.size === 0) return;
    const refused = Object.fromEntries(this.counts);
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.counts.clear();
    this.log.warn({ refused, seconds: this.everyMs / 1000 }, `refused ${total} in the last ${this.everyMs / 1000} s (${Object.entries(refused).map(([k, n]) => `${k}: ${n}`).join(', ')})`);
  }

  close(): void {
    this.flush();
  }
}

/** registerRequestLog as a named plugin, for app.ts. */
export const requestLogPlugin = fp(async (app: FastifyInstance) => registerRequestLog(app), { name: 'request-log' });
