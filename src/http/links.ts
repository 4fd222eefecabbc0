import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sends a page with the RFC 8288 `Link: <…>; rel="next"` header when there is more. */
export function sendPage<T extends { nextCursor: string | null }>(request: FastifyRequest, reply: FastifyReply, page: T): T {
  if (page.nextCursor) {
    const url = new URL(request.url, 'http://placeholder');
    url.searchParams.set('cursor', page.nextCursor);
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return page;
}

/** 201 Created with the new resource's Location. */
export function created<T>(reply: FastifyReply, location: string, body: T): T {
  reply.code(201).header('location', location);
  return body;
}

/** A list page written as JSON: the response body, and its cursor for the Link header. */
export interface PageJson {
  body: Buffer;
  nextCursor: string | null;
}

const DATA_OPEN = Buffer.from('{"data":[');
const COMMA = Buffer.from(',');

/**
 * A page (`ListOf` in schemas.ts) from items already written as JSON, byte for byte as the
 * schema's serialiser would write it: `{"data":[…],"nextCursor":…}`.
 */
export function pageJson(items: readonly Buffer[], nextCursor: string | null): PageJson {
  const parts: Buffer[] = [DATA_OPEN];
  items.forEach((json, i) => (i > 0 ? parts.push(COMMA, json) : parts.push(json)));
  parts.push(Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`));
  return { body: Buffer.concat(parts), nextCursor };
}
