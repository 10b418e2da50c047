/** /articles and /articles/{id}: the listing's query and page, and the path parameter. */
import { z } from 'zod';
import { ArticleSummary } from '../../articles/schema.js';
import { ArticleId } from '../../articles/schema.js';
import { Collapse, FeedFormat, Filters, MAX_IDS, Page, Reprints } from './common.js';

export const ListQuery = Filters.extend({
  sort: z.enum(['newest', 'oldest']).default('newest').meta({ description: 'By published date; undated articles come last' }),
  collapse: Collapse.meta({
    description:
      "story: one article per story, the story's first-published article among those matching the filters, placed by its own date; `reprints` counts the story's other matching articles; `total` and paging count stories, and `next` carries a cursor on that article's date and id (a story whose lead changes between pages follows its new lead: see the README)",
  }),
  ids: z
    .string()
    .max(MAX_IDS * 201)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const ids = s.split(',').map((x) => x.trim());
      if (ids.length > MAX_IDS) {
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_IDS} ids, got ${ids.length}` });
        return z.NEVER;
      }
      const bad = ids.find((id) => !ArticleId.safeParse(id).success);
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `'${bad.slice(0, 50)}' is not an article id (lowercase letters, digits and single hyphens)` });
        return z.NEVER;
      }
      return [...new Set(ids)];
    })
    .meta({
      description: `Comma-separated article ids (at most ${MAX_IDS}): these articles' summaries, in the order asked (a repeated id once); ids no article has are listed in \`missing\`. Combines with no other parameter but format.`,
      example: 'business-oil-prices-climb,politics-budget-talks',
    }),
  format: FeedFormat,
});

export const ListedArticle = ArticleSummary.extend({ reprints: Reprints });

export const ArticleList = Page.extend({
  items: z.array(ListedArticle),
  missing: z.array(z.string()).optional().meta({ description: 'With ids: the ids asked for that no article has, in the order asked' }),
}).meta({ id: 'ArticleList' });

export const ArticleParams = z.object({
  id: z.string().min(1).max(200).meta({ description: 'Article id, or its slug' }),
});
