import fastJsonStringify from 'fast-json-stringify';
import { eq, sql } from 'drizzle-orm';
import type { Static } from 'typebox';
import type { ChangeCounters } from '../../db/sqlite/changes.js';
import type { Db } from '../../db/sqlite/client.js';
import { all, run, type Program } from '../../db/program.js';
import { webhookEvents, webhooks } from '../../db/tables.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { visibilities, type Visibility } from '../../domain/visibility.js';
import { visibilitiesOfScopes, type WebhookEvent, type ReadScope } from '../../domain/webhooks.js';
import { actionByIdStatements } from '../actions/query.js';
import { ActionSchema, type Action } from '../actions/schemas.js';
import { MeetingSchema } from '../meetings/schemas.js';
import { present } from '../actions/repository.js';

// The transactional outbox. A repository calls it inside the transaction of its change, so the
// event exists exactly when the change does (a rolled-back write leaves none) and the request
// never waits for a receiver: the delivery worker (worker.ts) sends it later. On the hot write
// path it costs a lookup when no enabled webhook wants the event, and one INSERT when one does.

type Meeting = Static<typeof MeetingSchema>;

let actionJson: ((action: Action) => string) | undefined;
let meetingJson: ((meeting: Meeting) => string) | undefined;
/** The resource as the API writes it: the same schema, through the same serialiser as the routes. */
const renderAction = (action: Action) => (actionJson ??= fastJsonStringify(ActionSchema) as (a: Action) => string)(action);
const renderMeeting = (meeting: Meeting) => (meetingJson ??= fastJsonStringify(MeetingSchema) as (m: Meeting) => string)(meeting);

/** For each event type, the visibilities some enabled webhook may read. */
export type Subscriptions = ReadonlyMap<string, ReadonlySet<Visibility>>;

interface Deps {
  /** `others()` moves when another process commits (a webhook created by another server). */
  changes: Pick<ChangeCounters, 'others'>;
  clock?: Clock;
}

export function createOutbox(db: Db, { changes, clock = systemClock }: Deps) {
  // Prepared on the app's one connection: run inside a repository's transaction, it is part of it.
  const insert = db
    .insert(webhookEvents)
    .values({ type: sql.placeholder('type'), visibility: sql.placeholder('visibility'), data: sql.placeholder('data'), committeeId: sql.placeholder('committeeId'), occurredAt: sql.placeholder('occurredAt') })
    .prepare();
  const actionById = actionByIdStatements(db);
  // Prepared: on PostgreSQL a named statement, parsed and planned once per connection.
  const enabledHooks = db.select({ events: webhooks.events, scopes: webhooks.scopes }).from(webhooks).where(eq(webhooks.enabled, true)).prepare();
  const listeners: (() => void)[] = [];

  // What the enabled webhooks want: for each event type, the visibilities some subscriber may
  // read. Read again when this process's webhooks change (changed()) or another process commits.
  // Inside a transaction — every write — no change stamp can vouch for a cache, so the webhooks'
  // own writes say when to read again, both when they happen and when their transaction ends.
  let generation = 0;
  let readUnder: string | undefined;
  let wanted: Subscriptions = new Map();
  function* subscriptions(): Program<Subscriptions> {
    const key = `${generation}:${changes.others()}`;
    if (key !== readUnder) {
      const next = new Map<string, Set<Visibility>>();
      for (const hook of yield* all(enabledHooks)) {
        const seen = visibilitiesOfScopes(hook.scopes.split(',') as ReadScope[]);
        for (const event of hook.events.split(',')) {
          const set = next.get(event) ?? new Set<Visibility>();
          seen.forEach((v) => set.add(v));
          next.set(event, set);
        }
      }
      [wanted, readUnder] = [next, key];
    }
    return wanted;
  }
  function* wants(type: WebhookEvent, visibility: Visibility, read?: Subscriptions): Program<boolean> {
    return (read ?? (yield* subscriptions())).get(type)?.has(visibility) ?? false;
  }

  const wake = () => listeners.forEach((listener) => listener());

  // A program (db/program.ts), yielded inside the change's own transaction. `committeeId`: whose
  // record it is, so that a webhook limited to a council hears only of its own.
  function* record(type: WebhookEvent, visibility: Visibility, committeeId: number | null, data: () => string, read?: Subscriptions): Program<void> {
    if (!(yield* wants(type, visibility, read))) return;
    yield* write(type, visibility, committeeId, data());
  }

  /** The event's row, once some webhook wants it. */
  function* write(type: WebhookEvent, visibility: Visibility, committeeId: number | null, data: string): Program<void> {
    yield* run(insert, { type, visibility, committeeId, data, occurredAt: clock().toISOString() });
    wake();
  }

  return {
    /** The webhooks changed (or a write to them ended): read the subscriptions again. */
    changed(): void {
      generation++;
    },

    /** Something is due for delivery now (an event recorded, a delivery retried). */
    wake,

    /** Called after an event is recorded (the worker wakes up, once the turn is over). */
    onRecorded(listener: () => void): void {
      listeners.push(listener);
    },

    /**
     * What the enabled webhooks want, read now: for a write that records its event after taking a
     * lock it should hold briefly (the reference counter's row), so the read is not made under it.
     */
    subscriptions,

    /**
     * action.created, action.updated, action.responded: the action as the API returned it.
     * `read`: the subscriptions as read earlier in the same transaction (subscriptions()).
     */
    *action(type: WebhookEvent, action: Action, read?: Subscriptions): Program<void> {
      yield* record(type, action.visibility, action.committeeId, () => renderAction(action), read);
    },

    /** action.flagged: the action as of the day it was flagged on, with the meeting and reason. */
    *flagged(flag: { actionId: number; meetingId: number; flaggedOn: string; reason: string }): Program<void> {
      const row = yield* actionById({ visibilities }, flag.actionId);
      if (row === undefined) return;
      yield* record('action.flagged', row.visibility, row.committeeId, () => {
        const action = renderAction(present(row, flag.flaggedOn));
        return `{"action":${action},"meetingId":${flag.meetingId},"flaggedOn":${JSON.stringify(flag.flaggedOn)},"reason":${JSON.stringify(flag.reason)}}`;
      });
    },

    /** meeting.updated: meetings are public (their items carry the visibility). */
    *meeting(meeting: Meeting): Program<void> {
      yield* record('meeting.updated', 'public', meeting.committeeId, () => renderMeeting(meeting));
    },

    /**
     * scan.completed: a summary. Its count is of flags on public actions alone: a count must not
     * reveal Part 2 business (DESIGN.md "Access"), and the event goes to every subscriber.
     */
    *scanCompleted(scan: { asOf: string | null; committeeId: number | null; flaggedActionIds: readonly number[] }): Program<void> {
      if (!(yield* wants('scan.completed', 'public'))) return;
      let flagsRecorded = 0;
      for (const id of scan.flaggedActionIds) {
        if ((yield* actionById({ visibilities: ['public'] }, id)) !== undefined) flagsRecorded++;
      }
      yield* write('scan.completed', 'public', scan.committeeId, JSON.stringify({ asOf: scan.asOf, committeeId: scan.committeeId, flagsRecorded }));
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
