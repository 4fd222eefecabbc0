import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { seesCommittee } from '../domain/visibility.js';
import { LimitedKeyError, NotFoundError } from '../errors.js';
import type { RecordKind } from '../modules/committees/repository.js';

// A key limited to a council (DESIGN.md "One deployment for many councils") addresses only its
// committees' records. Every route whose path names a record by `{id}` — reads, writes, and the
// nested reads and writes under it (history, items, updates, links) — is checked here, once,
// before its handler: a record of another council answers exactly as a missing one (404 with the
// same problem). Lists, search, reports, stats, feeds and counts filter by the same committees in
// SQL (db/visibility.ts), where exempt business is filtered. An unlimited key skips all of this.

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the route changes that every council shares (e.g. "the holiday calendar"): refused
     * (403) to a key limited to a council.
     */
    sharedByCouncils?: string;
  }
}

/** The record a path's first segment names, and the label its 404 uses. */
const KINDS: Record<string, { kind: RecordKind; label: string }> = {
  committees: { kind: 'committee', label: 'Committee' },
  meetings: { kind: 'meeting', label: 'Meeting' },
  items: { kind: 'item', label: 'Item' },
  resolutions: { kind: 'resolution', label: 'Resolution' },
  declarations: { kind: 'declaration', label: 'Declaration' },
  actions: { kind: 'action', label: 'Action' },
};

const ADDRESSED = /^\/v1\/([a-z]+)\/:id(?:\/|$)/;

export interface CouncilLimitOptions {
  /** The committee a record belongs to; undefined when there is no such record. */
  ownerOf: (kind: RecordKind, id: number) => number | undefined | Promise<number | undefined>;
}

export default fp<CouncilLimitOptions>(
  async function councilLimit(app: FastifyInstance, { ownerOf }) {
    // The kind each route addresses, worked out once per route rather than per request.
    const addressed = new Map<string, (typeof KINDS)[string] | null>();
    const kindOf = (url: string) => {
      let found = addressed.get(url);
      if (found === undefined) {
        found = KINDS[ADDRESSED.exec(url)?.[1] ?? ''] ?? null;
        addressed.set(url, found);
      }
      return found;
    };

    // What every council shares is refused before the body is read: before any preValidation
    // work a route does there (the Modern.gov sync runs in its preValidation). After auth's own
    // preParsing hook, so a missing scope is still answered first.
    app.addHook('preParsing', (request: FastifyRequest, _reply, _payload, done) => {
      if (request.auth.committeeIds === undefined) return done();
      const shared = request.routeOptions.config.sharedByCouncils;
      done(shared === undefined ? undefined : new LimitedKeyError(shared));
    });

    // Not async: an unlimited key, on every read of the hot paths, costs one property check.
    app.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
      const { committeeIds } = request.auth;
      if (committeeIds === undefined) return done();
      const target = kindOf(request.routeOptions.url ?? '');
      const id = Number((request.params as { id?: unknown } | undefined)?.id);
      if (!target || !Number.isSafeInteger(id)) return done();
      // Missing records are left to the route, which answers them its own way.
      const decide = (committeeId: number | undefined) =>
        done(committeeId !== undefined && !seesCommittee(request.auth, committeeId) ? new NotFoundError(target.label, id) : undefined);
      const owner = ownerOf(target.kind, id);
      if (owner instanceof Promise) owner.then(decide, done);
      else decide(owner);
    });
  },
  { name: 'council-limit', dependencies: ['auth'] },
);
