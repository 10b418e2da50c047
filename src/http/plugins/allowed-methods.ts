/**
 * Which methods each route path answers, collected as routes are added: the 405's `Allow`
 * header, and OPTIONS answered with `Allow` on routes and 404 elsewhere (CORS would otherwise
 * answer OPTIONS on every path). Register before the routes.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods a request path answers (OPTIONS included), or null when no route has that path. */
    allowedMethods(url: string): string[] | null;
  }
}

export const allowedMethodsPlugin = fp(
  async (app: FastifyInstance) => {
    const routePatterns: Array<{ re: RegExp; methods: Set<string> }> = [];
    app.addHook('onRoute', (route) => {
      if (route.url.includes('*')) return;
      const re = new RegExp(`^${route.url.replace(/:[^/]+/gu, '[^/]+')}/?$`, 'u');
      let entry = routePatterns.find((p) => p.re.source === re.source);
      if (!entry) routePatterns.push((entry = { re, methods: new Set() }));
      for (const m of [route.method].flat()) entry.methods.add(m);
    });

    app.decorate('allowedMethods', (url: string): string[] | null => {
      const path = url.split('?')[0]!;
      const hit = routePatterns.find((p) => p.re.test(path));
      // CORS answers OPTIONS on every route, so Allow names it too.
      return hit ? [...new Set([...hit.methods, 'OPTIONS'])].sort() : null;
    });

    // No route takes a body, so none is parsed: a POST with broken JSON gets its 405 (or 404),
    // not a 400 about a body nothing would read. Node discards the unread body.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    app.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'OPTIONS') {
        const allowed = app.allowedMethods(request.url);
        if (!allowed) {
          reply.callNotFound();
          return;
        }
        reply.header('allow', allowed.join(', '));
      }
      done();
    });
  },
  { name: 'allowed-methods' },
);
