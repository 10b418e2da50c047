/** /health and /ready: liveness with corpus details, and readiness for a load balancer. */
import { z } from 'zod';
import { IsoDateTime } from '../../articles/schema.js';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({ description: '"degraded" when some files had problems, the last reload failed, or the database is unreachable' }),
    articles: z.number().int(),
    problems: z.number().int().meta({ description: 'Files or entries skipped at load' }),
    problemsByKind: z.record(z.string(), z.number().int()),
    corpus: z.object({
      version: z.string().meta({ description: 'Hash of the loaded content' }),
      loadedAt: IsoDateTime,
      loadMs: z.number().int().meta({ description: 'Time spent reading and parsing files' }),
      buildMs: z.number().int().meta({ description: 'Time spent building indexes' }),
    }),
    reload: z.object({
      lastAttemptAt: IsoDateTime.nullable(),
      lastError: z.string().nullable().meta({ description: 'Why the last reload failed (the previous corpus is still served)' }),
    }),
    database: z
      .object({
        state: z.enum(['connected', 'reconnecting']).meta({ description: '"reconnecting" while PostgreSQL cannot be reached (the last corpus is still served)' }),
        lastChange: z.number().int().meta({ description: 'The last change number of the shared store this replica has applied' }),
        lastContactAt: IsoDateTime.nullable(),
        lastError: z.string().nullable(),
      })
      .optional()
      .meta({ description: 'Only when the articles come from PostgreSQL (DATABASE_URL)' }),
    uptimeSeconds: z.number(),
  })
  .meta({ id: 'Health' });

export const Ready = z
  .object({
    status: z.literal('ready'),
    articles: z.number().int().meta({ description: 'Articles in the corpus being served' }),
    version: z.string().meta({ description: 'Hash of the loaded content' }),
  })
  .meta({ id: 'Ready' });
