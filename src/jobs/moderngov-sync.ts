import { AsyncResource } from 'node:async_hooks';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../db/sqlite/client.js';
import { first, lock, tx, type Program, type ProgramRunner } from '../db/program.js';
import { runSqlite } from '../db/sqlite/run.js';
import { committees } from '../db/tables.js';
import { immediateTransaction } from '../db/sqlite/transaction.js';
import type { Actor } from '../domain/actor.js';
import { systemClock, todayIn, DEFAULT_TIME_ZONE, type Clock } from '../domain/clock.js';
import { visibilities } from '../domain/visibility.js';
import { createModernGovClient, ModernGovError, type MgCommittee, type MgMeeting, type MgMeetingSummary, type ModernGovClient } from '../moderngov/client.js';
import { localDateOfMg, mgDateOf } from '../moderngov/mapping.js';
import type { DraftRepository } from '../modules/imports/drafts.js';
import type { MeetingRepository } from '../modules/meetings/repository.js';
import { createModernGovApply, type CommitteeRow, type Counts, type KnownState } from './moderngov/apply.js';

// The Modern.gov sync (DESIGN.md "Meetings from Modern.gov"). For each committee: fetch its
// meetings in the window and each meeting's agenda (async, two requests at a time per host), then
// apply them (programs run on the engine, a transaction per meeting, ten to a commit; the
// fetching stays outside them): committees, meetings and agenda items
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
  /** What runs the sync's programs: the engine. */
  engine: ProgramRunner;
  meetings: MeetingRepository;
  /** The drafts' programs. */
  drafts: DraftRepository;
  clock?: Clock;
  /** MODERNGOV_URL. */
  defaultUrl?: string;
  timeoutMs?: number;
  /**
   * Take the write lock at each transaction's start (BEGIN IMMEDIATE): for the command line
   * beside a running server, where a transaction that read first could not then write. SQLite
   * only (PostgreSQL's writers take row locks as they go, under READ COMMITTED).
   */
  immediate?: boolean;
}

class DryRunRollback extends Error {}

export const SYNC_ACTOR = 'sync:moderngov';

/** Meetings written in one commit: on SQLite a batch is one synchronous transaction, a few milliseconds each. */
const MEETINGS_PER_COMMIT = 10;

/** A meeting as fetched: its listing, its agenda (none when cancelled or not read) and the error reading it. */
interface Fetched {
  summary: MgMeetingSummary;
  detail: MgMeeting | null;
  error: SyncError | null;
}

const noCounts = (): Counts => ({
  committees: { created: 0, updated: 0 },
  meetings: { created: 0, updated: 0, cancelled: 0 },
  items: { created: 0, updated: 0 },
  drafts: { created: 0, updated: 0 },
});

/** Adds what a meeting wrote to the summary, once its commit is done. */
function addCounts(into: Counts, counts: Counts): void {
  for (const kind of Object.keys(counts) as (keyof Counts)[]) {
    const from = counts[kind] as Record<string, number>;
    const to = into[kind] as Record<string, number>;
    for (const field of Object.keys(from)) to[field]! += from[field]!;
  }
}

/**
 * The lock every writing transaction of the sync takes (docs/postgres-plan.md §3.6): two syncs in
 * two processes then write one meeting at a time, each reading what the other committed, so
 * neither creates a committee, meeting, item or draft the other has just created. Nothing on
 * SQLite, whose writes are serial.
 */
export const SYNC_LOCK = 'moderngov-sync';

export function createModernGovSync(db: Db, deps: ModernGovSyncDeps) {
  const clock = deps.clock ?? systemClock;
  const { upsertCommittee, knownState, unchanged, applyMeeting } = createModernGovApply(db, { meetings: deps.meetings, drafts: deps.drafts, clock });
  /** Runs one database step of the sync; from the command line (SQLite) holding the write lock from its start. */
  const runStep = <T>(program: Program<T>): T | Promise<T> =>
    deps.immediate ? immediateTransaction(db, () => runSqlite(db, program)) : deps.engine.run(program);
  const clients = new Map<string, ModernGovClient>();
  const clientFor = (url: string) => {
    let client = clients.get(url);
    if (!client) clients.set(url, (client = createModernGovClient(url, { timeoutMs: deps.timeoutMs })));
    return client;
  };
  // Runs in this process one after another, whoever asked (schedule, API).
  let running: Promise<unknown> = Promise.resolve();
  const outside = new AsyncResource('moderngov-sync');

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
    // The writes, once everything is fetched: the committee, then its meetings, a few to a
    // commit, each meeting a transaction of its own inside it (a savepoint: one failing is an
    // error in the summary and rolls back alone). A commit per meeting was an fsync per meeting,
    // most of a first sync's time. What a step wrote joins the summary once it has committed. A
    // dry run does all of it in one transaction, rolled back: the same steps, each a savepoint.
    const committeeStep = (counts: Counts) => tx(function* () {
      yield* lock(SYNC_LOCK, 0);
      return yield* upsertCommittee(actor, c, counts);
    });
    /** The meetings that would write something, each a savepoint; what each wrote is in `written`, each failure in `failed`. */
    const meetingSteps = (committee: CommitteeRow, meetings: Fetched[], written: Counts[], failed: SyncError[]) => function* (): Program<void> {
      for (const { summary, detail } of meetings) {
        const counts = noCounts();
        try {
          yield* tx(function* () {
            yield* lock(SYNC_LOCK, 0);
            yield* applyMeeting(actor, committee, summary, detail, counts);
          });
          written.push(counts);
        } catch (err) {
          failed.push(errorOf(err, { committee: c.id, meeting: summary.id, url }));
        }
      }
    };
    const changedOf = (known: KnownState, committee: CommitteeRow): Fetched[] => details.filter(({ summary, detail, error }) => {
      if (error) result.errors.push(error);
      return !unchanged(known, committee, summary, detail);
    });

    if (!dryRun) {
      const counts = noCounts();
      const committee = await runStep(committeeStep(counts));
      addCounts(result, counts);
      if (!committee) return;
      // A meeting that would write nothing, judged on one read of the whole committee, gets no
      // transaction: with nothing changed, a sync reads three times per committee and writes nothing.
      const changed = changedOf(await deps.engine.run(knownState(committee, details.map((d) => d.detail))), committee);
      for (let i = 0; i < changed.length; i += MEETINGS_PER_COMMIT) {
        const batch = changed.slice(i, i + MEETINGS_PER_COMMIT);
        const written: Counts[] = [];
        const failed: SyncError[] = [];
        try {
          // Immediate on SQLite: the write lock from the start, so another process's commit
          // between a meeting's reads and its writes cannot fail the rest of the batch.
          await runStep(tx(meetingSteps(committee, batch, written, failed), { immediate: true }));
        } catch (err) {
          // The commit failed: none of the batch was written.
          for (const { summary } of batch) result.errors.push(errorOf(err, { committee: c.id, meeting: summary.id, url }));
          continue;
        }
        for (const w of written) addCounts(result, w);
        result.errors.push(...failed);
      }
      return;
    }
    const counts = noCounts();
    const written: Counts[] = [];
    const failed: SyncError[] = [];
    try {
      await runStep(tx(function* () {
        yield* lock(SYNC_LOCK, 0);
        const committee = yield* committeeStep(counts);
        if (committee) yield* meetingSteps(committee, changedOf(yield* knownState(committee, details.map((d) => d.detail)), committee), written, failed)();
        throw new DryRunRollback();
      }));
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    for (const w of [counts, ...written]) addCounts(result, w);
    result.errors.push(...failed);
  }

  async function runNow(options: SyncOptions): Promise<SyncSummary> {
    const url = options.url ?? deps.defaultUrl;
    if (!url) throw new Error('No Modern.gov site: set MODERNGOV_URL or give --url');
    const today = todayIn(DEFAULT_TIME_ZONE, clock());
    const from = options.from ?? DateTime.fromISO(today).minus({ years: 1 }).toISODate()!;
    const to = options.to ?? DateTime.fromISO(today).plus({ years: 1 }).toISODate()!;
    const client = clientFor(url);
    const actor: Actor = { name: options.requestedBy ? `${SYNC_ACTOR} (${options.requestedBy})` : SYNC_ACTOR, visibilities, admin: true };
    const result: SyncSummary = { url: client.baseUrl, from, to, dryRun: options.dryRun ?? false, ...noCounts(), errors: [] };
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
      if (c.expired && !(await deps.engine.run(first(db.select({ id: committees.id }).from(committees).where(eq(committees.externalId, c.id)))))) continue;
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
      // Asked from a request (POST /v1/syncs/moderngov), the sync still runs outside it, in the
      // async context it was made in: on PostgreSQL a write request's transaction follows its
      // context, and the sync's commits are its own, not savepoints of one transaction held open
      // across every fetch from Modern.gov.
      const next = outside.runInAsyncScope(() => running.then(() => runNow(options)));
      running = next.catch(() => undefined);
      return next;
    },
  };
}

export type ModernGovSync = ReturnType<typeof createModernGovSync>;
