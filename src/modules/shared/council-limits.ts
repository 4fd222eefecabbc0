import type { Db } from '../../db/sqlite/client.js';
import { committees } from '../../db/tables.js';
import { all, type Program } from '../../db/program.js';
import type { Actor } from '../../domain/actor.js';
import { isWithinLimit, limitOfColumns, type CouncilLimit } from '../../domain/council-limit.js';
import { seesCommittee } from '../../domain/visibility.js';
import { invalidField } from '../../errors.js';

// What API keys and webhooks share about limits to a council (domain/council-limit.ts): who may
// set one, and who may see and manage a key or webhook that has one.

/** Each committee's authority (undefined: no such committee), read once for a decision. */
export function* authorities(db: Db): Program<(committeeId: number) => string | null | undefined> {
  const rows = yield* all(db.select({ id: committees.id, authority: committees.authority }).from(committees));
  const known = new Map(rows.map((c) => [c.id, c.authority]));
  return (id) => known.get(id);
}

/**
 * Whether the actor may see and manage a key or webhook with this limit: any for an unlimited
 * admin; for an admin limited to a council, only those within its own limit. Others answer as
 * records that do not exist.
 */
export function manages(
  actor: Actor,
  row: { limitAuthority: string | null; limitCommitteeIds: string | null },
  authority: (committeeId: number) => string | null | undefined,
): boolean {
  return isWithinLimit(limitOfColumns(row.limitAuthority, row.limitCommitteeIds), actor.limit, authority);
}

/**
 * A limit this actor may give: its committees exist and are ones the actor sees (another's answer
 * as missing ones), and it is within the actor's own limit, so a limited admin never grants an
 * unlimited key or one of another council (400 naming `limit`).
 */
export function checkLimit(actor: Actor, limit: CouncilLimit | undefined, authority: (committeeId: number) => string | null | undefined): void {
  if (limit !== undefined && 'committeeIds' in limit) {
    const unknown = limit.committeeIds.find((id) => authority(id) === undefined || !seesCommittee(actor, id));
    if (unknown !== undefined) throw invalidField('limit/committeeIds', `committee ${unknown} does not exist`);
  }
  if (!isWithinLimit(limit, actor.limit, authority)) {
    throw invalidField(
      'limit',
      actor.limit && 'authority' in actor.limit
        ? `this API key is limited to ${actor.limit.authority}: give { "authority": ${JSON.stringify(actor.limit.authority)} } or committees of it`
        : 'this API key is limited to a list of committees: give some of them as committeeIds',
    );
  }
}
