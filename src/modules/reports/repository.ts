import { and, asc, desc, eq, inArray, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, values, type Program } from '../../db/program.js';
import { actions, meetings, overdueFlags } from '../../db/tables.js';
import { actionsVisibleTo } from '../../db/visibility.js';
import type { Actor } from '../../domain/actor.js';
import { decodeCursor, toPage, type Page } from '../../db/keyset.js';
import type { CommitteeRepository } from '../committees/repository.js';
import { mustFind } from '../shared/crud.js';
import { present } from '../actions/repository.js';
import { selectActions, toActionRow } from '../actions/query.js';

const newestFirst = { field: 'id', descending: true };

export interface Flag {
  id: number;
  actionId: number;
  meetingId: number;
  flaggedOn: string;
  reason: string;
  createdAt: string;
}

/** An action of the action log: as GET /v1/actions writes it, without its version. */
export type LoggedAction = Omit<ReturnType<typeof present>, 'version'>;

/**
 * Flags and action logs: reads over what the scan recorded, filtered by visibility. Programs
 * (db/program.ts): services.ts runs them on the engine.
 */
export function createReportRepository(db: Db, { committees }: { committees: Pick<CommitteeRepository, 'todayFor'> }) {
  return {
    *flags(actor: Actor, query: { meetingId?: number; actionId?: number; limit?: number; cursor?: string }): Program<Page<Flag>> {
      const limit = query.limit ?? 50;
      const before = query.cursor ? decodeCursor(query.cursor, newestFirst).i : undefined;
      const rows = yield* all(db
        .select({
          id: overdueFlags.id,
          actionId: overdueFlags.actionId,
          meetingId: overdueFlags.meetingId,
          flaggedOn: overdueFlags.flaggedOn,
          reason: overdueFlags.reason,
          createdAt: overdueFlags.createdAt,
        })
        .from(overdueFlags)
        .innerJoin(actions, eq(actions.id, overdueFlags.actionId))
        .where(
          and(
            actionsVisibleTo(actor),
            query.meetingId ? eq(overdueFlags.meetingId, query.meetingId) : undefined,
            query.actionId ? eq(overdueFlags.actionId, query.actionId) : undefined,
            before === undefined ? undefined : lt(overdueFlags.id, before),
          ),
        )
        .orderBy(desc(overdueFlags.id))
        .limit(limit + 1));
      return toPage(rows, limit, newestFirst, (r) => r.id);
    },

    /**
     * Everything due at a meeting, answered or not, plus anything flagged overdue at it: the
     * "action log" item of that meeting's agenda. `overdue` is as of `asOf`, by default today
     * where the meeting's committee sits.
     */
    *actionLog(actor: Actor, meetingId: number, asOf?: string): Program<LoggedAction[]> {
      const meeting = mustFind(
        yield* first(db.select({ committeeId: meetings.committeeId }).from(meetings).where(eq(meetings.id, meetingId))),
        'Meeting',
        meetingId,
      );
      const day = asOf ?? (yield* committees.todayFor(meeting.committeeId));
      const flagged = db.select({ id: overdueFlags.actionId }).from(overdueFlags).where(eq(overdueFlags.meetingId, meetingId));
      const rows = yield* values(selectActions(db)
        .where(and(actionsVisibleTo(actor), or(eq(actions.dueMeetingId, meetingId), inArray(actions.id, flagged))))
        .orderBy(asc(actions.id)));
      return rows.map((row) => {
        const { version: _version, ...action } = present(toActionRow(row), day);
        return action;
      });
    },
  };
}

export type ReportRepository = ReturnType<typeof createReportRepository>;
