import { createHash, randomBytes } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, batched, BUSY, first, run, stamp, tx, txIfFree, type Batched, type Program, type Ran, type StampSource } from '../../db/program.js';
import { apiKeys, dialect } from '../../db/tables.js';
import { NotFoundError } from '../../errors.js';
import { columnsOfLimit, limitOfColumns, type CouncilLimit } from '../../domain/council-limit.js';
import { authorities, checkLimit, manages } from '../shared/council-limits.js';
import type { Actor } from '../../domain/actor.js';
import { READ_SCOPES } from '../../domain/webhooks.js';
import { recordAudit } from '../shared/audited.js';

export const scopes = [...READ_SCOPES, 'write', 'admin'] as const;
export type Scope = (typeof scopes)[number];

export interface ApiKeyRecord {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** The council the key is limited to (DESIGN.md "One deployment for many councils"); null: none. */
  limit: CouncilLimit | null;
}

/** A key's use is recorded at most this often. */
const USE_EVERY_MS = 60_000;

// 32 random bytes (256 bits) is far beyond guessing; SHA-256 without a salt is enough for
// a secret of that entropy and keeps lookup a single indexed equality.
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

function toRecord(row: typeof apiKeys.$inferSelect): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.split(',') as Scope[],
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    limit: limitOfColumns(row.limitAuthority, row.limitCommitteeIds) ?? null,
  };
}

/**
 * API keys, as programs (db/program.ts) apart from hasUnrecordedUse(), which reads only this
 * process's memory; services.ts runs the programs on the engine.
 */
export function createApiKeyRepository(db: Db, changes: StampSource) {
  const byHash = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.hash, sql.placeholder('hash')))
    .prepare();
  const byHashes = db
    .select()
    .from(apiKeys)
    .where(dialect.textIn(apiKeys.hash, sql.placeholder('hashes')))
    .prepare();
  // A batched read (db/program.ts): on PostgreSQL the requests that authenticate together (those
  // that shared a snapshot read, after any commit) look their keys up in one statement. Each
  // looking its key up alone, they queued for the pool's connections one behind the other and
  // went on to their own reads out of step, so nothing after was read together either.
  const keyReads: Batched<string, typeof apiKeys.$inferSelect> = {
    *one(hash) {
      return yield* first(byHash, { hash });
    },
    *many(hashes) {
      const rows = yield* all(byHashes, { hashes: dialect.textList(hashes) });
      return new Map(rows.map((row) => [row.hash, row]));
    },
  };

  // Keys already looked up, by the secret presented: every request authenticates, and hashing
  // and reading the key each time was a tenth of a simple read's cost. An entry holds while
  // nothing has been written, here or by another process (the CLI's `api-key revoke` included),
  // and nothing is cached from inside a transaction, which could still roll back.
  const checked = new Map<string, { row: typeof apiKeys.$inferSelect; stamp: string }>();
  const MAX_CHECKED = 1000;

  // When each key was last used, not yet written. Authenticating is part of every read, and a
  // read must never wait for the write lock (another process may hold it for seconds), so use is
  // noted here and written later by recordUse().
  const unrecordedUse = new Map<number, string>();
  // When this process last noted each key's use (ms): a row read again before that use was
  // written still holds the older date, and would have it noted (and written) again.
  const noted = new Map<number, number>();

  const touch = db
    .update(apiKeys)
    .set({ lastUsedAt: sql`${sql.placeholder('at')}` })
    .where(eq(apiKeys.id, sql.placeholder('id')))
    .prepare();

  return {
    /**
     * A new key. `limit`: the council it is limited to. An admin limited to a council grants no
     * more than its own (400 naming `limit`): a key of its council, never an unlimited one.
     */
    create(actor: Actor, name: string, keyScopes: Scope[], limit?: CouncilLimit): Program<ApiKeyRecord & { key: string }> {
      const secret = randomBytes(32).toString('base64url');
      const prefix = `st_${secret.slice(0, 8)}`;
      const key = `${prefix}_${secret.slice(8)}`;
      return tx(function* () {
        checkLimit(actor, limit, yield* authorities(db));
        const row = (yield* first(
          db.insert(apiKeys)
            .values({ name, prefix, hash: hashKey(key), scopes: [...new Set(keyScopes)].join(','), ...columnsOfLimit(limit) })
            .returning(),
        ))!;
        const record = toRecord(row);
        yield* recordAudit(db, actor, 'api_key', row.id, 'create', null, record);
        return { ...record, key };
      });
    },

    /** The keys the actor manages: every key, or for an admin limited to a council its council's. */
    *list(actor?: Actor): Program<ApiKeyRecord[]> {
      const rows = yield* all(db.select().from(apiKeys).orderBy(desc(apiKeys.id)));
      if (actor?.limit === undefined) return rows.map(toRecord);
      const authority = yield* authorities(db);
      return rows.filter((row) => manages(actor, row, authority)).map(toRecord);
    },

    revoke(actor: Actor, id: number): Program<ApiKeyRecord> {
      return tx(function* () {
        const before = yield* first(db.select().from(apiKeys).where(eq(apiKeys.id, id)));
        // Another council's key answers as one that does not exist.
        if (!before || !manages(actor, before, yield* authorities(db))) throw new NotFoundError('API key', id);
        if (before.revokedAt) return toRecord(before);
        const after = (yield* first(
          db.update(apiKeys).set({ revokedAt: new Date().toISOString() }).where(eq(apiKeys.id, id)).returning(),
        ))!;
        yield* recordAudit(db, actor, 'api_key', id, 'delete', toRecord(before), toRecord(after));
        return toRecord(after);
      });
    },

    /** The live key for a presented secret, or undefined (unknown or revoked). */
    *authenticate(key: string): Program<ApiKeyRecord | undefined> {
      const now = yield* stamp(changes);
      let row = now !== undefined && checked.get(key)?.stamp === now ? checked.get(key)!.row : undefined;
      if (row === undefined) {
        row = yield* batched(keyReads, hashKey(key));
        if (!row) return undefined;
        if (checked.size >= MAX_CHECKED) checked.clear();
        if (now !== undefined) checked.set(key, { row, stamp: now });
      }
      if (row.revokedAt) return undefined;
      // Record use at most once a minute per key: enough to spot stale keys, cheap on hot paths.
      const at = Date.now();
      // The later of the row's date and the use this process noted (which the row may not hold yet).
      const last = Math.max(row.lastUsedAt ? Date.parse(row.lastUsedAt) : -Infinity, noted.get(row.id) ?? -Infinity);
      if (at - last > USE_EVERY_MS) {
        row.lastUsedAt = new Date(at).toISOString();
        unrecordedUse.set(row.id, row.lastUsedAt);
        if (noted.size >= MAX_CHECKED) noted.clear();
        noted.set(row.id, at);
      }
      return toRecord(row);
    },

    /** True when a key has been used since its use was last written. */
    hasUnrecordedUse(): boolean {
      return unrecordedUse.size > 0;
    },

    /**
     * Writes the use noted by authenticate(), in one transaction, if the write lock is free now
     * (or already held: inside a group commit it joins the group). Returns false, keeping what
     * it could not write, when another process holds the lock: the caller tries again later.
     */
    *recordUse(): Program<boolean> {
      if (unrecordedUse.size === 0) return true;
      const uses = [...unrecordedUse];
      const written = yield* txIfFree(function* () {
        for (const [id, at] of uses) yield* run(touch, { id, at });
      });
      if (written === BUSY) return false;
      for (const [id, at] of uses) if (unrecordedUse.get(id) === at) unrecordedUse.delete(id);
      return true;
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;

/** The keys as the services hand them out: the programs run on the engine (services.ts). */
export type ApiKeyService = Ran<Omit<ApiKeyRepository, 'hasUnrecordedUse'>> & Pick<ApiKeyRepository, 'hasUnrecordedUse'>;
