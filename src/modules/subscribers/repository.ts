import { and, asc, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, tx, type Program } from '../../db/program.js';
import { actionSubscribers, people } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import { NotFoundError } from '../../errors.js';
import type { ActionRepository } from '../actions/repository.js';
import { recordAudit } from '../shared/audited.js';
import { mustFind } from '../shared/crud.js';
import type { PersonRow } from '../people/repository.js';

// An action's subscribers: people told when it gets a progress update or is answered
// (DESIGN.md "Notifications", response). The caller must be able to see the action: for one
// they may not, every answer is the 404 of an action that does not exist.

const ENTITY = 'action_subscriber';
const entityId = (actionId: number, personId: number) => `${actionId}:${personId}`;

// Programs (db/program.ts): services.ts runs them on the engine.
export function createSubscriberRepository(db: Db, actionRepository: ActionRepository) {
  return {
    /** The people subscribed to the action, by id. */
    *list(actor: Actor, actionId: number): Program<PersonRow[]> {
      yield* actionRepository.assertVisible(actor, actionId);
      return yield* all(db.select(getTableColumns(people)).from(actionSubscribers)
        .innerJoin(people, eq(people.id, actionSubscribers.personId))
        .where(eq(actionSubscribers.actionId, actionId))
        .orderBy(asc(people.id)));
    },

    /** Subscribes the person; already subscribed is no change (PUT is idempotent) and not audited again. */
    subscribe(actor: Actor, actionId: number, personId: number): Program<void> {
      return tx(function* () {
        yield* actionRepository.assertVisible(actor, actionId);
        mustFind(yield* first(db.select({ id: people.id }).from(people).where(eq(people.id, personId))), 'Person', personId);
        const added = yield* first(db.insert(actionSubscribers).values({ actionId, personId }).onConflictDoNothing().returning());
        if (added) yield* recordAudit(db, actor, ENTITY, entityId(actionId, personId), 'create', null, added);
      });
    },

    /** Ends the subscription; 404 when the person is not subscribed. */
    unsubscribe(actor: Actor, actionId: number, personId: number): Program<void> {
      return tx(function* () {
        yield* actionRepository.assertVisible(actor, actionId);
        const removed = yield* first(db.delete(actionSubscribers)
          .where(and(eq(actionSubscribers.actionId, actionId), eq(actionSubscribers.personId, personId)))
          .returning());
        if (!removed) throw new NotFoundError('Subscriber', personId);
        yield* recordAudit(db, actor, ENTITY, entityId(actionId, personId), 'delete', removed, null);
      });
    },
  };
}

export type SubscriberRepository = ReturnType<typeof createSubscriberRepository>;
