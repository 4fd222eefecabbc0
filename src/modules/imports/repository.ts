import { and, asc, eq, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, run, tx, type Program } from '../../db/program.js';
import { agendaItems, attendance, committees, declarations, meetings, people, resolutions } from '../../db/tables.js';
import { rowsVisibleTo } from '../../db/visibility.js';
import { seesCommittee, type Reader } from '../../domain/visibility.js';
import { localDateOf } from '../../domain/local-date.js';
import { REFERENCE_MAX } from '../../domain/reference.js';
import { NothingToImportError } from '../../errors.js';
import type { Actor } from '../../domain/actor.js';
import type { DraftAction, MinutesDraft } from '../../import/index.js';
import type { ActionRepository } from '../actions/repository.js';
import type { MeetingRepository } from '../meetings/repository.js';
import { mustFind } from '../shared/crud.js';
import { insertAudited, recordAudit } from '../shared/audited.js';
import { referenceIsFree } from '../actions/reference.js';
import { attendeeNamed, checkItemsMayBeFiled, cut, itemTitle, paragraphOf, startsAtOf, usableHint } from './draft-values.js';

// Saving a reviewed draft: the meeting, attendance, items, resolutions, declarations and
// actions in ONE transaction, each write audited. Importing the same minutes again finds the
// meeting already holding items and saves nothing new. Programs (db/program.ts): services.ts
// runs them on the engine; drafts.ts `yield*`s commitIn and commitToItemsIn in its own commit.

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

export function createImportRepository(db: Db, deps: { meetings: MeetingRepository; actions: ActionRepository }) {
  function* personFor(actor: Actor, name: string, kind: typeof people.$inferInsert['kind'] = 'councillor', organisation?: string): Program<typeof people.$inferSelect> {
    const clean = cut(name.trim(), 200);
    const found = yield* first(db.select().from(people).where(sql`lower(${people.name}) = lower(${clean})`));
    return found ?? (yield* insertAudited(db, actor, 'person', people, { name: clean, kind, organisation: organisation ?? null }));
  }

  function actionInput(action: DraftAction & { ownerId?: number | null }, meetingId: number, itemIds: number[], resolutionIds: (number | null)[]) {
    const hint = usableHint(action.dueHint);
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
      ...(action.ownerId ? { ownerId: action.ownerId } : {}),
      ...(hint?.rule === 'quarter' ? { dueQuarter: hint.quarter } : {}),
      ...(hint?.rule === 'date' ? { dueDate: hint.date } : {}),
    };
  }

  /**
   * The reference a draft action cites, when it can be the action's: one the committee already
   * uses (a second import of the same minutes under another date, two actions citing one) is
   * left for a generated one, with a warning, rather than refusing the whole import.
   */
  function* draftReference(committeeId: number, action: DraftAction, warnings: string[]): Program<string | undefined> {
    const reference = action.reference?.replace(/\s+/g, ' ').trim();
    if (!reference) return undefined;
    const name = `"${cut(action.title || action.sourceSentence, 60)}"`;
    if (reference.length > REFERENCE_MAX) {
      warnings.push(`The reference of ${name} is longer than ${REFERENCE_MAX} characters: it was given a new reference instead`);
      return undefined;
    }
    if (!(yield* referenceIsFree(db, committeeId, reference))) {
      warnings.push(`The reference "${reference}" of ${name} is already used in this committee: it was given a new reference instead`);
      return undefined;
    }
    return reference;
  }

  /** 404 unless the committee exists and the reader sees it (another council's answers as a missing one). */
  function* committeeExists(reader: Reader, committeeId: number): Program<void> {
    const found = yield* first(db.select({ id: committees.id }).from(committees).where(eq(committees.id, committeeId)));
    mustFind(found && seesCommittee(reader, found.id) ? found : undefined, 'Committee', committeeId);
  }

  /** As commit(), inside a caller's transaction (a stored draft's commit). */
  function* commitIn(actor: Actor, draft: MinutesDraft, options: CommitOptions): Program<CommitResult> {
    const found = yield* first(db.select().from(committees).where(eq(committees.id, options.committeeId)));
    // Another council's committee, to a key limited to a council, answers as a missing one.
    const committee = mustFind(found && seesCommittee(actor, found.id) ? found : undefined, 'Committee', options.committeeId);
    if (draft.items.length === 0) {
      throw new NothingToImportError('No agenda items could be read from the minutes: nothing was saved');
    }
    checkItemsMayBeFiled(actor, draft);
    const startsAt = startsAtOf(draft, options, committee.timezone);
    const warnings: string[] = [];
    const counts = { items: 0, resolutions: 0, declarations: 0, actions: 0, attendance: 0 };

    const already = (meetingId: number, why = 'These minutes were already imported'): CommitResult => ({
      created: false, meetingId, counts, warnings: [`${why}: nothing was saved`],
    });
    const titles = draft.items.map(itemTitle);
    // Only items the caller may read are compared or counted: whether minutes were "already
    // imported" must not tell a caller anything about business hidden from it.
    const visible = rowsVisibleTo(agendaItems.visibility, actor);
    // The same minutes imported before with another start time (startsAt given once, read
    // from the text the other time): a meeting that day holding exactly these items.
    const sameDay = yield* all(db
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.committeeId, committee.id), eq(meetings.localDate, localDateOf(startsAt, committee.timezone)))));
    for (const { id } of sameDay) {
      const held = yield* all(db.select({ title: agendaItems.title }).from(agendaItems).where(and(eq(agendaItems.meetingId, id), visible)).orderBy(asc(agendaItems.position), asc(agendaItems.id)));
      if (held.length === titles.length && held.every((row, i) => row.title === titles[i])) return already(id);
    }

    const startsAtUtc = DateTime.fromISO(startsAt, { setZone: true }).toUTC().toISO();
    let meeting = yield* first(db
      .select()
      .from(meetings)
      .where(and(eq(meetings.committeeId, committee.id), eq(meetings.startsAtUtc, startsAtUtc ?? ''))));
    if (meeting) {
      const hasItems = yield* first(db.select({ id: agendaItems.id }).from(agendaItems).where(and(eq(agendaItems.meetingId, meeting.id), visible)));
      // Another set of minutes for the same meeting: refused rather than merged.
      if (hasItems) return already(meeting.id, `Meeting ${meeting.id} at this time already has agenda items`);
      if (meeting.status !== 'held') {
        const venue = meeting.venue ?? (draft.meeting.venue ? cut(draft.meeting.venue, 300) : null);
        meeting = yield* deps.meetings.updateIn(actor, meeting, { status: 'held', venue });
      }
    } else {
      meeting = yield* deps.meetings.createIn(actor, committee.id, {
        startsAt,
        venue: draft.meeting.venue ? cut(draft.meeting.venue, 300) : null,
        status: 'held',
      });
    }
    const meetingId = meeting.id;

    const seen = new Set<number>();
    for (const entry of draft.attendance) {
      const person = yield* personFor(actor, entry.name, entry.kind, entry.represents);
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      yield* run(db.insert(attendance).values({ meetingId, personId: person.id, status: entry.status }).onConflictDoNothing());
      counts.attendance++;
    }
    if (seen.size > 0) yield* recordAudit(db, actor, 'attendance', meetingId, 'update', [], draft.attendance);

    const itemIds: number[] = [];
    for (const item of draft.items) {
      const exempt = item.visibility !== 'public';
      const values = {
        meetingId,
        number: item.number ? cut(item.number, 20) : null,
        title: itemTitle(item),
        minutes: cut(item.minutes, 100_000),
        position: item.position,
        visibility: item.visibility,
        exemptParagraph: exempt ? paragraphOf(item) : null,
      };
      const row = yield* insertAudited(db, actor, 'item', agendaItems, values);
      counts.items++;
      itemIds.push(row.id);
    }

    const resolutionIds: (number | null)[] = [];
    for (const r of draft.resolutions) {
      const itemId = itemIds[r.itemIndex];
      if (itemId === undefined) {
        warnings.push(`Resolution "${cut(r.text, 60)}" belongs to no item of these minutes: not saved`);
        resolutionIds.push(null);
        continue;
      }
      counts.resolutions++;
      resolutionIds.push((yield* insertAudited(db, actor, 'resolution', resolutions, {
        itemId,
        number: r.number ? cut(r.number, 20) : null,
        text: cut(r.text, 20_000),
        kind: r.kind,
      })).id);
    }

    for (const d of draft.declarations) {
      const itemId = d.itemIndex === null ? undefined : itemIds[d.itemIndex];
      if (itemId === undefined) {
        warnings.push(`Declaration by ${d.personName} names no item of these minutes: not saved`);
        continue;
      }
      const person = yield* personFor(actor, attendeeNamed(draft, d.personName) ?? d.personName);
      yield* insertAudited(db, actor, 'declaration', declarations, { itemId, personId: person.id, kind: d.kind, detail: cut(d.detail, 2000) });
      counts.declarations++;
    }

    for (const action of draft.actions) {
      if (action.dueHint && !usableHint(action.dueHint)) {
        warnings.push(`The due hint of "${cut(action.title || action.sourceSentence, 60)}" is not a usable date: it is due at the next meeting instead`);
      }
      const reference = yield* draftReference(committee.id, action, warnings);
      yield* deps.actions.createIn(actor, { ...actionInput(action, meetingId, itemIds, resolutionIds), ...(reference ? { reference } : {}) });
      counts.actions++;
    }
    return { created: true, meetingId, counts, warnings };
  }

  /**
   * The follow-ups of a synced meeting's minutes (a Modern.gov draft): its items are already
   * ours (`itemIds`, one per draft item), so only the resolutions and actions are written.
   */
  function* commitToItemsIn(actor: Actor, draft: MinutesDraft, meetingId: number, itemIds: (number | null)[]): Program<CommitResult> {
    const meeting = mustFind(yield* first(db.select().from(meetings).where(eq(meetings.id, meetingId))), 'Meeting', meetingId);
    const warnings: string[] = [];
    const counts = { items: 0, resolutions: 0, declarations: 0, actions: 0, attendance: 0 };
    const ids = itemIds.map((id) => id ?? -1);
    const resolutionIds: (number | null)[] = [];
    for (const r of draft.resolutions) {
      const itemId = itemIds[r.itemIndex];
      if (itemId == null) {
        resolutionIds.push(null);
        continue;
      }
      counts.resolutions++;
      resolutionIds.push((yield* insertAudited(db, actor, 'resolution', resolutions, {
        itemId, number: r.number ? cut(r.number, 20) : null, text: cut(r.text, 20_000), kind: r.kind,
      })).id);
    }
    for (const action of draft.actions) {
      if (itemIds[action.itemIndex] == null) {
        warnings.push(`"${cut(action.title || action.sourceSentence, 60)}" belongs to no item of the meeting: not saved`);
        continue;
      }
      if (action.dueHint && !usableHint(action.dueHint)) {
        warnings.push(`The due hint of "${cut(action.title || action.sourceSentence, 60)}" is not a usable date: it is due at the next meeting instead`);
      }
      const reference = yield* draftReference(meeting.committeeId, action, warnings);
      yield* deps.actions.createIn(actor, { ...actionInput(action, meetingId, ids, resolutionIds), ...(reference ? { reference } : {}) });
      counts.actions++;
    }
    return { created: true, meetingId, counts, warnings };
  }

  return {
    committeeExists,

    commit(actor: Actor, draft: MinutesDraft, options: CommitOptions): Program<CommitResult> {
      return tx(() => commitIn(actor, draft, options));
    },

    commitIn,
    commitToItemsIn,
  };
}

export type ImportRepository = ReturnType<typeof createImportRepository>;
