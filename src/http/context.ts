import type { FastifyRequest } from 'fastify';
import type { Visibility } from '../domain/visibility.js';

/** Who is acting and what they may see: passed from routes into repositories and jobs. */
export interface Actor {
  /** The API key's name, "anonymous", or "script:<name>" for command-line tools. */
  name: string;
  visibilities: readonly Visibility[];
  /** Only admins may make business less restricted (declassify an item). */
  admin?: boolean;
  requestId?: string;
}

export function actorOf(request: FastifyRequest): Actor {
  return {
    name: request.auth.name,
    visibilities: request.auth.visibilities,
    admin: request.auth.scopes.has('admin'),
    requestId: request.id,
  };
}

export function scriptActor(script: string): Actor {
  return { name: `script:${script}`, visibilities: ['public', 'exempt', 'confidential'], admin: true };
}
