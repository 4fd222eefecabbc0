import type { ChangeStamp } from '../../db/sqlite/changes.js';
import { DEFAULT_TIME_ZONE, systemClock, todayIn, type Clock } from '../../domain/clock.js';
import type { LocalDate } from '../../domain/local-date.js';

// Every "today" of the actions module — the day `overdue` is judged on when no `asOf` is given,
// the day a response is recorded on — is today where the action's committee sits (DESIGN.md
// "Local date"). A request is normally judged on one day: a council's committees share a zone.
// Only when they are on different days at this instant is each action judged on its own.

/** What a list or a read is judged on: one day for all, or each committee's own. */
export type JudgedOn = LocalDate | ReadonlyMap<number, LocalDate>;

interface Committees {
  /** Every committee's id and IANA time zone. */
  zones(): { id: number; timezone: string }[];
  /** One committee's IANA time zone; undefined when there is no such committee. */
  timeZoneOf(id: number): string | undefined;
}

export function createActionDays(committees: Committees, changed: ChangeStamp, clock: Clock = systemClock) {
  // The committees' zones, read again only when the committees table has changed: a list asks
  // for them on every request. Inside a transaction (a write) the stamp says nothing, and the
  // one committee a write needs is read on its own.
  let zones = new Map<number, string>();
  let readUnder: string | undefined;
  const current = (): ReadonlyMap<number, string> | undefined => {
    const stamp = changed.stamp();
    if (stamp === undefined) return undefined;
    if (stamp !== readUnder) {
      zones = new Map(committees.zones().map((c) => [c.id, c.timezone]));
      readUnder = stamp;
    }
    return zones;
  };

  return {
    /** Today for one committee's actions. */
    of(committeeId: number): LocalDate {
      const all = current();
      const zone = all === undefined ? committees.timeZoneOf(committeeId) : all.get(committeeId);
      return todayIn(zone ?? DEFAULT_TIME_ZONE, clock());
    },

    /** The one day every committee is on now, or each committee's day when they differ. */
    now(): JudgedOn {
      const now = clock();
      const all = current() ?? new Map(committees.zones().map((c) => [c.id, c.timezone]));
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
    },
  };
}

export type ActionDays = ReturnType<typeof createActionDays>;

/** The day an action of `committeeId` is judged on. */
export function dayFor(judgedOn: JudgedOn, committeeId: number): LocalDate {
  return typeof judgedOn === 'string' ? judgedOn : (judgedOn.get(committeeId) ?? [...judgedOn.values()][0]!);
}
