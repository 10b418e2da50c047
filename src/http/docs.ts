/** The OpenAPI document (generated from the zod schemas) and the interactive docs page at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const API_DESCRIPTION = `Read-only JSON API over a folder of news articles, normalised from raw text.

Every error is \`application/problem+json\` (RFC 9457). Responses carry strong ETags: send
\`If-None-Match\` to get a 304. Listing and search pages link to the next page in \`next\`.`;

export const swaggerPlugin = fp(async (app: FastifyInstance, opts: { version: string }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'News Article API', version: opts.version, description: API_DESCRIPTION },
      servers: [],
      tags: [
        { name: 'articles', description: 'Listing and lookup' },
        { name: 'search', description: 'Full-text search' },
        { name: 'meta', description: 'Sources, categories and service status' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => dropUnusedInputSchemas(jsonSchemaTransformObject(doc)),
  });
});

export async function docsUiPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: true, displayRequestDuration: true },
    staticCSP: false,
  });
}

/**
 * The document as served and as committed under openapi/: two-space indent, and components in
 * name order (their registration order depends on which module imported a schema first).
 */
export function openapiText(app: FastifyInstance): string {
  const doc = app.swagger() as { components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  const sorted = schemas ? { ...doc, components: { ...doc.components, schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) } } : doc;
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/**
 * The type provider emits an "…Input" twin of every registered schema; ours are only ever
 * responses, so the twins nobody references are dropped to keep the docs page readable.
 */
function dropUnusedInputSchemas<T>(doc: T): T {
  const d = doc as { components?: { schemas?: Record<string, unknown> } };
  const schemas = d.components?.schemas;
  if (!schemas) return doc;
  const text = JSON.stringify({ ...d, components: { ...d.components, schemas: Object.fromEntries(Object.entries(schemas).filter(([k]) => !k.endsWith('Input'))) } });
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return doc;
}
