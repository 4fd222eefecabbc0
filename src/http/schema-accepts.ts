import type { FastifyRequest } from 'fastify';

// A route that must do its slow work before the request joins a write group (the notification
// pass, the Modern.gov sync: they await SMTP or HTTP, and a write handler must not await before it
// writes, http/database.ts) does it in preValidation, before Fastify validates the request. It
// asks this first: work done for a request that is then refused as a 400 would have written
// records for a request that was answered as rejected.

const PARTS = ['params', 'querystring', 'headers', 'body'] as const;

function valueOf(request: FastifyRequest, part: (typeof PARTS)[number]): unknown {
  if (part === 'params') return request.params;
  if (part === 'querystring') return request.query;
  if (part === 'headers') return request.headers;
  return request.body;
}

/** Whether every part of the request the route's schema describes is valid by that schema. */
export function schemaAccepts(request: FastifyRequest): boolean {
  for (const part of PARTS) {
    const valid = request.getValidationFunction(part);
    if (valid && !valid(valueOf(request, part))) return false;
  }
  return true;
}
