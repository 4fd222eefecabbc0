import type { FastifyRequest } from 'fastify';
import { withoutLinkSignature } from '../domain/response-link.js';

// Calendar feeds take an API key in the URL (`?key=`, http/auth.ts). A URL is written to the
// request log and echoed as a problem's `instance`: the key's value is replaced first, as the
// Authorization header is redacted from the log.

export const REDACTED = '[Redacted]';

/** Whether a query-string name is `key` once decoded as the query parser decodes it (`k%65y`). */
function isKeyName(rawName: string): boolean {
  let name = rawName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not decodable: the parser keeps it as written, so it is compared as written.
  }
  return name.trim().toLowerCase() === 'key';
}

/** The URL with the value of every `key` query parameter replaced. */
export function withoutQueryKey(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const query = url.slice(start + 1);
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    const name = equals < 0 ? part : part.slice(0, equals);
    return isKeyName(name) ? `${name}=${REDACTED}` : part;
  });
  return `${url.slice(0, start + 1)}${parts.join('&')}`;
}

/** Fastify's own request serializer for the log, `url` without a key or a response link's signature. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: withoutLinkSignature(withoutQueryKey(request.url)),
    version: [request.headers?.['accept-version']].flat()[0],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
