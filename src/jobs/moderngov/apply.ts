import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { DateTime } from 'luxon';
import { all, first, type Program } from '../../db/program.js';
import { agendaItems, committees, dialect, meetings } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import type { Clock } from '../../domain/clock.js';
import { defaultReferencePrefix } from '../../domain/reference.js';
import type { MgCommittee, MgMeeting, MgMeetingSummary } from '../../moderngov/client.js';
import { committeeKindOf, startsAtOfMg, statusOfMg } from '../../moderngov/mapping.js';
import type { DraftRepository } from '../../modules/imports/drafts.js';
import type { MeetingRepository, MeetingRow } from '../../modules/meetings/repository.js';
import { insertAudited, updateAudited } from '../../modules/shared/audited.js';
import { draftOf, minutesOf } from './draft.js';

// What the sync writes, as programs (db/program.ts) run inside the transaction its caller opens:
// a committee, or one meeting with its agenda items and its minutes' draft. Records are matched
// by their Modern.gov ids and only what differs is written, so a meeting that has not changed
// costs three indexed reads (the meeting, its items, its draft) and no write. Those reads are
// prepared once.

export type CommitteeRow = typeof committees.$inferSelect;

/** The counts of the sync's summary this writes to. */
export interface Counts {
  committees: { created: number; updated: number };
  meetings: { created: number; updated: number; cancelled: number };
  items: { created: number; updated: number };
  drafts: { created: number; updated: number };
}

export interface ApplyDeps {
  meetings: MeetingRepository;
  /** The drafts' programs. */
  drafts: DraftRepository;
  clock: Clock;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const slugOf = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'committee';

export function createModernGovApply(db: Db, deps: ApplyDeps) {
  const meetingByExternalId = db.select().from(meetings)
    .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), eq(meetings.externalId, sql.placeholder('externalId'))))
    .prepare();
  const unlinkedMeetingAt = db.select().from(meetings)
    .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), eq(meetings.startsAtUtc, sql.placeholder('utc')), isNull(meetings.externalId)))
    .prepare();
  // Every item of the agenda at once, wherever it sits now (an item may have moved between meetings).
  const itemsByExternalIds = db.select().from(agendaItems)
    .where(dialect.textIn(agendaItems.externalId, sql.placeholder('ids')))
    .prepare();

  function* upsertCommittee(actor: Actor, c: MgCommittee, counts: Counts): Program<CommitteeRow | null> {
    const existing = yield* first(db.select().from(committees).where(eq(committees.externalId, c.id)));
    const name = cut(c.title, 200);
    if (!existing) {
      if (c.deleted || c.expired) return null;
      let slug = slugOf(name);
      if (yield* first(db.select({ id: committees.id }).from(committees).where(eq(committees.slug, slug)))) slug = `${slug}-${slugOf(c.id)}`;
      counts.committees.created++;
      return yield* insertAudited(db, actor, 'committee', committees, {
        name, slug, kind: committeeKindOf(c.title), referencePrefix: defaultReferencePrefix(name), externalId: c.id,
      });
    }
    if (c.deleted) return null;
    if (existing.name === name) return existing;
    counts.committees.updated++;
    return yield* updateAudited(db, actor, 'committee', committees, existing, { name });
  }

  /** The meeting itself: created, changed where Modern.gov differs, or left alone. */
  function* applyMeetingRow(actor: Actor, committee: CommitteeRow, summary: MgMeetingSummary, detail: MgMeeting | null, counts: Counts): Program<MeetingRow> {
    const startsAt = startsAtOfMg(detail?.date ?? summary.date, detail?.time ?? summary.time, committee.timezone);
    if (!startsAt) throw new Error(`meeting ${summary.id}: the date "${summary.date ?? ''}" and time "${summary.time ?? ''}" cannot be read`);
    const status = statusOfMg(detail?.status ?? summary.status, startsAt, deps.clock());
    const utc = DateTime.fromISO(startsAt, { setZone: true }).toUTC().toISO();
    // Matched by its Modern.gov id; else a meeting typed in (or imported from minutes) at the same
    // start and not linked to another, which becomes this one rather than a duplicate.
    const existing = ((yield* first(meetingByExternalId, { committeeId: committee.id, externalId: summary.id }))
      ?? (yield* first(unlinkedMeetingAt, { committeeId: committee.id, utc: utc ?? '' }))) as MeetingRow | undefined;
    const venue = detail?.location ? cut(detail.location, 300) : null;
    if (!existing) {
      const meeting = yield* deps.meetings.createIn(actor, committee.id, { startsAt, status, venue, externalId: summary.id });
      counts.meetings.created++;
      if (status === 'cancelled') counts.meetings.cancelled++;
      return meeting;
    }
    const changes: { startsAt?: string; status?: typeof status; venue?: string | null; externalId?: string } = {};
    if (existing.externalId !== summary.id) changes.externalId = summary.id;
    if (utc !== existing.startsAtUtc) changes.startsAt = startsAt;
    if (status !== existing.status) changes.status = status;
    if (detail && venue !== null && venue !== existing.venue) changes.venue = venue;
    if (Object.keys(changes).length === 0) return existing;
    const meeting = yield* deps.meetings.updateIn(actor, existing, changes);
    if (changes.status === 'cancelled') counts.meetings.cancelled++;
    else counts.meetings.updated++;
    return meeting;
  }

  /** The agenda's items, by Modern.gov id: our ids by theirs. */
  function* applyItems(actor: Actor, meeting: MeetingRow, detail: MgMeeting, counts: Counts): Program<Map<string, number>> {
    const rows = (yield* all(itemsByExternalIds, { ids: dialect.textList(detail.items.map((i) => i.id)) })) as (typeof agendaItems.$inferSelect)[];
    const byExternalId = new Map(rows.map((row) => [row.externalId, row]));
    const itemIds = new Map<string, number>();
    for (const [index, item] of detail.items.entries()) {
      const values = {
        meetingId: meeting.id,
        number: item.number ? cut(item.number, 20) : null,
        title: cut(item.title, 500),
        minutes: item.minutes ? cut(item.minutes, 100_000) : null,
        position: index + 1,
        visibility: item.restricted ? ('exempt' as const) : ('public' as const),
        exemptParagraph: item.restricted ? item.exemptParagraph : null,
      };
      // An item listed twice in one agenda is read as it stands after its first write.
      const row = itemIds.has(item.id) ? yield* first(db.select().from(agendaItems).where(eq(agendaItems.externalId, item.id))) : byExternalId.get(item.id);
      if (!row) {
        itemIds.set(item.id, (yield* insertAudited(db, actor, 'item', agendaItems, { ...values, externalId: item.id })).id);
        counts.items.created++;
        continue;
      }
      itemIds.set(item.id, row.id);
      const changes = Object.fromEntries(Object.entries(values).filter(([key, value]) => row[key as keyof typeof values] !== value));
      if (Object.keys(changes).length > 0) {
        yield* updateAudited(db, actor, 'item', agendaItems, row, changes);
        counts.items.updated++;
      }
    }
    return itemIds;
  }

  return {
    upsertCommittee,

    /** One meeting, in the caller's transaction: the meeting, its items, and its minutes' draft. */
    *applyMeeting(actor: Actor, committee: CommitteeRow, summary: MgMeetingSummary, detail: MgMeeting | null, counts: Counts): Program<void> {
      const meeting = yield* applyMeetingRow(actor, committee, summary, detail, counts);
      if (!detail) return;
      const itemIds = yield* applyItems(actor, meeting, detail, counts);
      if (meeting.status !== 'held') return;
      const { withMinutes, hash } = minutesOf(detail);
      if (withMinutes.length === 0 || !(yield* deps.drafts.syncedDraftWanted(meeting.id, hash))) return;
      const saved = yield* deps.drafts.saveSyncedIn(actor, {
        committeeId: committee.id,
        meetingId: meeting.id,
        draft: draftOf(committee, meeting, detail, withMinutes),
        itemIds: withMinutes.map((i) => itemIds.get(i.id) ?? null),
        sourceHash: hash,
      });
      if (saved) counts.drafts[saved]++;
    },
  };
}
