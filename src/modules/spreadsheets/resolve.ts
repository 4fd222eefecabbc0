import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { actions, actionUpdates, agendaItems, committees, meetings, people } from '../../db/tables.js';
import { all, first, type Program } from '../../db/program.js';
import { ACTION_STATUSES, type ActionStatus } from '../../domain/action-lifecycle.js';
import { isVisibleTo, seesCommittee, visibilities, type Visibility } from '../../domain/visibility.js';
import { ACTION_KINDS, RAG_RATINGS } from '../../domain/vocabulary.js';
import type { Actor } from '../../domain/actor.js';
import { parseDateCell, parseQuarterCell } from './cells.js';

// The names a tracker uses, as the tracker's records: committees by id or name, meetings by
// date, people by id or name, items by number, statuses and RAG in councils' words. Each table
// is read once per import (a committee's meetings and references once per committee), not once
// per row: a tracker of ten thousand rows names the same few committees and meetings throughout.

const lower = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');

/** Councils' words for a status, by the status they mean. */
const STATUS_WORDS: Record<ActionStatus, string[]> = {
  open: ['open', 'not started', 'outstanding', 'new', 'pending', 'not yet started'],
  in_progress: ['in progress', 'in_progress', 'ongoing', 'on going', 'underway', 'under way', 'started', 'in hand'],
  responded: ['responded', 'answered', 'response received', 'response provided'],
  closed: ['closed', 'complete', 'completed', 'done', 'achieved', 'implemented', 'resolved'],
  withdrawn: ['withdrawn', 'no longer required', 'superseded', 'cancelled', 'not required'],
};
const STATUS_BY_WORD = new Map(Object.entries(STATUS_WORDS).flatMap(([status, words]) => words.map((w) => [w, status as ActionStatus] as const)));

export function statusOf(cell: string): ActionStatus | undefined {
  return STATUS_BY_WORD.get(lower(cell));
}
export const STATUS_HINT = `one of ${ACTION_STATUSES.join(', ')} (or "complete", "ongoing", "not started" …)`;

export function ragOf(cell: string): (typeof RAG_RATINGS)[number] | undefined {
  const word = lower(cell);
  return RAG_RATINGS.find((rag) => rag === word || rag[0] === word);
}

export function kindOf(cell: string): (typeof ACTION_KINDS)[number] | undefined {
  const word = lower(cell).replace(/ /g, '_');
  return ACTION_KINDS.find((kind) => kind === word);
}

export function visibilityOf(cell: string): Visibility | undefined {
  return visibilities.find((v) => v === lower(cell));
}

/** A due written in a "Target date" cell: a date, a quarter, or "next meeting". */
export type DueCell = { rule: 'date'; date: string } | { rule: 'quarter'; quarter: string } | { rule: 'next_meeting' };
const NO_DATE = new Set(['', 'next meeting', 'next committee', 'next_meeting', 'tbc', 'tba', 'n/a', '-']);
export function dueOfCell(cell: string): DueCell | undefined {
  const date = parseDateCell(cell.trim());
  if (date) return { rule: 'date', date };
  const quarter = parseQuarterCell(cell);
  if (quarter) return { rule: 'quarter', quarter };
  return NO_DATE.has(lower(cell)) ? { rule: 'next_meeting' } : undefined;
}

export interface CommitteeRef { id: number; name: string }
export interface MeetingRef { id: number; committeeId: number; localDate: string }

/** Lookups for one import, over its transaction: the committees read now, the rest as rows ask (programs). */
export function* createResolver(db: Db, actor: Actor) {
  // A key limited to a council knows only its committees (and their meetings): a row naming
  // another council's, by id or by name, is refused exactly as one naming a missing committee.
  const allCommittees = (yield* all(db
    .select({ id: committees.id, name: committees.name, slug: committees.slug })
    .from(committees)))
    .filter((c) => seesCommittee(actor, c.id));
  const committeeById = new Map(allCommittees.map((c) => [c.id, c]));
  const committeesByName = new Map<string, CommitteeRef[]>();
  for (const c of allCommittees) {
    for (const key of new Set([lower(c.name), lower(c.slug)])) committeesByName.set(key, [...(committeesByName.get(key) ?? []), c]);
  }
  let peopleByName: Map<string, number[]> | undefined;
  let personIds: Set<number> | undefined;
  const meetingsOf = new Map<number, Map<string, number[]>>();
  const referencesOf = new Map<number, Map<string, number>>();
  const meetingById = new Map<number, MeetingRef | undefined>();
  const itemsOf = new Map<number, { id: number; number: string | null; visibility: Visibility }[]>();

  return {
    committee(cell: string): CommitteeRef | string {
      const text = cell.trim();
      if (/^[1-9][0-9]*$/.test(text)) return committeeById.get(Number(text)) ?? `committee ${text} does not exist`;
      const found = committeesByName.get(lower(text)) ?? [];
      if (found.length === 1) return found[0]!;
      return found.length === 0 ? `no committee is named "${text}"` : `${found.length} committees are named "${text}": give its id`;
    },
    committeeById: (id: number): CommitteeRef | undefined => committeeById.get(id),
    *meeting(id: number): Program<MeetingRef | undefined> {
      if (meetingById.has(id)) return meetingById.get(id);
      const found = yield* first(db.select({ id: meetings.id, committeeId: meetings.committeeId, localDate: meetings.localDate }).from(meetings).where(eq(meetings.id, id)));
      const seen = found && seesCommittee(actor, found.committeeId) ? found : undefined;
      meetingById.set(id, seen);
      return seen;
    },
    /** The committee's meeting on a local date (YYYY-MM-DD), or why there is not exactly one. */
    *meetingOn(committee: CommitteeRef, date: string): Program<number | string> {
      let byDate = meetingsOf.get(committee.id);
      if (!byDate) {
        byDate = new Map();
        for (const m of yield* all(db.select({ id: meetings.id, localDate: meetings.localDate }).from(meetings).where(eq(meetings.committeeId, committee.id)))) {
          byDate.set(m.localDate, [...(byDate.get(m.localDate) ?? []), m.id]);
        }
        meetingsOf.set(committee.id, byDate);
      }
      const ids = byDate.get(date) ?? [];
      if (ids.length === 1) return ids[0]!;
      return ids.length === 0
        ? `${committee.name} has no meeting on ${date}`
        : `${committee.name} has ${ids.length} meetings on ${date}: give ?meetingId=`;
    },
    /** A person by id or by name (exactly one person of that name), or undefined: free text. */
    *person(cell: string): Program<{ id: number } | { text: string } | string> {
      const text = cell.trim();
      if (/^[1-9][0-9]*$/.test(text)) {
        personIds ??= new Set((yield* all(db.select({ id: people.id }).from(people))).map((p) => p.id));
        return personIds.has(Number(text)) ? { id: Number(text) } : `person ${text} does not exist`;
      }
      if (!peopleByName) {
        peopleByName = new Map();
        for (const p of yield* all(db.select({ id: people.id, name: people.name }).from(people))) {
          peopleByName.set(lower(p.name), [...(peopleByName.get(lower(p.name)) ?? []), p.id]);
        }
      }
      const ids = peopleByName.get(lower(text)) ?? [];
      return ids.length === 1 ? { id: ids[0]! } : { text: cell };
    },
    /** The item numbered so on the meeting, as the caller may see it: a hidden item is as a missing one. */
    *item(meetingId: number, number: string): Program<number | string> {
      let items = itemsOf.get(meetingId);
      if (!items) {
        items = yield* all(db.select({ id: agendaItems.id, number: agendaItems.number, visibility: agendaItems.visibility }).from(agendaItems).where(eq(agendaItems.meetingId, meetingId)));
        itemsOf.set(meetingId, items);
      }
      const found = items.filter((i) => i.number !== null && lower(i.number) === lower(number) && isVisibleTo(actor, i.visibility));
      return found.length === 1 ? found[0]!.id : `the meeting has no item numbered "${number.trim()}"`;
    },
    /** The action of the committee holding a reference, if any (visible or not). */
    *holder(committeeId: number, reference: string): Program<number | undefined> {
      let refs = referencesOf.get(committeeId);
      if (!refs) {
        refs = new Map();
        for (const a of yield* all(db.select({ id: actions.id, reference: actions.reference }).from(actions).where(eq(actions.committeeId, committeeId)))) {
          if (a.reference !== null) refs.set(a.reference, a.id);
        }
        referencesOf.set(committeeId, refs);
      }
      return refs.get(reference);
    },
    *latestUpdate(actionId: number): Program<string | undefined> {
      const row = yield* first(db
        .select({ text: actionUpdates.text })
        .from(actionUpdates)
        .where(eq(actionUpdates.actionId, actionId))
        .orderBy(sql`${actionUpdates.id} DESC`)
        .limit(1));
      return row?.text;
    },
  };
}

export type Resolver = ReturnType<typeof createResolver> extends Program<infer R> ? R : never;
