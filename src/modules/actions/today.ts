import type { ChangeStamp } from '../../db/changes.js';
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
}

export function createActionDays(committees: Committees, changed: ChangeStamp, clock: Clock = systemClock) {
  // The committees' zones, read again only when the committees table has changed: a list asks
  // for them on every request.
  let zones: { id: number; timezone: string }[] = [];
  let readUnder: string | undefined;
  const current = () => {
    const stamp = changed.stamp();
    if (stamp === undefined || stamp !== readUnder) {
      zones = committees.zones();
      readUnder = stamp;
    }
    return zones;
  };

  return {
    /** Today for one committee's actions. */
    of(committeeId: number): LocalDate {
      const zone = current().find((c) => c.id === committeeId)?.timezone;
      return todayIn(zone ?? DEFAULT_TIME_ZONE, clock());
    },

    /** The one day every committee is on now, or each committee's day when they differ. */
    now(): JudgedOn {
      const now = clock();
      const all = current();
      if (all.length === 0) return todayIn(DEFAULT_TIME_ZONE, now);
      const first = todayIn(all[0]!.timezone, now);
      if (all.every((c) => c.timezone === all[0]!.timezone || todayIn(c.timezone, now) === first)) return first;
      return new Map(all.map((c) => [c.id, todayIn(c.timezone, now)]));
    },
  };
}

export type ActionDays = ReturnType<typeof createActionDays>;

/** The day an action of `committeeId` is judged on. */
export function dayFor(judgedOn: JudgedOn, committeeId: number): LocalDate {
  return typeof judgedOn === 'string' ? judgedOn : (judgedOn.get(committeeId) ?? [...judgedOn.values()][0]!);
}
