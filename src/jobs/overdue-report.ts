import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../db/sqlite/client.js';
import { all, first, values, type Program } from '../db/program.js';
import { queryShape } from '../db/shapes.js';
import { committees, meetings } from '../db/tables.js';
import { DEFAULT_TIME_ZONE, todayIn } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holiday-calendar.js';
import type { LocalDate } from '../domain/local-date.js';
import { classifyOverdue, dueSoonHorizon } from '../domain/overdue.js';
import { seesCommittee, type Visibility } from '../domain/visibility.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import { actionsVisibleTo } from '../db/visibility.js';
import { reportableAsOf, selectReportRows, toReportRow, type ReportRow } from '../modules/actions/query.js';

// The overdue report (DESIGN.md "Overdue: when and what"): per committee, its next meeting as
// of the day, the actions overdue by then and those due soon. Built from the same action query
// as the API and classified by domain/overdue.ts, so the report and `overdue` always agree.

export interface ReportedAction {
  id: number;
  reference: string;
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
  /** The day every committee is judged as of. Absent: each committee's own today (see planReport). */
  asOf?: string;
  /** The instant "today" is taken at when `asOf` is absent; the system clock's when this is too. */
  now?: Date;
  committeeId?: number;
  visibilities: readonly Visibility[];
  /** A key limited to a council: only these committees are reported (the rest as if absent). */
  committeeIds?: readonly number[];
}

type Committee = typeof committees.$inferSelect;

// The report's queries, built and prepared once per database handle (and, for the actions, per
// set of visibilities): at scale the SQL runs in a few milliseconds, and building it again with
// drizzle for every committee cost a fifth of that. The report's functions are programs
// (db/program.ts): a caller runs them on the engine, or on a connection of its own
// (report-stream.ts), the queries built from the `db` it passes.
const committeeQueries = (db: Db) => queryShape(db, 'report:committees', () => ({
  all: db.select().from(committees).orderBy(asc(committees.id)).prepare(),
  one: db.select().from(committees).where(eq(committees.id, sql.placeholder('id'))).prepare(),
  nextMeeting: db
    .select()
    .from(meetings)
    .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), eq(meetings.status, 'scheduled'), gte(meetings.localDate, sql.placeholder('asOf'))))
    .orderBy(asc(meetings.startsAtUtc), asc(meetings.id))
    .limit(1)
    .prepare(),
}));

type Meeting = typeof meetings.$inferSelect;

/** A committee the report covers, the day it is judged as of, and its next meeting by then (if any). */
export interface PlannedCommittee {
  committee: Committee;
  asOf: LocalDate;
  next: Meeting | undefined;
}

/** The committees a report covers, in its order, and the `asOf` the report states. */
export interface ReportPlan {
  asOf: LocalDate;
  committees: PlannedCommittee[];
}

/**
 * The committees a report covers with their next meetings, in the report's order: soonest
 * meeting first, committees without one last, then by committee.
 *
 * "Today" is where each committee sits (DESIGN.md "Local date"): without an `asOf`, each
 * committee's next meeting and what is overdue are judged as of today in its own time zone.
 * The report then states the latest of those days — the day the report is complete up to: no
 * committee is judged as of a later day, and one still on the day before is judged as of that
 * (its own today), its new day not having begun. Committees in one zone, as a council's are,
 * all share that day. A report covering no committee states today in the default zone.
 */
export function* planReport(db: Db, scope: Pick<ReportScope, 'asOf' | 'now' | 'committeeId' | 'committeeIds'>): Program<ReportPlan> {
  const queries = committeeQueries(db);
  const now = scope.now ?? new Date();
  const found = scope.committeeId ? [yield* first(queries.one, { id: scope.committeeId })].filter((c) => c !== undefined) : yield* all(queries.all);
  const chosen = found.filter((c) => seesCommittee({ visibilities: [], committeeIds: scope.committeeIds }, c.id));
  const planned: PlannedCommittee[] = [];
  for (const committee of chosen) {
    const asOf = scope.asOf ?? todayIn(committee.timezone, now);
    planned.push({ committee, asOf, next: yield* first(queries.nextMeeting, { committeeId: committee.id, asOf }) });
  }
  planned.sort((a, b) => (a.next?.startsAt ?? '9999').localeCompare(b.next?.startsAt ?? '9999') || a.committee.id - b.committee.id);
  const latest = planned.reduce<LocalDate | undefined>((day, p) => (day === undefined || p.asOf > day ? p.asOf : day), undefined);
  return { asOf: scope.asOf ?? latest ?? todayIn(DEFAULT_TIME_ZONE, now), committees: planned };
}

/** The actions a committee's report can list (reportableAsOf), prepared for these visibilities. */
export function reportableRows(db: Db, visibilities: readonly Visibility[]) {
  return queryShape(db, `report:actions:${visibilities.join()}`, () => {
    const visible = actionsVisibleTo({ visibilities });
    const [beingWorked, responseLate] = reportableAsOf(sql.placeholder('committeeId'), sql.placeholder('asOf'), sql.placeholder('horizon'));
    // No ORDER BY: both lists are sorted in reportCommittee, ties broken by id.
    return selectReportRows(db).where(and(beingWorked, visible)).unionAll(selectReportRows(db).where(and(responseLate, visible))).prepare();
  });
}

// The person's name when an owner is recorded (blank names fall back to the text), else the text.
const ownerOf = (action: ReportRow) => (action.ownerId === null ? action.ownerText : (action.ownerName ?? '') || action.ownerText);

/**
 * One committee's part of the report: its next meeting as of the day with the actions overdue
 * and due soon, or undefined when it has neither a meeting nor anything to report. A caller that
 * writes each part out as it comes (report-stream.ts, the notification pass) runs one committee's
 * at a time and never holds the whole report.
 */
export function* reportCommittee(db: Db, calendar: HolidayCalendar, { committee, asOf, next }: PlannedCommittee, visibilities: readonly Visibility[]): Program<ReportedMeeting | undefined> {
  // The due-soon window's end, once for the committee: the SQL skips every action that cannot be
  // reported (finished, or due beyond the window), which at scale is most, and the classifier
  // reuses it.
  const settings = { calendar, reminderWorkingDays: committee.reminderWorkingDays };
  const horizon = dueSoonHorizon(asOf, settings);
  const rows = yield* values(reportableRows(db, visibilities), { committeeId: committee.id, asOf, horizon });
  const overdue: ReportedAction[] = [];
  const dueSoon: ReportedAction[] = [];
  for (const values of rows) {
    const action = toReportRow(values);
    const c = classifyOverdue(action, asOf, { ...settings, horizon });
    if (!c.overdue && !c.dueSoon) continue;
    const reported: ReportedAction = {
      id: action.id,
      reference: action.reference ?? '', // null only for rows written straight into the table
      title: action.title,
      kind: action.kind,
      owner: ownerOf(action),
      dueRule: action.dueRule,
      dueMeetingId: action.dueMeetingId,
      dueDate: c.dueBy,
      timesFlagged: action.timesFlagged,
      status: action.status,
      rag: action.rag,
    };
    if (c.overdue) {
      // Last, where the route's schema serialiser writes it (after the required properties).
      reported.daysOverdue = c.daysOverdue ?? 0;
      overdue.push(reported);
    } else dueSoon.push(reported);
  }
  if (!next && overdue.length === 0 && dueSoon.length === 0) return undefined;
  overdue.sort((a, b) => (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) || a.id - b.id);
  dueSoon.sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.id - b.id);
  return {
    committee: { id: committee.id, name: committee.name },
    meeting: next
      ? { id: next.id, startsAt: next.startsAt, agendaDespatchBy: next.agendaDespatchBy, venue: next.venue }
      : null,
    overdue,
    dueSoon,
  };
}

/**
 * Each committee's part of the report with the day it was judged as of, in the report's order
 * (committees with nothing to report left out).
 */
export function* judgedMeetings(
  db: Db,
  calendar: HolidayCalendar,
  plan: ReportPlan,
  visibilities: readonly Visibility[],
): Program<{ asOf: LocalDate; entry: ReportedMeeting }[]> {
  const judged: { asOf: LocalDate; entry: ReportedMeeting }[] = [];
  for (const planned of plan.committees) {
    const entry = yield* reportCommittee(db, calendar, planned, visibilities);
    if (entry) judged.push({ asOf: planned.asOf, entry });
  }
  return judged;
}

export function* buildOverdueReport(db: Db, holidays: Pick<HolidayRepository, 'calendar'>, scope: ReportScope): Program<OverdueReport> {
  const plan = yield* planReport(db, scope);
  const judged = yield* judgedMeetings(db, yield* holidays.calendar(), plan, scope.visibilities);
  return { asOf: plan.asOf, meetings: judged.map((j) => j.entry) };
}
