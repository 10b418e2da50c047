/** /health and /ready: liveness with corpus details, and readiness for a load balancer. */
import { z } from 'zod';
import { IsoDateTime } from '../../articles/schema.js';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']).meta({ description: '"degraded" when some files have problems, the last reload failed or was refused, watching is partial or lost, or the database is unreachable' }),
    articles: z.number().int(),
    problems: z.number().int().meta({ description: 'Files or entries skipped when the data directory was last read (even when that read was not swapped in)' }),
    problemsByKind: z.record(z.string(), z.number().int()),
    corpus: z.object({
      version: z.string().meta({ description: 'Hash of the loaded content' }),
      loadedAt: IsoDateTime,
      loadMs: z.number().int().meta({ description: 'Time spent reading and parsing files' }),
      buildMs: z.number().int().meta({ description: 'Time spent building indexes' }),
    }),
    reload: z.object({
      lastAttemptAt: IsoDateTime.nullable(),
      lastError: z.string().nullable().meta({ description: 'Why the last reload failed or was refused (the previous corpus is still served)' }),
      lastMs: z.number().int().nullable().meta({ description: 'How long the last successful reload took, reading files included' }),
      lastChange: z
        .object({ added: z.number().int(), changed: z.number().int(), deleted: z.number().int() })
        .nullable()
        .meta({ description: 'Articles the version being served added, changed and deleted against the previous one (null: a full build)' }),
      pendingChanges: z.number().int().meta({ description: 'File change events noticed and not yet applied' }),
    }),
    index: z
      .object({
        segments: z.number().int().meta({ description: 'Immutable search-index segments in the version being served' }),
        documents: z.number().int().meta({ description: 'Documents in those segments, deleted ones included' }),
        deletedShare: z.number().meta({ description: 'Share of those documents deleted (reclaimed by merges)' }),
      })
      .meta({ description: 'Shape of the search index' }),
    watch: z
      .object({
        state: z.enum(['off', 'watching', 'partial', 'lost']).meta({
          description: 'off: not watching (no --watch); watching: every folder is watched; partial: some folders could not be watched; lost: the data folder is gone or was replaced and is not watched yet (retried every second)',
        }),
        folders: z.number().int().meta({ description: 'Folders being watched' }),
        error: z.string().nullable(),
      })
      .meta({ description: 'Live reload watching (see --watch)' }),
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
