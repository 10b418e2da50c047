/** /search: the query language, the query string and the page of hits. */
import { z } from 'zod';
import { ArticleSummary } from '../../articles/schema.js';
import { Collapse, FacetValue, FeedFormat, Filters, MAX_QUERY_LENGTH, Reprints } from './common.js';

export const QUERY_LANGUAGE = `
**Query language**

| you write | it finds |
| --- | --- |
| \`oil prices\` | articles with both words (terms are ANDed) |
| \`oil OR gas\` | either word (AND binds tighter than OR) |
| \`oil -gas\`, \`oil NOT gas\` | oil, but not gas |
| \`"state of the union"\` | the words in this order |
| \`(oil OR gas) prices\` | grouping |
| \`title:taliban\`, \`title:"peace process"\` | only in the headline (fields: \`title\`, \`lead\`, and \`body\` for every paragraph, the lead included) |
| \`infla*\` | words starting with infla (the most frequent expansions, bounded) |
| \`author:smith\`, \`author:"jane doe"\` | articles by an author whose name holds these words (filters the whole query) |
| \`tag:elections\` | articles with a tag holding this word (filters the whole query); scopes alone list the articles, newest first |

Words are matched after case and accent folding and stemming (\`rates\` finds \`rate\`, and the
form you typed ranks first); common words (\`the\`, \`of\`) are not required outside phrases, but
with the in-memory index an article holding the ones you typed ranks a little higher, and they
count as the gap between the words around them (\`film at the Berlin festival\`). Each
article is analysed in its own language (Snowball stemmer and stop words); the query is analysed
in the language \`language=\` names (which also keeps only articles in it), else in English, so
\`q=manifestation&language=fr\` finds \`manifestations\` in French articles;
\`U.S.\`, \`$1m\` and \`£522,000\` are words of their own. A malformed query (unbalanced quotes or
brackets, a lone operator, a field with nothing after it such as \`title:\`, only negative terms) is a 400 problem whose \`errors[0].position\`
says where.

**Typos**: with \`fuzzy=true\` words of 5+ letters also match words one edit away (two for
8+ letters; a swap of two neighbouring letters is one edit), below the articles holding the
word as typed. A query that matches nothing as typed, with a word no article holds in any form,
is answered that way by itself, and \`suggestion\` then holds the query with its misspelt words
corrected ("did you mean").

**One word wrong**: a query of 3 or more words that no article holds together (and no typo
explains) is answered by the articles holding all of it but one of its plain words, and
\`suggestion\` holds the query without the word the first of them lacks.

**Recency**: \`recency=7\` (with \`sort=relevance\`) halves an article's score for every 7 days
it is older than the newest article served, so fresh and relevant articles come first.

**Highlights**: \`snippet\` and \`titleHighlight\` are HTML-escaped text in which each match is
wrapped in \`<mark>\`…\`</mark>\`; no other markup ever appears, so a frontend may render them as
HTML. \`titleHighlight\` is null when the headline did not match.
`;

const FacetName = z.enum(['source', 'category', 'month', 'language', 'author', 'tag']);

export const SearchQuery = Filters.extend({
  q: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a single string') })
    .trim().min(1, 'must not be empty').max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`).meta({
    description: 'The query (see the query language above)',
    example: 'taliban "security forces"',
  }),
  sort: z.enum(['relevance', 'newest', 'oldest']).default('relevance'),
  recency: z.coerce
    .number()
    .min(0.01, 'must be at least 0.01 (days)')
    .max(36500, 'must be at most 36500 (days)')
    .optional()
    .meta({
      description:
        'Relevance with recency (sort=relevance): a half-life in days. Each score is multiplied by 0.5^(age/recency), the age counted from the newest article served',
      example: 7,
    }),
  fuzzy: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1')
    .meta({ description: 'Also match words one typo away (words of 5+ letters; two for 8+ letters; a swap of neighbouring letters is one); such hits rank below exact ones' }),
  facets: z
    .string()
    .max(64)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return [];
      const names = s.split(',').map((x) => x.trim());
      for (const n of names) {
        if (!FacetName.safeParse(n).success) {
          ctx.addIssue({ code: 'custom', message: `unknown facet '${n}'; use source, category, month, language, author, tag` });
          return z.NEVER;
        }
      }
      return [...new Set(names)] as Array<z.infer<typeof FacetName>>;
    })
    .meta({ description: 'Comma-separated: source, category, month, language, author, tag. Counts cover the whole result set, not just the page.', example: 'source,category' }),
  facetCount: z
    .enum(['articles', 'stories'])
    .optional()
    .meta({ description: 'What facets count: articles, or stories (a story with articles from two sources counts once for each). Default: stories with collapse=story, else articles.' }),
  collapse: Collapse.meta({
    description:
      "story: one hit per story, the story's best-ranked matching article (in the requested sort), with `reprints` counting the story's other matches; `total` and paging count stories, and `next` carries a cursor on that article's rank (a story whose best article changes between pages follows it: see the README)",
  }),
  format: FeedFormat,
});

export const SearchHit = ArticleSummary.extend({
  reprints: Reprints,
  score: z.number().meta({ description: 'Relevance (BM25F); higher is better' }),
  snippet: z.string().meta({ description: 'Best-matching passage, HTML-escaped, matches in <mark>' }),
  titleHighlight: z.string().nullable().meta({ description: 'The headline with matches in <mark>, or null when it did not match' }),
}).meta({ id: 'SearchHit' });

export const SearchResponse = z
  .object({
    query: z.string(),
    items: z.array(SearchHit),
    total: z.number().int(),
    totalEstimated: z.boolean().meta({
      description:
        'true when `total` is an estimate: with SEARCH_BACKEND=postgres, a match larger than the ranking window (SEARCH_RANK_WINDOW, the newest matches ranked) is counted by the query planner, not exactly; false: exact',
    }),
    limit: z.number().int(),
    offset: z.number().int().meta({ description: 'Results ranked before this page' }),
    next: z.string().nullable().meta({ description: 'Path and query of the next page (with a `cursor`), or null on the last page' }),
    suggestion: z
      .string()
      .nullable()
      .meta({ description: 'Did you mean: the query with misspelt words corrected, when typo tolerance answered it; the query without the word the first result lacks, when the articles holding all of it but one word answered it; else null', example: 'government' }),
    facets: z
      .object({
        source: z.array(FacetValue).optional(),
        category: z.array(FacetValue).optional(),
        month: z.array(FacetValue).optional(),
        language: z.array(FacetValue).optional(),
        author: z.array(FacetValue).optional(),
        tag: z.array(FacetValue).optional(),
      })
      .optional()
      .meta({ description: 'Present when facets were asked for; month values are YYYY-MM' }),
  })
  .meta({ id: 'SearchResponse' });

