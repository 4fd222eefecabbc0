import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

// Helmet's security headers (CSP, HSTS, X-Content-Type-Options, …) on every response. With a
// fixed configuration they are the same for every request, so helmet runs once at start-up and
// each request gets its recorded headers, set exactly as helmet sets them. (@fastify/helmet
// rebuilds the helmet middleware for every request, which cost more than a simple read.)

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

export default fp<HelmetOptions>(
  async function securityHeaders(app: FastifyInstance, options) {
    const headers = recordHeaders(options);
    app.addHook('onRequest', (_request, reply, done) => {
      for (const header of headers) {
        if ('set' in header) reply.raw.setHeader(...header.set);
        else reply.raw.removeHeader(header.remove);
      }
      done();
    });
  },
  { name: 'security-headers' },
);
