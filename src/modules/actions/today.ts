import type { ChangeStamp } from '../../db/sqlite/changes.js';
import { DEFAULT_TIME_ZONE, systemClock, todayIn, type Clock } from '../../domain/clock.js';
import type { LocalDate } from '../../domain/local-date.js';
import { batched, stamp, type Batched, type Program } from '../../db/program.js';

// Every "today" of the actions module — the day `overdue` is judged on when no `asOf` is given,
// the day a response is recorded on — is today where the action's committee sits (DESIGN.md
// "Local date"). A request is normally judged on one day: a council's committees share a zone.
// Only when they are on different days at this instant is each action judged on its own.

/** What a list or a read is judged on: one day for all, or each committee's own. */
export type JudgedOn = LocalDate | ReadonlyMap<number, LocalDate>;

interface Committees {
  /** Every committee's id and IANA time zone. */
  zones(): Program<{ id: number; timezone: string }[]>;
  /** One committee's IANA time zone; undefined when there is no such committee. */
  timeZoneOf(id: number): Program<string | undefined>;
}

/** The one day every committee is on at `now`, or each committee's day when they differ. */
function judge(all: ReadonlyMap<number, string>, now: Date): JudgedOn {
  let first: string | undefined;
  let day: LocalDate | undefined;
  let same = true;
  for (const zone of all.values()) {
    if (zone === first) continue;
    const today = todayIn(zone, now);
    if (day === undefined) [first, day] = [zone, today];
    else if (today !== day) same = false;
  }
  if (day === undefined) return todayIn(DEFAULT_TIME_ZONE, now);
  if (same) return day;
  return new Map([...all].map(([id, zone]) => [id, todayIn(zone, now)]));
}

export function createActionDays(committees: Committees, changed: ChangeStamp, clock: Clock = systemClock) {
  // The committees' zones, read again only when the committees table has changed: a list asks
  // for them on every request. Inside a transaction (a write) the stamp says nothing: they are
  // read each time, and the one committee a write needs is read on its own. On PostgreSQL the
  // stamp is a snapshot (a statement), taken by the programs; nowIfKnown() does without.
  let zones: ReadonlyMap<number, string> = new Map();
  let readUnder: string | undefined;
  // Read by the stamp they are read under (db/program.ts `batched`): on PostgreSQL the requests
  // that find them stale after a commit read them once between them, not once each.
  const zoneReads: Batched<string, ReadonlyMap<number, string>> = {
    joinsInFlight: true,
    *one() {
      return new Map((yield* committees.zones()).map((c) => [c.id, c.timezone]));
    },
    *many(stamps) {
      // Sent after every one of the stamps was taken: as fresh as each needs.
      const read = yield* zoneReads.one(stamps[0]!);
      return new Map(stamps.map((s) => [s, read!]));
    },
  };
  /** The zones read under the stamp `now`, if they are what is held. */
  const heldUnder = (now: string | undefined): ReadonlyMap<number, string> | undefined =>
    now !== undefined && now === readUnder ? zones : undefined;
  function* current(): Program<ReadonlyMap<number, string>> {
    const now = yield* stamp(changed);
    const held = heldUnder(now);
    if (held) return held;
    if (now === undefined) return (yield* zoneReads.one(''))!;
    const read = (yield* batched(zoneReads, now))!;
    [zones, readUnder] = [read, now];
    return read;
  }

  return {
    /**
     * Today for one committee's actions. Outside a transaction every zone is read (once per
     * stamp, as now() does) rather than the one: on PostgreSQL any commit on the server moves
     * the stamp, and a committee's list read its zone again after each, a statement per request.
     */
    *of(committeeId: number): Program<LocalDate> {
      const now = yield* stamp(changed);
      const all = now === undefined ? undefined : yield* current();
      const zone = all === undefined ? yield* committees.timeZoneOf(committeeId) : all.get(committeeId);
      return todayIn(zone ?? DEFAULT_TIME_ZONE, clock());
    },

    /** Today in a committee's zone, for a caller that has read the committee's row. */
    in(timeZone: string): LocalDate {
      return todayIn(timeZone, clock());
    },

    /** The one day every committee is on now, or each committee's day when they differ. */
    *now(): Program<JudgedOn> {
      return judge(yield* current(), clock());
    },

    /** As now(), without reading anything: undefined unless the zones are known (the hot read). */
    nowIfKnown(): JudgedOn | undefined {
      const all = heldUnder(changed.stamp());
      return all === undefined ? undefined : judge(all, clock());
    },
  };
}

export type ActionDays = ReturnType<typeof createActionDays>;

/** The day an action of `committeeId` is judged on. */
export function dayFor(judgedOn: JudgedOn, committeeId: number): LocalDate {
  return typeof judgedOn === 'string' ? judgedOn : (judgedOn.get(committeeId) ?? [...judgedOn.values()][0]!);
}
