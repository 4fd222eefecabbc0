import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { actions, committees, meetings, people } from '../db/schema.js';
import { addWorkingDays } from '../domain/calendar.js';
import { classifyOverdue } from '../domain/overdue.js';
import type { Visibility } from '../domain/visibility.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import { reportableAsOf, selectActions, toActionRow, visibleTo } from '../modules/actions/query.js';
import type { Tx } from '../modules/shared/crud.js';

// The overdue report (DESIGN.md "Overdue: when and what"): per committee, its next meeting as
// of the day, the actions overdue by then and those due soon. Built from the same action query
// as the API and classified by domain/overdue.ts, so the report and `overdue` always agree.

export interface ReportedAction {
  id: number;
  title: string;
  kind: string;
  owner: string | null;
  dueRule: string;
  dueMeetingId: number | null;
  dueDate: string | null;
  daysOverdue?: number;
  timesFlagged: number;
  status: string;
  rag: string | null;
}

export interface ReportedMeeting {
  committee: { id: number; name: string };
  meeting: { id: number; startsAt: string; agendaDespatchBy: string; venue: string | null } | null;
  overdue: ReportedAction[];
  dueSoon: ReportedAction[];
}

export interface OverdueReport {
  asOf: string;
  meetings: ReportedMeeting[];
}

export interface ReportScope {
  asOf: string;
  committeeId?: number;
  visibilities: readonly Visibility[];
}

export function buildOverdueReport(db: Db | Tx, holidays: HolidayRepository, scope: ReportScope): OverdueReport {
  const calendar = holidays.calendar();
  const chosen = db
    .select()
    .from(committees)
    .where(scope.committeeId ? eq(committees.id, scope.committeeId) : undefined)
    .orderBy(asc(committees.id))
    .all();
  const ownerNames = new Map<number, string>();
  const ownerOf = (ownerId: number | null, ownerText: string | null) => {
    if (ownerId === null) return ownerText;
    if (!ownerNames.has(ownerId)) {
      const p = db.select({ name: people.name }).from(people).where(eq(people.id, ownerId)).get();
      ownerNames.set(ownerId, p?.name ?? '');
    }
    return ownerNames.get(ownerId) || ownerText;
  };

  const result: ReportedMeeting[] = [];
  for (const committee of chosen) {
    const next = db
      .select()
      .from(meetings)
      .where(and(eq(meetings.committeeId, committee.id), eq(meetings.status, 'scheduled'), gte(meetings.localDate, scope.asOf)))
      .orderBy(asc(meetings.startsAtUtc), asc(meetings.id))
      .limit(1)
      .get();
    // The due-soon window's end, as classifyOverdue computes it; the SQL then skips every
    // action that cannot be reported (finished, or due beyond the window), which at scale is most.
    const { reminderWorkingDays } = committee;
    const horizon = Number.isInteger(reminderWorkingDays) && reminderWorkingDays >= 0
      ? addWorkingDays(scope.asOf, reminderWorkingDays, calendar)
      : undefined;
    const candidates = selectActions(db)
      .where(
        and(
          horizon === undefined
            ? and(eq(actions.committeeId, committee.id), inArray(actions.status, ['open', 'in_progress', 'responded']))
            : reportableAsOf(committee.id, scope.asOf, horizon),
          visibleTo(scope.visibilities),
        ),
      )
      .orderBy(asc(actions.id))
      .values()
      .map(toActionRow);
    const overdue: ReportedAction[] = [];
    const dueSoon: ReportedAction[] = [];
    for (const action of candidates) {
      const c = classifyOverdue(action, scope.asOf, { calendar, reminderWorkingDays: committee.reminderWorkingDays });
      if (!c.overdue && !c.dueSoon) continue;
      const entry: ReportedAction = {
        id: action.id,
        title: action.title,
        kind: action.kind,
        owner: ownerOf(action.ownerId, action.ownerText),
        dueRule: action.dueRule,
        dueMeetingId: action.dueMeetingId,
        dueDate: c.dueBy,
        timesFlagged: action.timesFlagged,
        status: action.status,
        rag: action.rag,
      };
      if (c.overdue) overdue.push({ ...entry, daysOverdue: c.daysOverdue ?? 0 });
      else dueSoon.push(entry);
    }
    if (!next && overdue.length === 0 && dueSoon.length === 0) continue;
    overdue.sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || a.id - b.id);
    dueSoon.sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.id - b.id);
    result.push({
      committee: { id: committee.id, name: committee.name },
      meeting: next
        ? { id: next.id, startsAt: next.startsAt, agendaDespatchBy: next.agendaDespatchBy, venue: next.venue }
        : null,
      overdue,
      dueSoon,
    });
  }
  result.sort((a, b) => (a.meeting?.startsAt ?? '9999').localeCompare(b.meeting?.startsAt ?? '9999') || a.committee.id - b.committee.id);
  return { asOf: scope.asOf, meetings: result };
}
