import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/sqlite/client.js';
import { first, lock, run, tx, type Program, type ProgramRunner } from '../db/program.js';
import { idempotencyRecords } from '../db/tables.js';
import { IdempotencyMismatchError, IdempotentSecretNotKeptError, invalidField } from '../errors.js';

// Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): a retry with the same
// key and body gets the first response again and creates nothing; the same key with another
// body is refused. Keys are scoped to the caller so two clients cannot collide.
//
// An answer marked no-store carries a secret shown once (a new webhook's or API key's). Its body
// is never stored: the record keeps only that the request was made and where it created
// something, and a retry is refused with 409 naming it, rather than creating a second one or
// replaying an answer without the secret that a client would take for the real thing.

/** Stored in place of an answer that was not kept (no-store): no answer the API gives reads so. */
const NOT_KEPT = '<not kept: no-store>';

const REPLAYED_HEADERS = ['location', 'etag', 'content-type'] as const;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { key: string; bodyHash: string };
  }
}

/**
 * Whose keys these are: the API key's id, not its name — names are not unique, and a replay
 * must never hand one key a response (perhaps of exempt business) made for another.
 */
function ownerOf(request: FastifyRequest): string {
  return request.auth.keyId === null ? request.auth.name : `key:${request.auth.keyId}`;
}

/** The key's advisory lock number (db/program.ts lock(), a 32-bit key): a hash of its owner and key. */
function lockKey(owner: string, key: string): number {
  return createHash('sha256').update(owner).update('\0').update(key).digest().readInt32BE(0);
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update('\0')
    .update(request.url)
    .update('\0')
    .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
    .digest('hex');
}

type IdempotencyRecord = typeof idempotencyRecords.$inferSelect;

/**
 * The record store, as programs (db/program.ts). `find` takes the key's lock first: on SQLite a
 * no-op (the group commit serialises writes); on PostgreSQL (docs/postgres-plan.md §3.4) an
 * advisory lock held to the end of the request's write unit, so a second request with the same
 * key waits for the first to commit, then finds its record and replays it. `record` is written
 * through the same unit, so it commits with the write it describes.
 */
export function createIdempotencyStore(db: Db) {
  const byKey = db
    .select()
    .from(idempotencyRecords)
    .where(
      and(
        eq(idempotencyRecords.actor, sql.placeholder('actor')),
        eq(idempotencyRecords.key, sql.placeholder('key')),
      ),
    )
    .prepare();

  return {
    *find(actor: string, key: string): Program<IdempotencyRecord | undefined> {
      yield* lock('idempotency', lockKey(actor, key));
      return yield* first(byKey, { actor, key });
    },

    *record(row: typeof idempotencyRecords.$inferInsert): Program<void> {
      yield* run(db.insert(idempotencyRecords).values(row).onConflictDoNothing());
    },
  };
}

export default fp<{ db: Db; engine: ProgramRunner }>(
  async function idempotency(app: FastifyInstance, { db, engine }) {
    const store = createIdempotencyStore(db);

    // The key's form is checked before validation, and so before a route's own preValidation
    // work (the notification pass, the Modern.gov sync, http/schema-accepts.ts): a request
    // refused for its key must not have run anything.
    app.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
      const key = request.headers['idempotency-key'];
      if (request.method !== 'POST' || key === undefined || (typeof key === 'string' && /^[\x21-\x7e]{1,255}$/.test(key))) return done();
      done(invalidField('idempotency-key', 'must be 1–255 visible ASCII characters', 'headers'));
    });

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'POST') return;
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string') return;
      const bodyHash = fingerprint(request);
      // SQLite's engine returns the record itself: nothing to wait for. A route whose work runs
      // outside the request (http/database.ts worksOutside) has no request transaction on
      // PostgreSQL: the key's lock and read are then a transaction of their own.
      const lookup = store.find(ownerOf(request), key);
      const found = engine.run(request.routeOptions.config.worksOutside ? tx(function* () { return yield* lookup; }) : lookup);
      const previous = found instanceof Promise ? await found : found;
      if (previous) {
        if (previous.bodyHash !== bodyHash) throw new IdempotencyMismatchError(key);
        const headers = previous.responseHeaders as Record<string, string>;
        if (previous.responseBody === NOT_KEPT) {
          if (headers.location) reply.header('location', headers.location);
          throw new IdempotentSecretNotKeptError(key, headers.location ?? 'what it created');
        }
        for (const [name, value] of Object.entries(headers)) reply.header(name, value);
        reply.header('idempotent-replayed', 'true');
        return reply.code(previous.statusCode).send(previous.responseBody);
      }
      request.idempotency = { key, bodyHash };
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const pending = request.idempotency;
      if (!pending || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
      // A response marked no-store (a new secret) is not kept: only where it points.
      const kept = reply.getHeader('cache-control') !== 'no-store';
      const headers = Object.fromEntries(
        (kept ? REPLAYED_HEADERS : (['location'] as const)).filter((h) => reply.hasHeader(h)).map((h) => [h, String(reply.getHeader(h))]),
      );
      // Written at once on SQLite (so it joins the request's group); PostgreSQL's through the unit.
      const written = engine.run(store.record({
        actor: ownerOf(request),
        key: pending.key,
        method: request.method,
        path: request.url,
        bodyHash: pending.bodyHash,
        statusCode: reply.statusCode,
        responseBody: kept ? payload : NOT_KEPT,
        responseHeaders: headers,
      }));
      if (written instanceof Promise) await written;
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['auth'] },
);
