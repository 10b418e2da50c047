/** /articles and /articles/{id}: the listing's query and page, and the path parameter. */
import { z } from 'zod';
import { ArticleSummary } from '../../articles/schema.js';
import { Filters, Page } from './common.js';

export const ListQuery = Filters.extend({
  sort: z.enum(['newest', 'oldest']).default('newest').meta({ description: 'By published date; undated articles come last' }),
});

export const ArticleList = Page.extend({ items: z.array(ArticleSummary) }).meta({ id: 'ArticleList' });

export const ArticleParams = z.object({
  id: z.string().min(1).max(200).meta({ description: 'Article id, or its slug' }),
});
