import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toArticleFilter, type SearchResult } from '../../corpus/index.js';
import { QuerySyntaxError, QueryTooCostly } from '../../search/index.js';
import { describeFilters, renderFeed, requestBase, urlWithFormat } from '../feeds.js';
import { answerKey, sendAnswer } from '../page-answer.js';
import { cursorMode, cursorNextPage, cursorOf } from '../paging.js';
import { PROBLEM_TYPE, sendProblem } from '../problems.js';
import { searchPageBody } from '../representations.js';
import { pageResponse, problemResponses } from '../schemas/common.js';
import { QUERY_LANGUAGE, SearchQuery, SearchResponse } from '../schemas/search.js';
import type { RouteOptions } from './options.js';

export const searchRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { answers, listMaxAge, readers, fairness }) => {
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search articles',
        description: `Full-text search over headlines (weighted higher) and paragraphs, ranked by BM25F, with the listing's filters, facets and highlights.\n${QUERY_LANGUAGE}`,
        querystring: SearchQuery,
        response: { 200: pageResponse(SearchResponse), ...problemResponses(400, 422, 503) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      // a cursor says where the page starts (collapsed: after the last story's lead)
      const cursor = cursorOf(q);
      // relevance scores depend on the whole corpus: a relevance cursor continues on the version
      // it was made on while that is kept (date keys hold across versions)
      const corpus = (cursor && q.sort === 'relevance' ? readers.version(cursor.version) : undefined) ?? request.reader;
      const key = answerKey(request, q.format);
      const cached = answers.get(corpus.version, key);
      if (cached) return sendAnswer(request, reply, cached, listMaxAge, q.format, corpus);
      let result: SearchResult;
      const budget = fairness.budget();
      const started = performance.now();
      try {
        // Object.assign, not `{ ...toArticleFilter(q), sort, … }`: on Node 20 that spread into a
        // literal of 17 properties cost ~10-25 µs a request (bench/RESULTS.md, session 7, s14http)
        result = await corpus.search(q.q, Object.assign(toArticleFilter(q), {
          sort: q.sort,
          limit: q.limit,
          offset: q.offset,
          after: cursor?.after,
          fuzzy: q.fuzzy,
          facets: q.facets,
          recency: q.recency,
          collapse: q.collapse === 'story',
          facetCount: q.facetCount,
          budget,
        }));
      } catch (e) {
        if (e instanceof QueryTooCostly) return tooCostly(reply, e, fairness.isCrowdedBudget(budget));
        if (!(e instanceof QuerySyntaxError)) throw e;
        return sendProblem(reply, {
          type: PROBLEM_TYPE.invalidQuery,
          title: 'Invalid query',
          status: 400,
          detail: `q: ${e.message} (at character ${e.position})`,
          instance: request.url,
          errors: [{ in: 'query', parameter: 'q', reason: e.message, position: e.position }],
        });
      } finally {
        fairness.spend(budget, performance.now() - started);
      }
      const shown = cursor ? result.offset : q.offset;
      const last = result.hits.at(-1);
      const nextCursor = last
        ? { sort: cursorMode(q.sort, q.collapse), after: q.sort === 'relevance' ? { key: last.score, id: last.article.id } : corpus.dateKey(last.article), version: corpus.version, shown: shown + result.hits.length }
        : null;
      // An estimated total may be short of the matches or beyond them: a full page says there may be more.
      const more = result.totalEstimated ? result.hits.length === q.limit : shown + result.hits.length < result.total;
      const next = cursorNextPage(request.url, more, nextCursor);
      if (q.format !== 'json') {
        const base = requestBase(request);
        const feed = renderFeed(
          q.format,
          {
            title: `Search: ${q.q}${describeFilters(q, ['source', 'category', 'from', 'to'])}`,
            description: `Articles matching ${q.q}, by ${q.sort}${q.collapse ? ', one per story' : ''}`,
            selfUrl: `${base}${request.url}`,
            homeUrl: urlWithFormat(base, request.url, 'json'),
            nextUrl: next ? `${base}${next}` : null,
            base,
            updated: corpus.loadedAt,
          },
          result.hits.map((h) => ({ article: h.article, story: h.story, reprints: h.reprints })),
        );
        return sendAnswer(request, reply, answers.keep(corpus.version, key, feed), listMaxAge, q.format, corpus);
      }
      const body = searchPageBody(
        { query: q.q, total: result.total, totalEstimated: result.totalEstimated ?? false, limit: q.limit, offset: shown, next, suggestion: result.suggestion, ...(q.facets.length ? { facets: result.facets } : {}) },
        result.hits,
      );
      return sendAnswer(request, reply, answers.keep(corpus.version, key, body), listMaxAge, q.format, corpus);
    },
  );
};

/** Over budget: 422 naming what to narrow, or, when costly searches have had their share of this second, 503. */
function tooCostly(reply: FastifyReply, e: QueryTooCostly, crowded: boolean): FastifyReply {
  if (crowded) {
    reply.header('retry-after', '1');
    return sendProblem(reply, {
      type: PROBLEM_TYPE.searchBusy,
      title: 'Too many costly searches',
      status: 503,
      detail: 'Costly searches (many prefix or fuzzy expansions) have had their share of this second; retry in a second, or narrow the query.',
      instance: reply.request.url,
    });
  }
  return sendProblem(reply, {
    type: PROBLEM_TYPE.queryTooCostly,
    title: 'Query too costly',
    status: 422,
    detail: `q: ${e.message}`,
    instance: reply.request.url,
    errors: [{ in: 'query', parameter: 'q', reason: e.message }],
  });
}
