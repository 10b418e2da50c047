/** /stories and /stories/{id}: near-duplicate copies of one report, grouped. */
import { z } from 'zod';
import { ArticleSummary, IsoDateTime, Source } from '../../articles/schema.js';
import { MAX_LIMIT, MAX_OFFSET, Page } from './common.js';

export const StoriesQuery = z.object({
  minSize: z.coerce.number().int().min(1).max(10_000).default(1).meta({ description: 'Only stories with at least this many articles (2: only stories that were reprinted)' }),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(20).meta({ description: `Page size, 1-${MAX_LIMIT}` }),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0).meta({ description: 'How many stories to skip' }),
});

export const StoryParams = z.object({
  id: z.string().min(1).max(200).meta({ description: "The story's id (the id of its first-published article)" }),
});

export const StorySummary = z
  .object({
    id: z.string().meta({ description: 'The id of its first-published article' }),
    size: z.number().int().min(1).meta({ description: 'How many articles it has' }),
    sources: z.array(Source).meta({ description: 'The sources of its articles, first-published first' }),
    firstPublishedAt: IsoDateTime.nullable().meta({ description: 'The earliest published date of its articles (null when none is dated)' }),
    lastPublishedAt: IsoDateTime.nullable().meta({ description: 'The latest published date of its articles' }),
    first: ArticleSummary.meta({ description: 'Its first-published article' }),
  })
  .meta({ id: 'StorySummary', description: 'A story: one report and its near-duplicate copies (reprints, trimmed, extended or lightly edited)' });

export const StoryList = Page.extend({ items: z.array(StorySummary) }).meta({ id: 'StoryList' });

export const StoryDetail = StorySummary.extend({
  articles: z.array(ArticleSummary).meta({ description: 'Every article of the story, first-published first' }),
}).meta({ id: 'Story' });
