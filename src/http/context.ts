import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.js';

/** The actor a request acts as: the API key auth found, or anonymous. */
export function actorOf(request: FastifyRequest): Actor {
  const actor: Actor = {
    name: request.auth.name,
    visibilities: request.auth.visibilities,
    admin: request.auth.scopes.has('admin'),
    requestId: request.id,
  };
  // A key limited to a council (http/council-limit.ts); an unlimited actor has neither field.
  if (request.auth.limit !== undefined) {
    actor.limit = request.auth.limit;
    actor.committeeIds = request.auth.committeeIds;
  }
  return actor;
}
