import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { first, values, type Program } from '../../db/program.js';
import { queryShape } from '../../db/shapes.js';
import { dialect, meetings } from '../../db/tables.js';
import type { Reader } from '../../domain/visibility.js';
import type { LocalDate } from '../../domain/local-date.js';
import { BEING_WORKED } from '../../domain/action-lifecycle.js';
import type { OverdueReport, ReportedMeeting } from '../../jobs/overdue-report.js';
import {
  documentRow, runningHeader, RAG_KEY, type DocumentModel, type DocumentRow, type DocumentSection, type RowContext,
} from '../../documents/model.js';
import { dayInWords, instantInWords } from '../../documents/words.js';
import type { CommitteeRepository } from '../committees/repository.js';
import { mustFind } from '../shared/crud.js';
import { actionLogSources, sourcesByIds, toDocumentSource, trackerSources, type TrackerStatus } from './query.js';

// The agenda-pack documents as one model each (documents/model.ts): the recommendation tracker
// of a committee, the action log of a meeting, and the overdue report's human formats. Each is
// read with one indexed query over its own actions; every format is rendered from what is built
// here. Programs (db/program.ts): services.ts runs them on the engine; report-stream.ts runs
// overdueReportSection on its own connection.

export interface TrackerQuery {
  asOf?: LocalDate;
  status?: TrackerStatus;
  since?: LocalDate;
}

type Meeting = typeof meetings.$inferSelect;

/** The meeting as the CSV's context columns read it. */
const meetingRef = (m: Pick<Meeting, 'id' | 'startsAt' | 'agendaDespatchBy'> | null | undefined) =>
  (m ? { id: m.id, startsAt: m.startsAt, agendaDespatchBy: m.agendaDespatchBy } : null);

type CommitteeRow = { id: number; name: string; timezone: string; authority: string | null };

/**
 * One committee's part of the overdue report as a document section: its overdue and due-soon
 * actions in the report's order with the report's days overdue. The report decides which
 * actions appear; this only reads what the pages show. Used whole (overdueReport below) and a
 * committee at a time (jobs/report-stream.ts, on its own connection).
 */
export function* overdueReportSection(db: Db, reader: Reader, committee: CommitteeRow, entry: ReportedMeeting, asOf: LocalDate): Program<DocumentSection> {
  const context: RowContext = { timeZone: committee.timezone, asOf };
  const ids = [...entry.overdue, ...entry.dueSoon].map((a) => a.id);
  const rows = yield* values(sourcesByIds(db, reader.visibilities), { ids: dialect.idList(ids) });
  const sources = new Map(rows.map((row) => {
    const source = toDocumentSource(row);
    return [source.id, source] as const;
  }));
  const rowsOf = (list: typeof entry.overdue) => list.flatMap((a): DocumentRow[] => {
    const source = sources.get(a.id);
    return source ? [documentRow(source, context, a.daysOverdue ?? null)] : [];
  });
  return {
    committee: { id: committee.id, name: committee.name },
    meeting: meetingRef(entry.meeting),
    heading: committee.name,
    lines: [entry.meeting ? `Next meeting: ${meetingWords(entry.meeting, committee.timezone)}.` : 'No meeting is scheduled.'],
    tables: [
      { name: 'overdue', caption: `Overdue (${entry.overdue.length})`, rows: rowsOf(entry.overdue), empty: 'Nothing is overdue.' },
      { name: 'due_soon', caption: `Due soon (${entry.dueSoon.length})`, rows: rowsOf(entry.dueSoon), empty: 'Nothing is due soon.' },
    ],
  };
}

const meetingWords = (m: Pick<Meeting, 'startsAt' | 'venue' | 'agendaDespatchBy'>, timeZone: string) =>
  `${instantInWords(m.startsAt, timeZone)}${m.venue ? `, ${m.venue}` : ''} (agenda despatch ${dayInWords(m.agendaDespatchBy)})`;

export function createDocumentRepository(db: Db, { committees }: { committees: Pick<CommitteeRepository, 'get' | 'todayFor'> }) {
  const queries = () => queryShape(db, 'documents:meetings', () => ({
    next: db.select().from(meetings)
      .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), eq(meetings.status, 'scheduled'), gte(meetings.localDate, sql.placeholder('asOf'))))
      .orderBy(asc(meetings.startsAtUtc), asc(meetings.id)).limit(1).prepare(),
    byId: db.select().from(meetings).where(eq(meetings.id, sql.placeholder('id'))).prepare(),
  }));

  return {
    /** GET /v1/committees/{id}/tracker: the committee's actions for its next agenda pack. */
    *tracker(reader: Reader, committeeId: number, query: TrackerQuery = {}): Program<DocumentModel> {
      const committee = yield* committees.get(committeeId);
      const asOf = query.asOf ?? (yield* committees.todayFor(committeeId));
      const status = query.status ?? 'open';
      const context: RowContext = { timeZone: committee.timezone, asOf };
      const rows = (yield* values(trackerSources(db, reader.visibilities, status), { committeeId, since: query.since ?? '' }))
        .map((row) => documentRow(toDocumentSource(row), context));
      const next = yield* first(queries().next, { committeeId, asOf });
      const lines = [
        `As of ${dayInWords(asOf)}.`,
        next ? `Next meeting: ${meetingWords(next, committee.timezone)}.` : 'No meeting is scheduled.',
        `${status === 'open' ? 'Actions still awaiting an answer' : 'Every action, answered or not'}${query.since ? ` raised at meetings on or after ${dayInWords(query.since)}` : ''}.`,
      ];
      return {
        document: 'tracker',
        title: `${committee.name}: recommendation tracker`,
        runningHeader: runningHeader(committee.authority, committee.name),
        asOf,
        lines,
        sections: [{
          committee: { id: committee.id, name: committee.name },
          meeting: meetingRef(next),
          heading: null,
          lines: [],
          tables: [{ name: 'actions', caption: `Actions (${rows.length})`, rows, empty: 'There are no actions to report.' }],
        }],
        ragKey: RAG_KEY,
      };
    },

    /** GET /v1/meetings/{id}/action-log in the human formats: what is due at (or flagged at) the meeting. */
    *actionLog(reader: Reader, meetingId: number, asOfGiven?: LocalDate): Program<DocumentModel> {
      const meeting = mustFind(yield* first(queries().byId, { id: meetingId }), 'Meeting', meetingId);
      const committee = yield* committees.get(meeting.committeeId);
      const asOf = asOfGiven ?? (yield* committees.todayFor(committee.id));
      const context: RowContext = { timeZone: committee.timezone, asOf };
      const rows = (yield* values(actionLogSources(db, reader.visibilities), { meetingId })).map((row) => documentRow(toDocumentSource(row), context));
      const outstanding = rows.filter((r) => BEING_WORKED.includes(r.status.value));
      const answered = rows.filter((r) => !BEING_WORKED.includes(r.status.value));
      return {
        document: 'action-log',
        title: `${committee.name}: action log`,
        runningHeader: runningHeader(committee.authority, committee.name),
        asOf,
        lines: [`Meeting: ${meetingWords(meeting, committee.timezone)}.`, `As of ${dayInWords(asOf)}.`],
        sections: [{
          committee: { id: committee.id, name: committee.name },
          meeting: meetingRef(meeting),
          heading: null,
          lines: [],
          tables: [
            { name: 'outstanding', caption: `Still to be answered (${outstanding.length})`, rows: outstanding, empty: 'Nothing is still to be answered.' },
            { name: 'answered', caption: `Answered, closed or withdrawn (${answered.length})`, rows: answered, empty: 'Nothing has been answered yet.' },
          ],
        }],
        ragKey: RAG_KEY,
      };
    },

    /**
     * The overdue report (as built for the reader) as a document: a section per committee and
     * meeting (overdueReportSection).
     */
    *overdueReport(reader: Reader, report: OverdueReport): Program<DocumentModel> {
      const authorities = new Set<string>();
      const names: string[] = [];
      const sections: DocumentSection[] = [];
      for (const entry of report.meetings) {
        const committee = yield* committees.get(entry.committee.id);
        if (committee.authority) authorities.add(committee.authority);
        names.push(committee.name);
        sections.push(yield* overdueReportSection(db, reader, committee, entry, report.asOf));
      }
      const authority = authorities.size === 1 ? [...authorities][0]! : null;
      return {
        document: 'overdue-report',
        title: 'Overdue actions report',
        runningHeader: runningHeader(authority, names.length === 1 ? names[0]! : 'All committees'),
        asOf: report.asOf,
        lines: [`As of ${dayInWords(report.asOf)}.`, ...(sections.length === 0 ? ['No committee has overdue or due-soon actions.'] : [])],
        sections,
        ragKey: RAG_KEY,
      };
    },
  };
}

export type DocumentRepository = ReturnType<typeof createDocumentRepository>;
