import { and, eq, gt, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/sqlite/client.js';
import { all, first, type Program, type ProgramRunner } from '../db/program.js';
import { actions, actionUpdates, meetings, overdueFlags } from '../db/tables.js';
import { NON_FINAL_STATUSES } from '../domain/action-lifecycle.js';
import { addWorkingDays } from '../domain/calendar.js';
import type { AgendaPackEntry, NotificationKind } from '../domain/notifications.js';
import { stricter, visibilities as allVisibilities, type Visibility } from '../domain/visibility.js';
import type { HolidayRepository } from '../modules/holidays/repository.js';
import type { createReportRepository } from '../modules/reports/repository.js';
import { planReport, reportCommittee, type ReportPlan } from './overdue-report.js';

// What a notification pass has to say as of a day (DESIGN.md "Notifications"): actions become
// due soon, the scan's flags with their counts, progress updates and answers of the last week,
// and the agenda packs due out. Over a large database these are read a piece at a time (a
// range of ids, a committee), the pass giving way to the event loop between pieces (`breathe`),
// so that the requests the server is answering meanwhile are not held up.

export interface ActionFacts {
  id: number;
  committeeId: number;
  reference: string | null;
  title: string;
  ownerId: number | null;
  requestedById: number | null;
  status: string;
  visibility: Visibility;
}

export interface Candidate {
  kind: NotificationKind;
  key: string;
  action: ActionFacts;
  dueBy: string | null;
  meetingOn: string | null;
  timesFlagged?: number;
  answered?: boolean;
  pack?: AgendaPackEntry;
}

/** Gives way to the event loop when the pass has held it for a while. */
export type Breathe = () => Promise<void>;

/**
 * How far back a pass looks for updates and responses to tell people of, and for the scan's flags
 * whose meeting has passed (a flag whose meeting is still to come is told whenever it was
 * recorded). The pass runs on weekdays; a week covers a long weekend or a missed run without
 * reaching back into the history of a database that had no notices before (a tracker imported
 * with years of flags would otherwise send every owner every flag ever recorded, and every later
 * pass would read them all again to find them done). An action still overdue is flagged again at
 * its next meeting's scan, and told then.
 */
const LOOKBACK_DAYS = 7;
/** Ids of one table read in one piece. */
const ID_WINDOW = 4000;
/** Actions whose facts are read in one statement (each id a bound variable). */
const FACTS_PIECE = 500;

/** The agenda pack goes to a contact officer, who is no person the tracker knows: public business only. */
const PUBLIC_READER = { name: 'notification pass', visibilities: ['public'] as const };

const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const window = { after: sql.placeholder('after'), until: sql.placeholder('until') };

// The reads are programs (db/program.ts), each piece's run on `engine` before the pass gives way.
export function createCandidateReader(
  db: Db,
  engine: ProgramRunner,
  deps: { holidays: HolidayRepository; reports: Pick<ReturnType<typeof createReportRepository>, 'actionLog'>; ownerName: (id: number) => Program<string | undefined> },
) {
  const maxActionId = db.select({ max: sql<number | null>`max(${actions.id})`.mapWith(Number) }).from(actions).prepare();
  const maxUpdateId = db.select({ max: sql<number | null>`max(${actionUpdates.id})`.mapWith(Number) }).from(actionUpdates).prepare();
  // Driven from the unfinished actions (actions_status_idx, by id), a range of ids at a time.
  const flagsOf = db.select({
    id: overdueFlags.id, actionId: overdueFlags.actionId, meetingOn: meetings.localDate,
    // This flag's place among the action's flags: the chair is copied from the second.
    ordinal: sql<number>`(SELECT count(*) FROM ${overdueFlags} f WHERE f.action_id = ${overdueFlags.actionId} AND f.id <= ${overdueFlags.id})`.mapWith(Number),
    dueBy: actions.dueDate,
  }).from(actions)
    .innerJoin(overdueFlags, eq(overdueFlags.actionId, actions.id))
    .innerJoin(meetings, eq(meetings.id, overdueFlags.meetingId))
    .where(and(inArray(actions.status, [...NON_FINAL_STATUSES]), gt(actions.id, window.after), lte(actions.id, window.until), or(gte(overdueFlags.flaggedOn, sql.placeholder('since')), gte(meetings.localDate, sql.placeholder('asOf'))), lte(overdueFlags.flaggedOn, sql.placeholder('asOf'))))
    .orderBy(overdueFlags.id)
    .prepare();
  const createdOn = sql`substr(${actionUpdates.createdAt}, 1, 10)`;
  const updatesOf = db.select({ id: actionUpdates.id, actionId: actionUpdates.actionId }).from(actionUpdates)
    .where(and(gt(actionUpdates.id, window.after), lte(actionUpdates.id, window.until), gte(createdOn, sql.placeholder('since')), lte(createdOn, sql.placeholder('asOf'))))
    .prepare();
  const answeredOf = db.select({ id: actions.id, respondedOn: actions.respondedOn }).from(actions)
    .where(and(eq(actions.status, 'responded'), gt(actions.id, window.after), lte(actions.id, window.until), gte(actions.respondedOn, sql.placeholder('since')), lte(actions.respondedOn, sql.placeholder('asOf'))))
    .prepare();

  /** Every row of `piece` over the ids up to `max`, a window at a time. */
  async function inPieces<T>(max: number | null, breathe: Breathe, piece: (after: number, until: number) => Program<T[]>): Promise<T[]> {
    const rows: T[] = [];
    for (let after = 0; after < (max ?? 0); after += ID_WINDOW) {
      for (const row of await engine.run(piece(after, after + ID_WINDOW))) rows.push(row);
      await breathe();
    }
    return rows;
  }

  async function factsOf(ids: number[], breathe: Breathe): Promise<Map<number, ActionFacts>> {
    const facts = new Map<number, ActionFacts>();
    for (let i = 0; i < ids.length; i += FACTS_PIECE) {
      const rows = await engine.run(all(db.select({
        id: actions.id, committeeId: actions.committeeId, reference: actions.reference, title: actions.title,
        ownerId: actions.ownerId, requestedById: actions.requestedById, status: actions.status,
        visibility: actions.visibility, itemVisibility: actions.itemVisibility,
      }).from(actions).where(inArray(actions.id, ids.slice(i, i + FACTS_PIECE)))));
      for (const { itemVisibility, ...r } of rows) facts.set(r.id, { ...r, visibility: stricter(r.visibility, itemVisibility ?? 'public') });
      await breathe();
    }
    return facts;
  }

  /**
   * Agenda pack: each committee's next meeting whose agenda goes out tomorrow (the working day
   * before its agendaDespatchBy) has its action log sent to the contact officer. A pass that
   * missed that day, or whose email failed, sends it on the despatch day itself; never later,
   * the agenda being out by then. The key names the meeting and the date, so a meeting moved to
   * another day gets a pack for its new date.
   */
  async function agendaPacks(plan: ReportPlan, breathe: Breathe): Promise<Candidate[]> {
    const calendar = await engine.run(deps.holidays.calendar());
    const list: Candidate[] = [];
    for (const { asOf, next } of plan.committees) {
      if (!next || asOf > next.agendaDespatchBy || asOf < addWorkingDays(next.agendaDespatchBy, -1, calendar)) continue;
      const key = `meeting:${next.id}:${next.agendaDespatchBy}`;
      await engine.run((function* () {
        for (const a of yield* deps.reports.actionLog(PUBLIC_READER, next.id, asOf)) {
          const owner = a.ownerId !== null ? ((yield* deps.ownerName(a.ownerId)) ?? a.ownerText) : a.ownerText;
          list.push({
            kind: 'agenda_pack', key, dueBy: a.dueDate, meetingOn: next.localDate,
            action: { id: a.id, committeeId: a.committeeId, reference: a.reference, title: a.title, ownerId: a.ownerId, requestedById: a.requestedById, status: a.status, visibility: 'public' },
            pack: { meetingId: next.id, despatchBy: next.agendaDespatchBy, owner, status: a.status, overdue: a.overdue, rag: a.rag, timesFlagged: a.timesFlagged },
          });
        }
      })());
      await breathe();
    }
    return list;
  }

  /** What the pass has to say as of the day: due-soon actions, flags with their counts, responses, packs. */
  return async function candidates(asOf: string | undefined, now: Date, breathe: Breathe): Promise<{ asOf: string; list: Candidate[] }> {
    const plan = await engine.run(planReport(db, { asOf, now }));
    const list: Candidate[] = [];
    const dueSoon: { id: number; dueBy: string; meetingOn: string | null }[] = [];
    // A committee at a time.
    const calendar = await engine.run(deps.holidays.calendar());
    for (const planned of plan.committees) {
      const entry = await engine.run(reportCommittee(db, calendar, planned, allVisibilities));
      if (!entry) continue;
      for (const a of entry.dueSoon) {
        if (a.dueDate !== null) dueSoon.push({ id: a.id, dueBy: a.dueDate, meetingOn: entry.meeting?.startsAt.slice(0, 10) ?? null });
      }
      await breathe();
    }
    const lastAction = (await engine.run(first(maxActionId)))?.max ?? null;
    // Overdue: each flag for a meeting still to come, or recorded in the last week up to D;
    // response: each progress update, and each answer, of that week (once each).
    const since = daysBefore(plan.asOf, LOOKBACK_DAYS);
    const flags = await inPieces(lastAction, breathe, (after, until) => all(flagsOf, { after, until, since, asOf: plan.asOf }));
    const lastUpdate = (await engine.run(first(maxUpdateId)))?.max ?? null;
    const updated = await inPieces(lastUpdate, breathe, (after, until) => all(updatesOf, { after, until, since, asOf: plan.asOf }));
    const answered = await inPieces(lastAction, breathe, (after, until) => all(answeredOf, { after, until, since, asOf: plan.asOf }));
    const facts = await factsOf([...new Set([
      ...dueSoon.map((d) => d.id), ...flags.map((f) => f.actionId), ...updated.map((u) => u.actionId), ...answered.map((a) => a.id),
    ])], breathe);
    for (const d of dueSoon) {
      const action = facts.get(d.id);
      if (action) list.push({ kind: 'reminder', key: d.dueBy, action, dueBy: d.dueBy, meetingOn: d.meetingOn });
    }
    // A week's flags on a large database are tens of thousands: their dates, a few different
    // ones, are kept once each rather than once per flag.
    const dates = new Map<string, string>();
    const once = (date: string | null) => (date === null ? null : dates.get(date) ?? (dates.set(date, date), date));
    for (const f of flags) {
      const action = facts.get(f.actionId);
      if (action) list.push({ kind: 'overdue', key: String(f.id), action, dueBy: once(f.dueBy), meetingOn: once(f.meetingOn), timesFlagged: f.ordinal });
    }
    flags.length = 0;
    for (const u of updated) {
      const action = facts.get(u.actionId);
      if (action) list.push({ kind: 'response', key: `update:${u.id}`, action, dueBy: null, meetingOn: null, answered: false });
    }
    for (const a of answered) {
      const action = facts.get(a.id);
      if (action) list.push({ kind: 'response', key: `responded:${a.respondedOn}`, action, dueBy: null, meetingOn: null, answered: true });
    }
    list.push(...await agendaPacks(plan, breathe));
    return { asOf: plan.asOf, list };
  };
}
