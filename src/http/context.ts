import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.js';

/** The actor a request acts as: the API key auth found, or anonymous. */
export function actorOf(request: FastifyRequest): Actor {
  return {
    name: request.auth.name,
    visibilities: request.auth.visibilities,
    admin: request.auth.scopes.has('admin'),
    requestId: request.id,
    ...(request.auth.limit === undefined ? {} : { limit: request.auth.limit, committeeIds: request.auth.committeeIds }),
  };
}
