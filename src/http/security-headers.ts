import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

// Security headers on every response, in two sets. The API's JSON gets the set the OWASP REST
// Security Cheat Sheet names for APIs: nothing may frame it, run from it or sniff it, and HTTPS
// sticks. The HTML of /docs (Swagger UI) gets helmet's full set with the CSP it needs. Helmet's
// other headers are for pages (COOP, Origin-Agent-Cluster) or for old browsers and plug-ins
// (X-XSS-Protection, X-Download-Options, X-Permitted-Cross-Domain-Policies,
// X-DNS-Prefetch-Control); on JSON they did nothing but cost every response measurable time.
// Each set is worked out once at start-up and written as recorded.

type Header = { set: [name: string, value: string | number | readonly string[]] } | { remove: string };

function recordHeaders(options: HelmetOptions): Header[] {
  const recorded: Header[] = [];
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => recorded.push({ set: [name, value] }),
    removeHeader: (name: string) => recorded.push({ remove: name }),
  };
  helmet(options)({} as never, response as never, (err?: unknown) => {
    if (err) throw err;
  });
  return recorded;
}

const API_HEADERS: Header[] = [
  { set: ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"] },
  { set: ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] },
  { set: ['X-Content-Type-Options', 'nosniff'] },
  { set: ['X-Frame-Options', 'DENY'] },
  { set: ['Referrer-Policy', 'no-referrer'] },
  { set: ['Cross-Origin-Resource-Policy', 'same-origin'] },
];

/** The prefix of the routes that serve HTML (the API documentation). */
export const DOCS_PREFIX = '/docs';

/** Swagger UI's pages and assets (not, say, /docsearch). */
export function isDocsPath(url: string): boolean {
  return url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`) || url.startsWith(`${DOCS_PREFIX}?`);
}

export default fp<HelmetOptions>(
  async function securityHeaders(app: FastifyInstance, options) {
    const docs = recordHeaders(options);
    app.addHook('onRequest', (request, reply, done) => {
      for (const header of isDocsPath(request.url) ? docs : API_HEADERS) {
        if ('set' in header) reply.raw.setHeader(...header.set);
        else reply.raw.removeHeader(header.remove);
      }
      done();
    });
  },
  { name: 'security-headers' },
);
