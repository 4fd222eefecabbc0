import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, type Program } from '../../db/program.js';
import { agendaItems, committees, dialect, imports, meetings } from '../../db/tables.js';
import type { Actor } from '../../domain/actor.js';
import type { Clock } from '../../domain/clock.js';
import { defaultReferencePrefix } from '../../domain/reference.js';
import type { MeetingStatus } from '../../domain/due.js';
import type { MgCommittee, MgItem, MgMeeting, MgMeetingSummary } from '../../moderngov/client.js';
import { committeeKindOf, startOfMg, statusOfMg } from '../../moderngov/mapping.js';
import type { DraftRepository } from '../../modules/imports/drafts.js';
import type { MeetingRepository, MeetingRow } from '../../modules/meetings/repository.js';
import { insertAudited, updateAudited } from '../../modules/shared/audited.js';
import { draftOf, minutesOf } from './draft.js';

// What the sync writes, as programs (db/program.ts) run inside the transaction its caller opens:
// a committee, or one meeting with its agenda items and its minutes' draft. Records are matched
// by their Modern.gov ids and only what differs is written. Most meetings of a sync have not
// changed since the last: what the committee's meetings, items and drafts are now is read once
// per committee (knownState), and a meeting that would write nothing (unchanged) is passed over
// without a transaction of its own. The same comparisons decide both, so the two cannot disagree.

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

type ItemRow = typeof agendaItems.$inferSelect;
type ItemValues = Pick<ItemRow, 'meetingId' | 'number' | 'title' | 'minutes' | 'position' | 'visibility' | 'exemptParagraph'>;
type MeetingChanges = { startsAt?: string; status?: MeetingStatus; venue?: string | null; externalId?: string };

/** The committee's synced meetings, their agendas' items and their drafts, as they stand. */
export interface KnownState {
  meetings: Map<string, MeetingRow>;
  items: Map<string, ItemRow>;
  drafts: Map<number, { status: string; sourceHash: string | null }>;
  /** Items listed more than once among the committee's agendas. */
  repeated: Set<string>;
}

/** The meeting as Modern.gov has it: its start, status and venue in our terms. */
function meetingValues(committee: CommitteeRow, summary: MgMeetingSummary, detail: MgMeeting | null, now: Date) {
  const start = startOfMg(detail?.date ?? summary.date, detail?.time ?? summary.time, committee.timezone);
  if (!start) throw new Error(`meeting ${summary.id}: the date "${summary.date ?? ''}" and time "${summary.time ?? ''}" cannot be read`);
  const status = statusOfMg(detail?.status ?? summary.status, start.millis, now);
  const venue = detail?.location ? cut(detail.location, 300) : null;
  return { start, status, venue };
}

/** What differs between our meeting and Modern.gov's. */
function meetingChanges(existing: MeetingRow, summary: MgMeetingSummary, detail: MgMeeting | null, values: ReturnType<typeof meetingValues>): MeetingChanges {
  const changes: MeetingChanges = {};
  if (existing.externalId !== summary.id) changes.externalId = summary.id;
  if (values.start.utc !== existing.startsAtUtc) changes.startsAt = values.start.startsAt;
  if (values.status !== existing.status) changes.status = values.status;
  if (detail && values.venue !== null && values.venue !== existing.venue) changes.venue = values.venue;
  return changes;
}

function itemValues(meetingId: number, item: MgItem, index: number): ItemValues {
  return {
    meetingId,
    number: item.number ? cut(item.number, 20) : null,
    title: cut(item.title, 500),
    minutes: item.minutes ? cut(item.minutes, 100_000) : null,
    position: index + 1,
    visibility: item.restricted ? 'exempt' : 'public',
    exemptParagraph: item.restricted ? item.exemptParagraph : null,
  };
}

function itemChanges(row: ItemRow, values: ItemValues): Partial<ItemValues> {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => row[key as keyof ItemValues] !== value));
}

/** Whether a draft would be created or replaced: none yet, or an uncommitted one read from other minutes. */
const draftWanted = (existing: { status: string; sourceHash: string | null } | undefined, sourceHash: string) =>
  !existing || (existing.status === 'draft' && existing.sourceHash !== sourceHash);

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
  const syncedMeetingsOf = db.select().from(meetings)
    .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), isNotNull(meetings.externalId)))
    .prepare();
  const syncedDraftsOf = db.select({ meetingId: imports.meetingId, status: imports.status, sourceHash: imports.sourceHash })
    .from(imports).innerJoin(meetings, eq(meetings.id, imports.meetingId))
    .where(and(eq(meetings.committeeId, sql.placeholder('committeeId')), eq(imports.source, 'moderngov')))
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
    const values = meetingValues(committee, summary, detail, deps.clock());
    const { start, status, venue } = values;
    // Matched by its Modern.gov id; else a meeting typed in (or imported from minutes) at the same
    // start and not linked to another, which becomes this one rather than a duplicate.
    const existing = ((yield* first(meetingByExternalId, { committeeId: committee.id, externalId: summary.id }))
      ?? (yield* first(unlinkedMeetingAt, { committeeId: committee.id, utc: start.utc }))) as MeetingRow | undefined;
    if (!existing) {
      const meeting = yield* deps.meetings.createIn(actor, committee.id, { startsAt: start.startsAt, status, venue, externalId: summary.id });
      counts.meetings.created++;
      if (status === 'cancelled') counts.meetings.cancelled++;
      return meeting;
    }
    const changes = meetingChanges(existing, summary, detail, values);
    if (Object.keys(changes).length === 0) return existing;
    const meeting = yield* deps.meetings.updateIn(actor, existing, changes);
    if (changes.status === 'cancelled') counts.meetings.cancelled++;
    else counts.meetings.updated++;
    return meeting;
  }

  /** The agenda's items, by Modern.gov id: our ids by theirs. */
  function* applyItems(actor: Actor, meeting: MeetingRow, detail: MgMeeting, counts: Counts): Program<Map<string, number>> {
    const rows = (yield* all(itemsByExternalIds, { ids: dialect.textList(detail.items.map((i) => i.id)) })) as ItemRow[];
    const byExternalId = new Map(rows.map((row) => [row.externalId, row]));
    const itemIds = new Map<string, number>();
    for (const [index, item] of detail.items.entries()) {
      const values = itemValues(meeting.id, item, index);
      // An item listed twice in one agenda is read as it stands after its first write.
      const row = itemIds.has(item.id) ? yield* first(db.select().from(agendaItems).where(eq(agendaItems.externalId, item.id))) : byExternalId.get(item.id);
      if (!row) {
        itemIds.set(item.id, (yield* insertAudited(db, actor, 'item', agendaItems, { ...values, externalId: item.id })).id);
        counts.items.created++;
        continue;
      }
      itemIds.set(item.id, row.id);
      const changes = itemChanges(row, values);
      if (Object.keys(changes).length > 0) {
        yield* updateAudited(db, actor, 'item', agendaItems, row, changes);
        counts.items.updated++;
      }
    }
    return itemIds;
  }

  /** Whether applyMeeting would write nothing, judged on what knownState read. */
  function unchanged(known: KnownState, committee: CommitteeRow, summary: MgMeetingSummary, detail: MgMeeting | null, hash: string | null): boolean {
    const existing = known.meetings.get(summary.id);
    if (!existing) return false;
    let values: ReturnType<typeof meetingValues>;
    try {
      values = meetingValues(committee, summary, detail, deps.clock());
    } catch {
      return false; // applyMeeting says what is wrong with it, as this meeting's error
    }
    if (Object.keys(meetingChanges(existing, summary, detail, values)).length > 0) return false;
    if (!detail) return true;
    for (const [index, item] of detail.items.entries()) {
      const row = known.items.get(item.id);
      if (!row || Object.keys(itemChanges(row, itemValues(existing.id, item, index))).length > 0) return false;
    }
    if (existing.status !== 'held' || hash === null) return true;
    return !draftWanted(known.drafts.get(existing.id), hash);
  }

  return {
    upsertCommittee,

    /**
     * What the committee's synced meetings, the items of these agendas and the meetings' drafts
     * are now: three reads for the whole committee, for `unchanged` to judge each meeting on.
     */
    *knownState(committee: CommitteeRow, details: readonly (MgMeeting | null)[]): Program<KnownState> {
      const ids = details.flatMap((d) => d?.items.map((i) => i.id) ?? []);
      const seen = new Set<string>();
      const repeated = new Set(ids.filter((id) => seen.has(id) || !seen.add(id)));
      const items = ids.length === 0 ? [] : (yield* all(itemsByExternalIds, { ids: dialect.textList(ids) })) as ItemRow[];
      const drafts = yield* all(syncedDraftsOf, { committeeId: committee.id });
      return {
        meetings: new Map(((yield* all(syncedMeetingsOf, { committeeId: committee.id })) as MeetingRow[]).map((m) => [m.externalId!, m])),
        items: new Map(items.map((i) => [i.externalId!, i])),
        drafts: new Map(drafts.map((d) => [d.meetingId!, { status: d.status, sourceHash: d.sourceHash }])),
        repeated,
      };
    },

    /**
     * Whether the meeting would write nothing. A meeting with an item Modern.gov lists more than
     * once is not passed over: writing another meeting could move that item after it was read.
     */
    unchanged(known: KnownState, committee: CommitteeRow, summary: MgMeetingSummary, detail: MgMeeting | null): boolean {
      if (detail?.items.some((i) => known.repeated.has(i.id))) return false;
      const minutes = detail ? minutesOf(detail) : null;
      return unchanged(known, committee, summary, detail, minutes && minutes.withMinutes.length > 0 ? minutes.hash : null);
    },

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
