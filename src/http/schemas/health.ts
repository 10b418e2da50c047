/** /health and /ready: liveness with corpus details, and readiness for a load balancer. */
import { z } from 'zod';
import { IsoDateTime } from '../../articles/schema.js';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({ description: '"degraded" when some files had problems or the last reload failed' }),
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
