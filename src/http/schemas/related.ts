/** /articles/{id}/related: articles like one article. */
import { z } from 'zod';
import { ArticleSummary } from '../../articles/schema.js';

export const RelatedQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) });

export const RelatedResponse = z
  .object({ id: z.string(), items: z.array(ArticleSummary.extend({ score: z.number() })) })
  .meta({ id: 'RelatedArticles' });
