import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../db/sqlite/client.js';
import { agendaItems, committees, meetings } from '../db/sqlite/schema.js';
import { immediateTransaction, transaction as deferredTransaction, type Tx } from '../db/sqlite/transaction.js';
import type { Actor } from '../domain/actor.js';
import { systemClock, todayIn, DEFAULT_TIME_ZONE, type Clock } from '../domain/clock.js';
import { defaultReferencePrefix } from '../domain/reference.js';
import { visibilities } from '../domain/visibility.js';
import { parseMinutes, type MinutesDraft } from '../import/index.js';
import { createModernGovClient, ModernGovError, type MgCommittee, type MgMeeting, type MgMeetingSummary, type ModernGovClient } from '../moderngov/client.js';
import { committeeKindOf, localDateOfMg, mgDateOf, startsAtOfMg, statusOfMg, timeOfMg } from '../moderngov/mapping.js';
import type { DraftRepository } from '../modules/imports/drafts.js';
import type { MeetingRepository, MeetingRow } from '../modules/meetings/repository.js';
import { insertAudited, updateAudited } from '../modules/shared/crud.js';

// The Modern.gov sync (DESIGN.md "Meetings from Modern.gov"). For each committee: fetch its
// meetings in the window and each meeting's agenda (async, two requests at a time per host), then
// apply them (synchronously, one transaction per meeting): committees, meetings and agenda items
// matched by their Modern.gov ids; cancelled and moved meetings change ours through the meetings'
// own update path, so the due rules move actions in the same transaction; a held meeting's
// minutes become a stored draft. Only what differs is written, so a second sync with nothing
// changed writes nothing. One committee's failure is an error in the summary, not the end.

export interface SyncOptions {
  /** The Modern.gov site (https://host); the configured MODERNGOV_URL by default. */
  url?: string;
  /** Modern.gov committee ids to sync; every current committee when none. */
  committees?: string[];
  /** The window of meetings, YYYY-MM-DD; default a year back to a year ahead. */
  from?: string;
  to?: string;
  /** Work out and report everything, write nothing. */
  dryRun?: boolean;
  /** Who asked, for the audit trail ("sync:moderngov" alone for the schedule and the command line). */
  requestedBy?: string;
}

export interface SyncError {
  url: string | null;
  committee: string | null;
  meeting: string | null;
  status: number | null;
  error: string;
  body: string | null;
}

export interface SyncSummary {
  url: string;
  from: string;
  to: string;
  dryRun: boolean;
  committees: { created: number; updated: number };
  meetings: { created: number; updated: number; cancelled: number };
  items: { created: number; updated: number };
  drafts: { created: number; updated: number };
  errors: SyncError[];
}

export interface ModernGovSyncDeps {
  meetings: MeetingRepository;
  drafts: DraftRepository;
  clock?: Clock;
  /** MODERNGOV_URL. */
  defaultUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * Take the write lock at each transaction's start (BEGIN IMMEDIATE): for the command line
   * beside a running server, where a transaction that read first could not then write.
   */
  immediate?: boolean;
}

type CommitteeRow = typeof committees.$inferSelect;
class DryRunRollback extends Error {}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const slugOf = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'committee';

export const SYNC_ACTOR = 'sync:moderngov';

export function createModernGovSync(db: Db, deps: ModernGovSyncDeps) {
  const clock = deps.clock ?? systemClock;
  const transaction = deps.immediate ? immediateTransaction : deferredTransaction;
  const clients = new Map<string, ModernGovClient>();
  const clientFor = (url: string) => {
    let client = clients.get(url);
    if (!client) clients.set(url, (client = createModernGovClient(url, { timeoutMs: deps.timeoutMs, fetch: deps.fetch })));
    return client;
  };
  // Runs in this process one after another, whoever asked (schedule, API).
  let running: Promise<unknown> = Promise.resolve();

  function errorOf(err: unknown, where: { committee?: string; meeting?: string; url?: string }): SyncError {
    if (err instanceof ModernGovError) {
      return { url: err.url, committee: where.committee ?? null, meeting: where.meeting ?? null, status: err.status, error: err.reason, body: err.body };
    }
    return { url: where.url ?? null, committee: where.committee ?? null, meeting: where.meeting ?? null, status: null, error: (err as Error).message ?? String(err), body: null };
  }

  function upsertCommittee(tx: Tx, actor: Actor, c: MgCommittee, summary: SyncSummary): CommitteeRow | null {
    const existing = tx.select().from(committees).where(eq(committees.externalId, c.id)).get();
    const name = cut(c.title, 200);
    if (!existing) {
      if (c.deleted || c.expired) return null;
      let slug = slugOf(name);
      if (tx.select({ id: committees.id }).from(committees).where(eq(committees.slug, slug)).get()) slug = `${slug}-${slugOf(c.id)}`;
      summary.committees.created++;
      return insertAudited(tx, actor, 'committee', committees, {
        name, slug, kind: committeeKindOf(c.title), referencePrefix: defaultReferencePrefix(name), externalId: c.id,
      });
    }
    if (c.deleted) return null;
    if (existing.name === name) return existing;
    summary.committees.updated++;
    return updateAudited(tx, actor, 'committee', committees, existing, { name });
  }

  /** What the meeting's draft is read from, and its hash: a draft is re-read only when this changes. */
  function minutesOf(detail: MgMeeting) {
    const withMinutes = detail.items.filter((i) => i.minutes !== '');
    const hash = createHash('sha256')
      .update(JSON.stringify(withMinutes.map((i) => [i.id, i.number, i.title, i.minutes, i.restricted, i.exemptParagraph])))
      .digest('hex');
    return { withMinutes, hash };
  }

  function draftOf(committee: CommitteeRow, meeting: MeetingRow, detail: MgMeeting, withMinutes: MgMeeting['items']): MinutesDraft {
    const draft: MinutesDraft = {
      layout: 'moderngov',
      meeting: { committeeName: committee.name, date: meeting.localDate, time: timeOfMg(detail.time), startsAt: meeting.startsAt, venue: meeting.venue },
      attendance: [], items: [], resolutions: [], declarations: [], actions: [], progress: [], warnings: [],
    };
    withMinutes.forEach((item, index) => {
      const parsed = parseMinutes(item.minutes, { timeZone: committee.timezone });
      draft.items.push({
        number: item.number, title: item.title, minutes: item.minutes, position: index + 1,
        visibility: item.restricted ? 'exempt' : 'public',
        ...(item.restricted && item.exemptParagraph ? { exemptParagraph: item.exemptParagraph } : {}),
      });
      const base = draft.resolutions.length;
      draft.resolutions.push(...parsed.resolutions.map((r) => ({ ...r, itemIndex: index })));
      draft.actions.push(...parsed.actions.map((a) => ({ ...a, itemIndex: index, resolutionIndex: a.resolutionIndex === null ? null : a.resolutionIndex + base })));
      draft.declarations.push(...parsed.declarations.map((d) => ({ ...d, itemIndex: index })));
      draft.progress.push(...parsed.progress.map((p) => ({ ...p, itemIndex: index })));
    });
    return draft;
  }

  /** One meeting, in one transaction: the meeting, its items, and its minutes' draft. */
  function applyMeeting(tx: Tx, actor: Actor, committee: CommitteeRow, summary: MgMeetingSummary, detail: MgMeeting | null, result: SyncSummary) {
    const startsAt = startsAtOfMg(detail?.date ?? summary.date, detail?.time ?? summary.time, committee.timezone);
    if (!startsAt) throw new Error(`meeting ${summary.id}: the date "${summary.date ?? ''}" and time "${summary.time ?? ''}" cannot be read`);
    const status = statusOfMg(detail?.status ?? summary.status, startsAt, clock());
    const utc = DateTime.fromISO(startsAt, { setZone: true }).toUTC().toISO();
    // Matched by its Modern.gov id; else a meeting typed in (or imported from minutes) at the same
    // start and not linked to another, which becomes this one rather than a duplicate.
    const existing = tx.select().from(meetings).where(and(eq(meetings.committeeId, committee.id), eq(meetings.externalId, summary.id))).get()
      ?? tx.select().from(meetings).where(and(eq(meetings.committeeId, committee.id), eq(meetings.startsAtUtc, utc ?? ''), isNull(meetings.externalId))).get();
    let meeting: MeetingRow;
    if (!existing) {
      meeting = deps.meetings.createIn(tx, actor, committee.id, { startsAt, status, venue: detail?.location ? cut(detail.location, 300) : null, externalId: summary.id });
      result.meetings.created++;
      if (status === 'cancelled') result.meetings.cancelled++;
    } else {
      const changes: { startsAt?: string; status?: typeof status; venue?: string | null; externalId?: string } = {};
      if (existing.externalId !== summary.id) changes.externalId = summary.id;
      if (utc !== existing.startsAtUtc) changes.startsAt = startsAt;
      if (status !== existing.status) changes.status = status;
      const venue = detail?.location ? cut(detail.location, 300) : null;
      if (detail && venue !== null && venue !== existing.venue) changes.venue = venue;
      if (Object.keys(changes).length > 0) {
        meeting = deps.meetings.updateIn(tx, actor, existing, changes);
        if (changes.status === 'cancelled') result.meetings.cancelled++;
        else result.meetings.updated++;
      } else {
        meeting = existing;
      }
    }
    if (!detail) return;

    const itemIds = new Map<string, number>();
    detail.items.forEach((item, index) => {
      const values = {
        meetingId: meeting.id,
        number: item.number ? cut(item.number, 20) : null,
        title: cut(item.title, 500),
        minutes: item.minutes ? cut(item.minutes, 100_000) : null,
        position: index + 1,
        visibility: item.restricted ? ('exempt' as const) : ('public' as const),
        exemptParagraph: item.restricted ? item.exemptParagraph : null,
      };
      const row = tx.select().from(agendaItems).where(eq(agendaItems.externalId, item.id)).get();
      if (!row) {
        itemIds.set(item.id, insertAudited(tx, actor, 'item', agendaItems, { ...values, externalId: item.id }).id);
        result.items.created++;
        return;
      }
      itemIds.set(item.id, row.id);
      const changes = Object.fromEntries(Object.entries(values).filter(([key, value]) => row[key as keyof typeof values] !== value));
      if (Object.keys(changes).length > 0) {
        updateAudited(tx, actor, 'item', agendaItems, row, changes);
        result.items.updated++;
      }
    });

    if (meeting.status !== 'held') return;
    const { withMinutes, hash } = minutesOf(detail);
    if (withMinutes.length === 0 || !deps.drafts.syncedDraftWanted(tx, meeting.id, hash)) return;
    const saved = deps.drafts.saveSyncedIn(tx, actor, {
      committeeId: committee.id,
      meetingId: meeting.id,
      draft: draftOf(committee, meeting, detail, withMinutes),
      itemIds: withMinutes.map((i) => itemIds.get(i.id) ?? null),
      sourceHash: hash,
    });
    if (saved) result.drafts[saved]++;
  }

  async function syncCommittee(client: ModernGovClient, actor: Actor, c: MgCommittee, window: { from: string; to: string }, dryRun: boolean, result: SyncSummary) {
    // The committee's meetings and their agendas are fetched first, then written, so a failure
    // while fetching leaves nothing half-written.
    const { url, meetings: listed } = await client.meetings(c.id, mgDateOf(window.from), mgDateOf(window.to));
    const inWindow = listed.filter((m) => {
      const day = localDateOfMg(m.date);
      return day !== null && day >= window.from && day <= window.to;
    });
    const seen = new Set<string>();
    const unique = inWindow.filter((m) => !seen.has(m.id) && seen.add(m.id));
    const details = await Promise.all(
      unique.map(async (m) => {
        if ((m.status ?? '').toLowerCase().includes('cancel')) return { summary: m, detail: null, error: null };
        try {
          return { summary: m, detail: (await client.meeting(m.id)).meeting, error: null };
        } catch (err) {
          return { summary: m, detail: null, error: errorOf(err, { committee: c.id, meeting: m.id }) };
        }
      }),
    );
    const apply = () => {
      const committee = transaction(db, (tx) => upsertCommittee(tx, actor, c, result));
      if (!committee) return;
      for (const { summary, detail, error } of details) {
        if (error) result.errors.push(error);
        try {
          transaction(db, (tx) => applyMeeting(tx, actor, committee, summary, detail, result));
        } catch (err) {
          result.errors.push(errorOf(err, { committee: c.id, meeting: summary.id, url }));
        }
      }
    };
    if (!dryRun) return apply();
    try {
      transaction(db, () => {
        apply();
        throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
  }

  async function runNow(options: SyncOptions): Promise<SyncSummary> {
    const url = options.url ?? deps.defaultUrl;
    if (!url) throw new Error('No Modern.gov site: set MODERNGOV_URL or give --url');
    const today = todayIn(DEFAULT_TIME_ZONE, clock());
    const from = options.from ?? DateTime.fromISO(today).minus({ years: 1 }).toISODate()!;
    const to = options.to ?? DateTime.fromISO(today).plus({ years: 1 }).toISODate()!;
    const client = clientFor(url);
    const actor: Actor = { name: options.requestedBy ? `${SYNC_ACTOR} (${options.requestedBy})` : SYNC_ACTOR, visibilities, admin: true };
    const result: SyncSummary = {
      url: client.baseUrl, from, to, dryRun: options.dryRun ?? false,
      committees: { created: 0, updated: 0 },
      meetings: { created: 0, updated: 0, cancelled: 0 },
      items: { created: 0, updated: 0 },
      drafts: { created: 0, updated: 0 },
      errors: [],
    };
    let listed: MgCommittee[];
    try {
      listed = (await client.committees()).committees;
    } catch (err) {
      result.errors.push(errorOf(err, {}));
      return result;
    }
    const wanted = options.committees && options.committees.length > 0 ? new Set(options.committees) : null;
    if (wanted) {
      for (const id of wanted) {
        if (!listed.some((c) => c.id === id)) {
          result.errors.push({ url: null, committee: id, meeting: null, status: null, error: `Modern.gov lists no committee ${id}`, body: null });
        }
      }
    }
    for (const c of listed) {
      if (wanted && !wanted.has(c.id)) continue;
      if (c.deleted) continue;
      if (c.expired && !db.select({ id: committees.id }).from(committees).where(eq(committees.externalId, c.id)).get()) continue;
      try {
        await syncCommittee(client, actor, c, { from, to }, result.dryRun, result);
      } catch (err) {
        result.errors.push(errorOf(err, { committee: c.id }));
      }
    }
    return result;
  }

  return {
    /** Whether a site is configured. */
    configured: () => Boolean(deps.defaultUrl),
    run(options: SyncOptions = {}): Promise<SyncSummary> {
      const next = running.then(() => runNow(options));
      running = next.catch(() => undefined);
      return next;
    },
  };
}

export type ModernGovSync = ReturnType<typeof createModernGovSync>;
