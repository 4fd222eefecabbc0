import { and, eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.js';
import { agendaItems, attendance, committees, declarations, meetings, people, resolutions } from '../../db/schema.js';
import { invalidField } from '../../errors.js';
import type { Actor } from '../../http/context.js';
import type { DraftAction, MinutesDraft } from '../../import/index.js';
import { recordAudit } from '../audit/repository.js';
import type { ActionRepository } from '../actions/repository.js';
import type { MeetingRepository } from '../meetings/repository.js';
import { insertAudited, mustFind, type Tx } from '../shared/crud.js';

// Saving a reviewed draft: the meeting, attendance, items, resolutions, declarations and
// actions in ONE transaction, each write audited. Importing the same minutes again finds the
// meeting already holding items and saves nothing new.

export interface CommitOptions {
  committeeId: number;
  /** Overrides the date and time read from the minutes (ISO 8601 with offset). */
  startsAt?: string;
}

export interface CommitResult {
  created: boolean;
  meetingId: number;
  counts: { items: number; resolutions: number; declarations: number; actions: number; attendance: number };
  warnings: string[];
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function startsAtOf(draft: MinutesDraft, options: CommitOptions, timeZone: string): string {
  if (options.startsAt) return options.startsAt;
  if (draft.meeting.startsAt) return draft.meeting.startsAt;
  if (draft.meeting.date) {
    // Minutes without a time: noon local time keeps the meeting on its own date in any zone.
    return DateTime.fromISO(`${draft.meeting.date}T12:00`, { zone: timeZone }).toISO()!;
  }
  throw invalidField('/body/startsAt', 'the minutes give no meeting date: send startsAt');
}

export function createImportRepository(db: Db, deps: { meetings: MeetingRepository; actions: ActionRepository }) {
  function personFor(tx: Tx, actor: Actor, name: string, kind: typeof people.$inferInsert['kind'] = 'councillor', organisation?: string) {
    const clean = cut(name.trim(), 200);
    const found = tx.select().from(people).where(sql`lower(${people.name}) = lower(${clean})`).get();
    return found ?? insertAudited(tx, actor, 'person', people, { name: clean, kind, organisation: organisation ?? null });
  }

  function actionInput(action: DraftAction, meetingId: number, itemIds: number[], resolutionIds: number[]) {
    const hint = action.dueHint;
    const detail = [action.detail, action.requestedBy ? `Requested by ${action.requestedBy}.` : '', `From the minutes: "${action.sourceSentence}"`]
      .filter(Boolean)
      .join('\n\n');
    return {
      meetingId,
      itemId: itemIds[action.itemIndex] ?? null,
      resolutionId: action.resolutionIndex === null ? null : (resolutionIds[action.resolutionIndex] ?? null),
      kind: action.kind,
      title: cut(action.title || action.sourceSentence, 300),
      detail: cut(detail, 10000),
      ownerText: action.owner ? cut(action.owner, 300) : null,
      ...(hint?.rule === 'quarter' ? { dueQuarter: hint.quarter } : {}),
      ...(hint?.rule === 'date' ? { dueDate: hint.date } : {}),
    };
  }

  return {
    commit(actor: Actor, draft: MinutesDraft, options: CommitOptions): CommitResult {
      return db.transaction((tx) => {
        const committee = mustFind(tx.select().from(committees).where(eq(committees.id, options.committeeId)).get(), 'Committee', options.committeeId);
        const startsAt = startsAtOf(draft, options, committee.timezone);
        const warnings: string[] = [];
        const counts = { items: 0, resolutions: 0, declarations: 0, actions: 0, attendance: 0 };

        const startsAtUtc = DateTime.fromISO(startsAt, { setZone: true }).toUTC().toISO();
        let meeting = tx
          .select()
          .from(meetings)
          .where(and(eq(meetings.committeeId, committee.id), eq(meetings.startsAtUtc, startsAtUtc ?? '')))
          .get();
        if (meeting) {
          const hasItems = tx.select({ id: agendaItems.id }).from(agendaItems).where(eq(agendaItems.meetingId, meeting.id)).get();
          if (hasItems) return { created: false, meetingId: meeting.id, counts, warnings: ['These minutes were already imported: nothing was saved'] };
          if (meeting.status !== 'held') meeting = deps.meetings.updateIn(tx, actor, meeting, { status: 'held', venue: meeting.venue ?? draft.meeting.venue });
        } else {
          meeting = deps.meetings.createIn(tx, actor, committee.id, {
            startsAt,
            venue: draft.meeting.venue ? cut(draft.meeting.venue, 300) : null,
            status: 'held',
          });
        }
        const meetingId = meeting.id;

        const seen = new Set<number>();
        for (const entry of draft.attendance) {
          const person = personFor(tx, actor, entry.name, entry.kind, entry.represents);
          if (seen.has(person.id)) continue;
          seen.add(person.id);
          tx.insert(attendance).values({ meetingId, personId: person.id, status: entry.status }).onConflictDoNothing().run();
          counts.attendance++;
        }
        if (seen.size > 0) recordAudit(tx, actor, 'attendance', meetingId, 'update', [], draft.attendance);

        const itemIds = draft.items.map((item) => {
          const exempt = item.visibility !== 'public';
          if (exempt && !item.exemptParagraph) warnings.push(`Item ${item.number ?? item.title} is exempt but the minutes do not name its Schedule 12A paragraph: set exemptParagraph`);
          counts.items++;
          return insertAudited(tx, actor, 'item', agendaItems, {
            meetingId,
            number: item.number ? cut(item.number, 20) : null,
            title: cut(item.title || 'Untitled item', 500),
            minutes: cut(item.minutes, 100_000),
            position: item.position,
            visibility: item.visibility,
            exemptParagraph: exempt ? (item.exemptParagraph ?? null) : null,
          }).id;
        });

        const resolutionIds = draft.resolutions.map((r) => {
          counts.resolutions++;
          return insertAudited(tx, actor, 'resolution', resolutions, {
            itemId: itemIds[r.itemIndex]!,
            number: r.number ? cut(r.number, 20) : null,
            text: cut(r.text, 20_000),
            kind: r.kind,
          }).id;
        });

        for (const d of draft.declarations) {
          const itemId = d.itemIndex === null ? undefined : itemIds[d.itemIndex];
          if (itemId === undefined) {
            warnings.push(`Declaration by ${d.personName} names no item of these minutes: not saved`);
            continue;
          }
          const person = personFor(tx, actor, d.personName);
          insertAudited(tx, actor, 'declaration', declarations, { itemId, personId: person.id, kind: d.kind, detail: cut(d.detail, 2000) });
          counts.declarations++;
        }

        const admin = { ...actor, visibilities: ['public', 'exempt', 'confidential'] as const };
        for (const action of draft.actions) {
          deps.actions.createIn(tx, admin, actionInput(action, meetingId, itemIds, resolutionIds));
          counts.actions++;
        }
        return { created: true, meetingId, counts, warnings };
      });
    },
  };
}

export type ImportRepository = ReturnType<typeof createImportRepository>;
