import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { webhookDocs } from '../modules/webhooks/openapi.js';
import { ProblemSchema } from './schemas.js';
import { DOCS_PREFIX, isDocsPath } from './security-headers.js';

// OpenAPI 3.1 generated from the route schemas. Every route must carry an operationId, a tag
// and a summary: a route without them fails at registration, so the document cannot drift
// into undocumented operations.

export const apiInfo = {
  title: 'Scrutiny Tracker API',
  version: '1.0.0',
  description:
    'Tracks what council scrutiny committees resolve and ask for, who owes each answer and ' +
    'by which meeting, and flags every overdue follow-up before each next meeting.',
};

function documentRoute(route: RouteOptions) {
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  if (schema.hide) return;
  for (const field of ['operationId', 'tags', 'summary']) {
    if (schema[field] === undefined) {
      throw new Error(`Route ${route.method} ${route.url} has no ${field} in its schema`);
    }
  }
  const scope = route.config?.scope;
  // Operations endpoints are deliberately open: load balancers and Prometheus carry no key.
  if (!scope) schema.security = [];
  if (scope) {
    // Anonymous callers may read public data when PUBLIC_READ is on; everything else needs a key.
    schema.security = scope === 'read' ? [{}, { apiKey: [] }] : [{ apiKey: [] }];
    schema['x-required-scope'] = scope;
    const description = typeof schema.description === 'string' ? `${schema.description}\n\n` : '';
    schema.description = `${description}Requires scope \`${scope}\`.`;
  }
}

export default fp(
  async function openapi(app: FastifyInstance) {
    app.addSchema(ProblemSchema);
    app.addHook('onRoute', (route) => {
      if (route.method === 'HEAD' || isDocsPath(route.url)) return;
      documentRoute(route);
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { ...apiInfo, license: { name: 'MIT', identifier: 'MIT' } },
        servers: [{ url: '/' }],
        webhooks: webhookDocs,
        components: {
          securitySchemes: {
            apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created with `npm run api-key -- create`' },
          },
        },
        tags: [
          { name: 'committees', description: 'Committees and their members' },
          { name: 'meetings', description: 'Meetings, attendance and action logs' },
          { name: 'items', description: 'Agenda items and declarations of interest' },
          { name: 'resolutions', description: 'What committees resolved' },
          { name: 'people', description: 'Councillors, co-optees, officers and partners' },
          { name: 'actions', description: 'Follow-ups: updates, information, recommendations, tasks' },
          { name: 'reports', description: 'Overdue reports, scans and flags' },
          { name: 'holidays', description: 'Bank holidays and council closure days' },
          { name: 'imports', description: 'Minutes text to draft records' },
          { name: 'api-keys', description: 'API keys and scopes' },
          { name: 'webhooks', description: 'Signed webhooks (Standard Webhooks) and their deliveries' },
          { name: 'operations', description: 'Health, readiness and metrics' },
        ],
      },
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
    app.get(
      '/openapi.json',
      { schema: { hide: true } },
      async () => app.swagger(),
    );
  },
  { name: 'openapi' },
);
