/**
 * A query parameter a route does not know is a 400 problem naming it and listing what the route
 * accepts (a misspelt `lmit=5`, or `q=` on /articles, would otherwise be ignored in silence). One
 * hook for every documented route, from the keys of its zod querystring schema; a route with no
 * querystring schema accepts none. Hidden routes (the docs page, its assets, /openapi.json) are
 * left alone.
 */
import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem, PROBLEM_TYPE } from '../problems.js';

export const knownParametersPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { hide?: boolean; querystring?: { shape?: Record<string, unknown> } } | undefined;
      if (!schema || schema.hide) return;
      const known = Object.keys(schema.querystring?.shape ?? {});
      const knownSet = new Set(known);
      const accepts = known.length ? `accepts ${known.join(', ')}` : 'accepts no query parameters';
      const check: preValidationHookHandler = (request, _reply, done) => {
        const unknown = Object.keys(request.query as object).filter((k) => !knownSet.has(k));
        if (unknown.length === 0) return done();
        const path = request.url.split('?')[0];
        done(
          new HttpProblem({
            type: PROBLEM_TYPE.invalidParameter,
            title: 'Invalid parameter',
            status: 400,
            detail: `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; ${path} ${accepts}`,
            errors: unknown.map((k) => ({ in: 'query' as const, parameter: k, reason: `unknown parameter; this route ${accepts}` })),
          }),
        );
      };
      route.preValidation = [...[route.preValidation ?? []].flat(), check];
    });
  },
  { name: 'known-parameters' },
);
