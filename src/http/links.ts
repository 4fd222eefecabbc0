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
