import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Visibility } from '../domain/visibility.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { scopes as allScopes, type ApiKeyRepository, type Scope } from '../modules/api-keys/repository.js';

// Bearer API keys (RFC 6750). Each route declares the scope it needs in `config.scope`;
// anonymous callers get `read` only when PUBLIC_READ is on.

export interface Auth {
  name: string;
  keyId: number | null;
  scopes: ReadonlySet<Scope>;
  visibilities: readonly Visibility[];
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth;
  }
  interface FastifyContextConfig {
    /** The scope a caller needs; routes without one are open (health, docs). */
    scope?: Scope;
  }
}

/** admin implies write and every read; read:confidential implies read:exempt. */
function expand(granted: Iterable<Scope>): Set<Scope> {
  const scopes = new Set(granted);
  if (scopes.has('admin')) allScopes.forEach((s) => scopes.add(s));
  if (scopes.has('read:confidential')) scopes.add('read:exempt');
  if (scopes.has('read:exempt') || scopes.has('write')) scopes.add('read');
  return scopes;
}

function visibilitiesFor(scopes: ReadonlySet<Scope>): Visibility[] {
  const v: Visibility[] = ['public'];
  if (scopes.has('read:exempt')) v.push('exempt');
  if (scopes.has('read:confidential')) v.push('confidential');
  return v;
}

/** How long recording key use waits after finding the write lock taken. */
const USE_RETRY_MS = 1000;

export interface AuthOptions {
  apiKeys: ApiKeyRepository;
  publicRead: boolean;
}

export default fp<AuthOptions>(
  async function auth(app: FastifyInstance, { apiKeys, publicRead }) {
    const anonymous: Auth = {
      name: 'anonymous',
      keyId: null,
      scopes: new Set<Scope>(publicRead ? ['read'] : []),
      visibilities: ['public'],
    };
    app.decorateRequest('auth', null as unknown as Auth);
    const rejected = new WeakSet<FastifyRequest>();

    // A key's use is written after the request, not during it (api-keys/repository.ts): soon, in
    // a transaction of its own or the open group commit's, and, while another process holds the
    // write lock, again a second later until it can be. Best effort: it only dates the key's use.
    let recording: NodeJS.Timeout | undefined;
    const recordUseSoon = (delayMs: number) => {
      if (recording) return;
      recording = setTimeout(() => {
        recording = undefined;
        try {
          if (!apiKeys.recordUse()) recordUseSoon(USE_RETRY_MS);
        } catch (err) {
          app.log.warn({ err }, 'could not record when API keys were last used');
        }
      }, delayMs);
      recording.unref();
    };
    app.addHook('onClose', async () => {
      clearTimeout(recording);
      try {
        apiKeys.recordUse();
      } catch {
        // The database may already be closed (a test's own connection); the use is only a date.
      }
    });

    // Two steps. Who is calling is settled first, in onRequest, without refusing anyone: the rate
    // limit (a route-level onRequest hook, so it runs after this one) then counts the request
    // against its key, or against its address when anonymous or the key is bad — a bad key must
    // spend the address's budget, not escape it. The refusal comes after, before the body is read.
    app.addHook('onRequest', async (request: FastifyRequest) => {
      request.auth = anonymous;
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer +([A-Za-z0-9_-]{16,200})$/i.exec(header.trim());
        const key = match?.[1] ? apiKeys.authenticate(match[1]) : undefined;
        if (!key) rejected.add(request);
        else {
          const scopes = expand(key.scopes);
          request.auth = { name: key.name, keyId: key.id, scopes, visibilities: visibilitiesFor(scopes) };
          if (apiKeys.hasUnrecordedUse()) recordUseSoon(0);
        }
      }
    });

    app.addHook('preParsing', (request, _reply, _payload, done) => {
      if (rejected.has(request)) return done(new UnauthorizedError());
      const needed = request.routeOptions.config.scope;
      if (needed && !request.auth.scopes.has(needed)) {
        return done(request.auth.keyId === null ? new UnauthorizedError() : new ForbiddenError(needed));
      }
      done();
    });
  },
  { name: 'auth' },
);
