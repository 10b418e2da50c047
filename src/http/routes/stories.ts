import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toSummary } from '../../articles/schema.js';
import type { StoryView } from '../../corpus/index.js';
import type { ArticleReader } from '../../corpus/article-reader.js';
import { sendJson } from '../caching.js';
import { nextPage } from '../paging.js';
import { PROBLEM_TYPE, sendProblem } from '../problems.js';
import { problemResponses } from '../schemas/common.js';
import { StoriesQuery, StoryDetail, StoryList, StoryParams } from '../schemas/stories.js';
import type { RouteOptions } from './options.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function storySummary(corpus: ArticleReader, s: StoryView) {
  return {
    id: s.id,
    size: s.articles.length,
    sources: s.sources,
    firstPublishedAt: iso(s.fromMs),
    lastPublishedAt: iso(s.toMs),
    first: toSummary(s.first, corpus.storyOf(s.first)),
  };
}

export const storyRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge }) => {
  app.get(
    '/stories',
    {
      schema: {
        tags: ['stories'],
        summary: 'List stories',
        description:
          "A story is one report and its near-duplicate copies (reprints, trimmed, extended or lightly edited, under any headline), grouped by MinHash over the text's 3-word shingles. Newest first: by the latest published date of any of its articles (undated stories last). Its id is the id of its first-published article.",
        querystring: StoriesQuery,
        response: { 200: StoryList, ...problemResponses(400, 503) },
      },
    },
    async (request, reply) => {
      const corpus = request.reader;
      const kept = answers.get(corpus.version, request.url);
      if (kept) return sendJson(request, reply, kept, listMaxAge);
      const q = request.query;
      const { total, items } = await corpus.listStories(q);
      const body = { items: items.map((s) => storySummary(corpus, s)), total, limit: q.limit, offset: q.offset, next: nextPage(request.url, total, q.limit, q.offset) };
      return sendJson(request, reply, answers.keep(corpus.version, request.url, JSON.stringify(body)), listMaxAge);
    },
  );

  app.get(
    '/stories/:id',
    {
      schema: {
        tags: ['stories'],
        summary: 'Get one story with its articles',
        description: "Every article of the story, first-published first. The id of an article that is not its story's first answers 404 naming the story it belongs to.",
        params: StoryParams,
        response: { 200: StoryDetail, ...problemResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const corpus = request.reader;
      const kept = answers.get(corpus.version, request.url);
      if (kept) return sendJson(request, reply, kept, listMaxAge);
      const found = await corpus.story(request.params.id);
      if (!found || 'belongsTo' in found) {
        return sendProblem(reply, {
          type: PROBLEM_TYPE.notFound,
          title: 'Not Found',
          status: 404,
          detail: found ? `'${request.params.id}' is an article of story '${found.belongsTo}', not a story id` : `No story with id '${request.params.id}'`,
          instance: request.url,
        });
      }
      const s = found.story;
      const body = { ...storySummary(corpus, s), articles: s.articles.map((a) => toSummary(a, corpus.storyOf(a))) };
      return sendJson(request, reply, answers.keep(corpus.version, request.url, JSON.stringify(body)), listMaxAge);
    },
  );
};
