import { and, asc, eq, exists, inArray, not, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, run, type Program } from '../../db/program.js';
import { keyset, toPage, type Page, type SortSpec } from '../../db/keyset.js';
import { actions, notificationActions, notifications, notifiedActions } from '../../db/tables.js';
import { rowsOfCommitteesSeenBy } from '../../db/visibility.js';
import type { Reader } from '../../domain/visibility.js';
import type { NotificationKind, NotificationStatus, RecipientRole } from '../../domain/notifications.js';
import type { ListNotificationsQuery, Notification } from './schemas.js';

// What the notification pass recorded: every notification, the actions it named, and which
// (action, kind, key, recipient) are done with, so the next pass sends nothing twice.

const SORT: SortSpec = { field: 'id', descending: true };

export interface NotificationRecord {
  asOf: string;
  personId: number | null;
  email: string | null;
  kind: NotificationKind;
  recipientRole: RecipientRole;
  subject: string | null;
  status: NotificationStatus;
  reason: string | null;
  createdAt: string;
  /** The actions named, with the key each was notified under (due date or flag id). */
  actions: { actionId: number; key: string }[];
}

/** Who a notification went to, as notified_actions records it. */
export const recipientKey = (personId: number | null, email: string | null) => (personId !== null ? `person:${personId}` : `email:${email ?? ''}`);

// Programs (db/program.ts): services.ts runs them on the engine; the notification pass
// (jobs/notify.ts) yields `record` inside its own recording transaction.
export function createNotificationRepository(db: Db) {
  // Asked for every candidate of a pass: prepared once.
  const notified = db.select({ id: notifiedActions.id }).from(notifiedActions)
    .where(and(
      eq(notifiedActions.actionId, sql.placeholder('actionId')), eq(notifiedActions.kind, sql.placeholder('kind')),
      eq(notifiedActions.key, sql.placeholder('key')), eq(notifiedActions.recipient, sql.placeholder('recipient')),
    ))
    .prepare();
  // One row per action named: a first pass over a large database names thousands in one email.
  const named = db.insert(notificationActions).values({ notificationId: sql.placeholder('notificationId'), actionId: sql.placeholder('actionId') }).prepare();
  const markDone = db.insert(notifiedActions)
    .values({ actionId: sql.placeholder('actionId'), kind: sql.placeholder('kind'), key: sql.placeholder('key'), recipient: sql.placeholder('recipient'), notificationId: sql.placeholder('notificationId') })
    .onConflictDoNothing()
    .prepare();
  return {
    /** Whether this action's notification of this kind and key has already gone to this recipient. */
    *done(actionId: number, kind: NotificationKind, key: string, recipient: string): Program<boolean> {
      return (yield* first(notified, { actionId, kind, key, recipient })) !== undefined;
    },

    /**
     * Records one notification (in the caller's transaction: yield it inside a tx()). Sent and not_sent ones are done with;
     * a failed one is not, so the next pass tries it again. The unique index keeps a second
     * process's record of the same notification from counting twice.
     */
    *record(n: NotificationRecord): Program<number> {
      const row = (yield* first(db.insert(notifications).values({
        asOf: n.asOf, personId: n.personId, email: n.email, kind: n.kind, recipientRole: n.recipientRole,
        subject: n.subject, status: n.status, reason: n.reason, createdAt: n.createdAt,
      }).returning({ id: notifications.id })))!;
      // The runner sends each statement where the transaction open around it runs.
      for (const actionId of new Set(n.actions.map((a) => a.actionId))) yield* run(named, { notificationId: row.id, actionId });
      if (n.status !== 'failed') {
        const recipient = recipientKey(n.personId, n.email);
        for (const a of n.actions) yield* run(markDone, { actionId: a.actionId, kind: n.kind, key: a.key, recipient, notificationId: row.id });
      }
      return row.id;
    },

    /** A page of notifications, newest first. */
    *list(reader: Reader, query: ListNotificationsQuery): Program<Page<Notification>> {
      // To an admin limited to a council, only notifications about its committees' actions: one
      // email may name actions of several councils (an officer serving two), and those are not its.
      const inCouncil = rowsOfCommitteesSeenBy(actions.committeeId, reader);
      const naming = (which: SQL) => exists(db.select({ one: sql`1` }).from(notificationActions)
        .innerJoin(actions, eq(actions.id, notificationActions.actionId))
        .where(and(eq(notificationActions.notificationId, notifications.id), which)));
      const ofCouncil = inCouncil === undefined ? undefined : and(naming(inCouncil), not(naming(not(inCouncil))));
      const limit = query.limit ?? 50;
      const page = keyset(SORT, notifications.id, notifications.id, query.cursor);
      const namesAction = query.actionId === undefined
        ? undefined
        : exists(db.select({ one: sql`1` }).from(notificationActions)
          .where(and(eq(notificationActions.notificationId, notifications.id), eq(notificationActions.actionId, query.actionId))));
      const rows = yield* all(db.select().from(notifications)
        .where(and(
          page.where,
          query.personId === undefined ? undefined : eq(notifications.personId, query.personId),
          query.kind === undefined ? undefined : eq(notifications.kind, query.kind),
          query.status === undefined ? undefined : eq(notifications.status, query.status),
          namesAction,
          ofCouncil,
        ))
        .orderBy(...page.orderBy)
        .limit(limit + 1));
      const named = rows.length === 0 ? [] : yield* all(db.select().from(notificationActions)
        .where(inArray(notificationActions.notificationId, rows.map((r) => r.id)))
        .orderBy(asc(notificationActions.actionId)));
      const data = rows.map((r) => ({
        id: r.id,
        asOf: r.asOf,
        personId: r.personId,
        email: r.email,
        kind: r.kind,
        recipientRole: r.recipientRole,
        actionIds: named.filter((a) => a.notificationId === r.id).map((a) => a.actionId),
        subject: r.subject,
        status: r.status,
        reason: r.reason,
        createdAt: r.createdAt,
      }));
      return toPage(data, limit, SORT, (r) => r.id);
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
