import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ArticleView, type Article } from '../../articles/schema.js';
import { toArticleFilter } from '../../corpus/index.js';
import type { ArticleReader } from '../../corpus/article-reader.js';
import { sendJson } from '../caching.js';
import { describeFilters, renderFeed, requestBase, urlWithFormat, type FeedEntry } from '../feeds.js';
import { answerKey, sendAnswer } from '../page-answer.js';
import { cursorMode, cursorNextPage, cursorOf } from '../paging.js';
import { articleNotFound, PROBLEM_TYPE, sendProblem } from '../problems.js';
import { articleRepresentation, summaryJson } from '../representations.js';
import { ArticleList, ArticleParams, ListQuery } from '../schemas/articles.js';
import { pageResponse, problemResponses } from '../schemas/common.js';
import type { RouteOptions } from './options.js';

/** A page's items as JSON: each summary made once per article and story, reprints added when collapsed. */
function itemsJson(entries: readonly FeedEntry[]): string {
  return entries
    .map((e) => {
      const json = summaryJson(e.article, e.story);
      return e.reprints === undefined ? json : `${json.slice(0, -1)},"reprints":${e.reprints}}`;
    })
    .join(',');
}

const entry = (corpus: ArticleReader, article: Article, reprints?: number): FeedEntry => ({ article, story: corpus.storyOf(article), reprints });

export const articleRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, cacheMaxAge, listMaxAge }) => {
  app.get(
    '/articles',
    {
      schema: {
        tags: ['articles'],
        summary: 'List articles',
        description:
          'Newest first by default; articles with no published date come last. Filters combine with AND; `source` and `category` match whatever their case. `ids=` fetches up to 100 given articles in one request (cards). `format=` (or the suffixes /articles.rss, /articles.atom, /articles.jsonfeed) sends the same page as a feed.',
        querystring: ListQuery,
        response: { 200: pageResponse(ArticleList), ...problemResponses(400, 503) },
      },
    },
    async (request, reply) => {
      const corpus = request.reader;
      const q = request.query;
      const key = answerKey(request, q.format);
      // Kept answers are sent as they are: a page built per request cost a 7 KB buffer and the GC time to drop it.
      const kept = answers.get(corpus.version, key);
      if (kept) return sendAnswer(request, reply, kept, listMaxAge, q.format, corpus);
      let entries: FeedEntry[];
      let json: string;
      let next: string | null = null;
      if (q.ids) {
        const given = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1));
        const others = [...new Set(given.keys())].filter((k) => k !== 'ids' && k !== 'format');
        if (others.length > 0) {
          return sendProblem(reply, {
            type: PROBLEM_TYPE.invalidParameter,
            title: 'Invalid parameter',
            status: 400,
            detail: `ids: combines with no other parameter but format; got ${others.join(', ')}`,
            instance: request.url,
            errors: others.map((p) => ({ in: 'query' as const, parameter: p, reason: 'not allowed with ids' })),
          });
        }
        const found: FeedEntry[] = [];
        const missing: string[] = [];
        const got = await corpus.getMany(q.ids);
        q.ids.forEach((id, i) => {
          const a = got[i];
          if (a) found.push(entry(corpus, a));
          else missing.push(id);
        });
        entries = found;
        json = `{"items":[${itemsJson(found)}],"total":${found.length},"limit":${q.ids.length},"offset":0,"next":null,"missing":${JSON.stringify(missing)}}`;
      } else {
        let shown = q.offset;
        // keyset on the sort key and id of the last article (collapsed: of the last story's lead)
        const cursor = cursorOf(q);
        // Object.assign, not spreads into literals (slow on Node 20: see routes/search.ts)
        const after = Object.assign(toArticleFilter(q), { sort: q.sort, limit: q.limit, offset: q.offset, after: cursor?.after });
        const r = q.collapse === 'story' ? await corpus.listCollapsed(after) : await corpus.list(after);
        const total = r.total;
        if (cursor) shown = r.offset;
        entries = r.items.map((item) => ('reprints' in item ? entry(corpus, item.article, item.reprints) : entry(corpus, item)));
        const last = entries.at(-1)?.article;
        next = cursorNextPage(
          request.url,
          shown + entries.length < total,
          last ? { sort: cursorMode(q.sort, q.collapse), after: corpus.dateKey(last), version: corpus.version, shown: shown + entries.length } : null,
        );
        json = `{"items":[${itemsJson(entries)}],"total":${total},"limit":${q.limit},"offset":${shown},"next":${JSON.stringify(next)}}`;
      }
      if (q.format !== 'json') {
        const base = requestBase(request);
        json = renderFeed(
          q.format,
          {
            title: `Articles${describeFilters(q, ['source', 'category', 'from', 'to'])}`,
            description: q.ids ? 'Articles asked for by id' : `Articles, ${q.sort} first${q.collapse ? ', one per story' : ''}`,
            selfUrl: `${base}${request.url}`,
            homeUrl: urlWithFormat(base, request.url, 'json'),
            nextUrl: next ? `${base}${next}` : null,
            base,
            updated: corpus.loadedAt,
          },
          entries,
        );
      }
      return sendAnswer(request, reply, answers.keep(corpus.version, key, json), listMaxAge, q.format, corpus);
    },
  );

  app.get(
    '/articles/:id',
    {
      schema: {
        tags: ['articles'],
        summary: 'Get one article',
        description: 'By id or by slug, with the story it belongs to. Answers 304 when If-None-Match holds the current ETag.',
        params: ArticleParams,
        response: { 200: ArticleView, ...problemResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const corpus = request.reader;
      const article = await corpus.get(request.params.id);
      if (!article) return articleNotFound(reply, request.params.id);
      return sendJson(request, reply, articleRepresentation(article, corpus.storyOf(article)), cacheMaxAge);
    },
  );
};
