import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../db/sqlite/client.js';
import { committees } from '../db/tables.js';
import { immediateTransaction, transaction as deferredTransaction } from '../db/sqlite/transaction.js';
import type { Actor } from '../domain/actor.js';
import { systemClock, todayIn, DEFAULT_TIME_ZONE, type Clock } from '../domain/clock.js';
import { visibilities } from '../domain/visibility.js';
import { createModernGovClient, ModernGovError, type MgCommittee, type ModernGovClient } from '../moderngov/client.js';
import { localDateOfMg, mgDateOf } from '../moderngov/mapping.js';
import type { DraftRepository } from '../modules/imports/drafts.js';
import type { MeetingRepository } from '../modules/meetings/repository.js';
import { createModernGovApply, type Counts } from './moderngov/apply.js';

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

export interface SyncSummary extends Counts {
  url: string;
  from: string;
  to: string;
  dryRun: boolean;
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

class DryRunRollback extends Error {}

export const SYNC_ACTOR = 'sync:moderngov';

export function createModernGovSync(db: Db, deps: ModernGovSyncDeps) {
  const clock = deps.clock ?? systemClock;
  const transaction = deps.immediate ? immediateTransaction : deferredTransaction;
  const { upsertCommittee, applyMeeting } = createModernGovApply({ meetings: deps.meetings, drafts: deps.drafts, clock });
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
