import type { FastifyReply, FastifyRequest } from 'fastify';
import { PreconditionFailedError } from '../errors.js';

// Strong ETags from the record's id and version counter (RFC 9110 §8.8.3). The version is
// bumped on every write, so a client's If-Match fails (412) once anyone else has changed it.

export function etagOf(record: { id: number | string; version: number }): string {
  return `"${record.id}.${record.version}"`;
}

export function setEtag(reply: FastifyReply, record: { id: number | string; version: number }) {
  reply.header('etag', etagOf(record));
}

/**
 * Throws 412 when the request's If-Match names none of the record's current ETag. If-Match
 * uses the strong comparison (RFC 9110 §13.1.1): a weak tag `W/"…"` never matches.
 */
export function checkIfMatch(
  request: FastifyRequest,
  record: { id: number | string; version: number },
): void {
  const header = request.headers['if-match'];
  if (header === undefined) return;
  const current = etagOf(record);
  const candidates = header.split(',').map((s) => s.trim());
  if (candidates.includes('*') || candidates.includes(current)) return;
  throw new PreconditionFailedError(header, current);
}
