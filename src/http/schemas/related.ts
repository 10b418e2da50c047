/** /articles/{id}/related: articles like one article. */
import { z } from 'zod';
import { ArticleSummary } from '../../articles/schema.js';
import { decimalInt } from './common.js';

export const RelatedQuery = z.object({ limit: decimalInt(1, 50, 10) });

export const RelatedResponse = z
  .object({ id: z.string(), items: z.array(ArticleSummary.extend({ score: z.number() })) })
  .meta({ id: 'RelatedArticles' });
