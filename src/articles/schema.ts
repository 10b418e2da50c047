/**
 * The article record and its parts: the single source of the types (z.infer), of load-time
 * validation and of the OpenAPI document.
 */
import { z } from 'zod';

/** Ids are URL-safe without escaping: lowercase letters, digits and single hyphens. */
export const ArticleId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(200)
  .meta({ description: 'Stable id derived from the file path below the data directory', example: 'business-1m-payoff-for-former-shell-boss' });

export const IsoDateTime = z.iso.datetime({ offset: true }).meta({ example: '2021-08-09T00:00:00.000Z' });

export const Source = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).meta({ example: 'cgtn' }),
    name: z.string().min(1).meta({ example: 'CGTN' }),
  })
  .meta({ id: 'Source', description: 'The publisher named by the article' });

export const Image = z
  .object({
    caption: z.string().min(1),
    credit: z.string().nullable().meta({ description: 'Agency or photographer, without the slash', example: 'AP' }),
    afterParagraph: z
      .number()
      .int()
      .min(-1)
      .meta({ description: 'Index of the paragraph the image follows; -1 when it comes before the first' }),
    url: z.string().nullable().meta({ description: 'Image address when the input gave one (Markdown, JSON, HTML)' }),
  })
  .meta({ id: 'Image', description: 'An image caption found in the article text' });

export const Cover = z
  .object({
    caption: z.string().min(1).nullable().meta({ description: 'Null when the input gave only an image address' }),
    credit: z.string().nullable(),
    url: z.string().nullable(),
  })
  .meta({ id: 'Cover', description: 'The cover (lead) image' });

export const RelatedHeadline = z
  .object({
    title: z.string().min(1),
    id: ArticleId.nullable().meta({ description: 'Id of a loaded article with this headline, else null' }),
    url: z.string().nullable().meta({ description: "The headline's link when the page gave one (HTML related blocks, Markdown links)" }),
  })
  .meta({ id: 'RelatedHeadline' });

export const Dateline = z
  .object({
    place: z.string().min(1).meta({ example: 'NAIROBI' }),
    text: z.string().min(1).meta({ description: 'The dateline as written', example: 'NAIROBI, March 3 (Reuters) -' }),
  })
  .meta({ id: 'Dateline' });

export const Origin = z
  .object({
    path: z.string().min(1).meta({ description: 'File path relative to the data directory', example: 'business/1m-payoff-for-former-shell-boss.txt' }),
    sha256: z.string().regex(/^[a-f0-9]{64}$/),
    format: z.enum(['txt', 'md', 'json', 'ndjson', 'html', 'xml']),
    line: z.number().int().min(1).nullable().meta({ description: 'Line (NDJSON) or array index + 1 (JSON) within the file; null for one-article files' }),
  })
  .meta({ id: 'Origin', description: 'Where the record came from' });

export const DateSource = z
  .enum(['metadata', 'published-line', 'byline', 'dateline', 'updated-line', 'caption'])
  .nullable()
  .meta({
    description:
      'Where publishedAt was stated: "metadata" (front matter, JSON fields, HTML meta tags), "published-line" (a Published/Posted line or a date line above the story), "byline" (a date on the byline line), "dateline" ("NAIROBI, March 3 (Reuters) -", its year from the nearest stated date), "updated-line" (only an Updated line), "caption" (a page stating none of these, dated by its image captions); null: the page states no date. Never guessed from the prose.',
  });

export const Article = z
  .object({
    id: ArticleId,
    slug: z.string().meta({ description: 'URL slug of the headline', example: 'us-it-is-up-to-afghans-to-defend-country-as-taliban-advance' }),
    title: z.string().min(1),
    source: Source.nullable(),
    category: z.string().nullable().meta({ description: 'First folder below the data directory, or explicit metadata', example: 'business' }),
    byline: z.string().nullable().meta({ description: 'Author names as written, without "By"', example: 'Jane Doe' }),
    dateline: Dateline.nullable(),
    publishedAt: IsoDateTime.nullable(),
    modifiedAt: IsoDateTime.nullable().meta({ description: 'From an Updated line or metadata (dateModified), else null' }),
    dateSource: DateSource,
    lead: z.string().min(1).meta({ description: 'The first paragraph' }),
    paragraphs: z.array(z.string().min(1)).min(1),
    images: z.array(Image),
    cover: Cover.nullable(),
    related: z.array(RelatedHeadline),
    attribution: z.string().nullable().meta({ example: 'With input from agencies' }),
    credits: z.array(z.string()).meta({ description: 'Wire trailers such as "Reporting by …; Editing by …"' }),
    tags: z.array(z.string()),
    url: z.string().nullable().meta({ description: 'Canonical URL when the input gave one' }),
    language: z.string().min(2).meta({ example: 'en' }),
    wordCount: z.number().int().min(0),
    readingTimeMinutes: z.number().int().min(1),
    origin: Origin,
  })
  .meta({ description: 'A news article as the loader makes it from its source file (served with its story, as ArticleView)' });

/**
 * The record as held in memory (see record.ts): the article with its paragraphs after the lead
 * joined by line breaks in `body` ('' for one paragraph) instead of a list. The loader validates
 * every record against it; answers and stored JSON use the `Article` shape (record.ts `toJson`).
 */
export const ArticleRecord = Article.omit({ paragraphs: true }).extend({
  body: z
    .string()
    .refine((body) => !(body.startsWith('\n') || body.endsWith('\n') || body.includes('\n\n')), 'a paragraph is empty')
    .meta({ description: 'The paragraphs after the lead, one a line' }),
});

export const StoryRef = z
  .object({
    id: ArticleId.meta({ description: "The story's id: the id of its first-published article", example: 'business-1m-payoff-for-former-shell-boss' }),
    size: z.number().int().min(1).meta({ description: 'Articles in the story: 1 when no other article is a near-duplicate of this one' }),
  })
  .meta({ id: 'StoryRef', description: 'The story (the group of near-duplicate copies of one report) an article belongs to' });

/** The article as served: the record and the story it belongs to in the snapshot being served. */
export const ArticleView = Article.extend({ story: StoryRef }).meta({ id: 'Article', description: 'A news article, normalised from its source file' });

/** The card view of an article: what a listing, a search hit or a card grid shows. */
export const ArticleSummary = Article.pick({
  id: true,
  slug: true,
  title: true,
  source: true,
  category: true,
  byline: true,
  publishedAt: true,
  dateSource: true,
  lead: true,
  cover: true,
  wordCount: true,
})
  .extend({ story: StoryRef })
  .meta({ id: 'ArticleSummary', description: 'The listing (card) view of an article: headline, lead, byline, date, cover image and story' });

/** An article record as the corpus holds it (paragraphs read through record.ts). */
export type Article = z.infer<typeof ArticleRecord>;
/** An article as served and stored as JSON: its paragraphs a list. */
export type ArticleJson = z.infer<typeof Article>;
export type ArticleView = z.infer<typeof ArticleView>;
export type StoryRef = z.infer<typeof StoryRef>;
export type ArticleSummary = z.infer<typeof ArticleSummary>;
export type Source = z.infer<typeof Source>;
export type Image = z.infer<typeof Image>;
export type Cover = z.infer<typeof Cover>;
export type RelatedHeadline = z.infer<typeof RelatedHeadline>;
export type Origin = z.infer<typeof Origin>;
export type Dateline = z.infer<typeof Dateline>;

export function toSummary(a: Article, story: StoryRef): ArticleSummary {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    source: a.source,
    category: a.category,
    byline: a.byline,
    publishedAt: a.publishedAt,
    dateSource: a.dateSource,
    lead: a.lead,
    cover: a.cover,
    wordCount: a.wordCount,
    story,
  };
}
