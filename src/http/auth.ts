import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { committeesOfLimit, type CouncilLimit } from '../domain/council-limit.js';
import type { Visibility } from '../domain/visibility.js';
import { ForbiddenError, KeyInQueryError, QueryKeyNotReadOnlyError, UnauthorizedError } from '../errors.js';
import { scopes as allScopes, type ApiKeyService, type Scope } from '../modules/api-keys/repository.js';
import { keyUseRecorder } from './key-use.js';

// Bearer API keys (RFC 6750). Each route declares the scope it needs in `config.scope`;
// anonymous callers get `read` only when PUBLIC_READ is on.

export interface Auth {
  name: string;
  keyId: number | null;
  scopes: ReadonlySet<Scope>;
  visibilities: readonly Visibility[];
  /** A key limited to a council: the limit, and the committees it covers as of this request. */
  limit?: CouncilLimit;
  committeeIds?: readonly number[];
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth;
  }
  interface FastifyContextConfig {
    /** The scope a caller needs; routes without one are open (health, docs). */
    scope?: Scope;
    /**
     * The route also takes the key as `?key=`, read scopes only: calendar feeds (.ics), which
     * calendar apps subscribe to by URL and cannot send a header to.
     */
    keyInQuery?: boolean;
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

/** Scopes a key given in a URL must not have: a URL is kept by calendar apps, proxies and histories. */
const NOT_IN_URLS: readonly Scope[] = ['admin', 'write'];

/** The `key` query parameter, if any; an array (`?key=a&key=b`) is malformed and never matches. */
function queryKeyOf(request: FastifyRequest): unknown {
  const query = request.query as Record<string, unknown> | null | undefined;
  return query && typeof query === 'object' ? query.key : undefined;
}

export interface AuthOptions {
  apiKeys: ApiKeyService;
  publicRead: boolean;
  /** The committees of an authority now: what a key limited to that authority covers. */
  committeesOfAuthority: (authority: string) => readonly number[] | Promise<readonly number[]>;
}

export default fp<AuthOptions>(
  async function auth(app: FastifyInstance, { apiKeys, publicRead, committeesOfAuthority }) {
    const anonymous: Auth = {
      name: 'anonymous',
      keyId: null,
      scopes: new Set<Scope>(publicRead ? ['read'] : []),
      visibilities: ['public'],
    };
    app.decorateRequest('auth', null as unknown as Auth);
    // Requests to refuse, with the refusal: a bad key is a 401, a key where none may be sent a 400 or 403.
    const rejected = new WeakMap<FastifyRequest, Error>();

    // A key's use is written after the request, not during it (key-use.ts).
    const keyUse = keyUseRecorder(apiKeys, (err) => app.log.warn({ err }, 'could not record when API keys were last used'));
    app.addHook('onClose', () => keyUse.close());

    // Two steps. Who is calling is settled first, in onRequest, without refusing anyone: the rate
    // limit (a route-level onRequest hook, so it runs after this one) then counts the request
    // against its key, or against its address when anonymous or the key is bad — a bad key must
    // spend the address's budget, not escape it. The refusal comes after, before the body is read.
    app.addHook('onRequest', async (request: FastifyRequest) => {
      request.auth = anonymous;
      const header = request.headers.authorization;
      const queryKey = queryKeyOf(request);
      let given: string | undefined;
      if (queryKey !== undefined) {
        // Only calendar feeds take ?key=; elsewhere it is refused, not ignored, so that a key
        // pasted into a URL by mistake is noticed (and, like every key, never logged: app.ts).
        if (!request.routeOptions.config.keyInQuery) {
          rejected.set(request, new KeyInQueryError('An API key is accepted in the query string (?key=) only on calendar feeds (.ics paths); send it as Authorization: Bearer <key>'));
          return;
        }
        if (header !== undefined) {
          rejected.set(request, new KeyInQueryError('Give the API key once: in the Authorization header or as ?key=, not both'));
          return;
        }
        given = typeof queryKey === 'string' && /^[A-Za-z0-9_-]{16,200}$/.test(queryKey) ? queryKey : '';
      } else if (header !== undefined) {
        given = /^Bearer +([A-Za-z0-9_-]{16,200})$/i.exec(header.trim())?.[1] ?? '';
      }
      if (given === undefined) return;
      const found = given ? apiKeys.authenticate(given) : undefined;
      // On SQLite the answer is already here: awaiting it anyway would cost a microtask on every request.
      const key = found instanceof Promise ? await found : found;
      if (!key) {
        rejected.set(request, new UnauthorizedError());
        return;
      }
      const tooStrong = queryKey !== undefined ? NOT_IN_URLS.find((scope) => key.scopes.includes(scope)) : undefined;
      if (tooStrong) {
        rejected.set(request, new QueryKeyNotReadOnlyError(tooStrong));
        return;
      }
      const scopes = expand(key.scopes);
      request.auth = { name: key.name, keyId: key.id, scopes, visibilities: visibilitiesFor(scopes) };
      // Resolved on each request, so a committee added to the authority is covered at once.
      if (key.limit) {
        const limit = key.limit;
        const ofAuthority = 'authority' in limit ? committeesOfAuthority(limit.authority) : undefined;
        const theirs = ofAuthority instanceof Promise ? await ofAuthority : ofAuthority;
        request.auth = { ...request.auth, limit, committeeIds: committeesOfLimit(limit, () => theirs ?? []) };
      }
      keyUse.used();
    });

    app.addHook('preParsing', (request, _reply, _payload, done) => {
      const refusal = rejected.get(request);
      if (refusal) return done(refusal);
      const needed = request.routeOptions.config.scope;
      if (needed && !request.auth.scopes.has(needed)) {
        return done(request.auth.keyId === null ? new UnauthorizedError() : new ForbiddenError(needed));
      }
      done();
    });
  },
  { name: 'auth' },
);
