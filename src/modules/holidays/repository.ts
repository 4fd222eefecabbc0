import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { all, first, lock, run, stamp, tx, type Program, type StampSource } from '../../db/program.js';
import { holidays } from '../../db/tables.js';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS, HolidayCalendar } from '../../domain/holiday-calendar.js';
import type { Actor } from '../../domain/actor.js';
import type { HolidaySource } from '../../domain/vocabulary.js';
import { recordAudit } from '../shared/audited.js';
import { nowIso } from '../shared/crud.js';

// The working-day calendar: shipped England & Wales bank holidays plus the council's changes
// stored in `holidays`. Built once and rebuilt only when the holidays may have changed, here or
// in another process (the `changed` stamp; on PostgreSQL, which keeps no stamp, read each time).

export interface HolidayEntry {
  date: string;
  name: string;
  source: HolidaySource;
}

/** The lock every change to the calendar takes exclusive, and due rules judged on it shared (docs/postgres-plan.md §3.5). */
export const CALENDAR_LOCK = 'calendar';

/**
 * Programs (db/program.ts). `onCalendarChanged`: what else a change to the calendar changes (every
 * meeting's despatch day), yielded in the change's own transaction. `changed`: moves when the
 * holidays table may have changed (engine.changes.forTables(['holidays'])).
 */
export function createHolidayRepository(db: Db, onCalendarChanged: () => Program<void>, changed: StampSource) {
  let cached: { stamp: string; calendar: HolidayCalendar } | undefined;

  // Writes read the calendar as their transaction sees it; almost always it is the same rows
  // as last time, so the calendar built from them last time is reused.
  let lastLoaded: { changes: string; calendar: HolidayCalendar } | undefined;
  const allChanges = db.select().from(holidays).prepare();

  function* load(): Program<HolidayCalendar> {
    const changes = yield* all(allChanges);
    const key = JSON.stringify(changes);
    if (lastLoaded?.changes === key) return lastLoaded.calendar;
    const calendar = HolidayCalendar.englandAndWales({
      added: changes.filter((c) => c.isHoliday).map((c) => ({ date: c.date, title: c.name })),
      removed: changes.filter((c) => !c.isHoliday).map((c) => c.date),
    });
    lastLoaded = { changes: key, calendar };
    return calendar;
  }

  const shippedDates = new Set(ENGLAND_AND_WALES_BANK_HOLIDAYS.map((h) => h.date));

  function* calendar(): Program<HolidayCalendar> {
    const now = yield* stamp(changed);
    if (now !== undefined && cached?.stamp === now) return cached.calendar;
    const calendar = yield* load();
    if (now !== undefined) cached = { stamp: now, calendar };
    return calendar;
  }

  function* upsert(row: typeof holidays.$inferInsert): Program<void> {
    yield* run(db.insert(holidays).values(row).onConflictDoUpdate({ target: holidays.date, set: row }));
  }

  return {
    calendar,

    /** The calendar as the current transaction sees it (after its own uncommitted changes). */
    calendarIn(): Program<HolidayCalendar> {
      return load();
    },

    *list(from?: string, to?: string): Program<HolidayEntry[]> {
      const council = new Set((yield* all(db.select().from(holidays))).filter((h) => h.isHoliday).map((h) => h.date));
      return (yield* calendar())
        .holidays()
        .filter((h) => (!from || h.date >= from) && (!to || h.date <= to))
        .map((h) => ({
          date: h.date,
          name: h.title,
          source: council.has(h.date) || !shippedDates.has(h.date) ? 'council' : 'bank_holiday',
        }));
    },

    /** Adds a closure day (or renames a holiday); returns true when it was not a holiday before. */
    put(actor: Actor, date: string, name: string): Program<boolean> {
      return tx(function* () {
        yield* lock(CALENDAR_LOCK, 0, 'exclusive');
        const wasHoliday = (yield* load()).isHoliday(date);
        const before = (yield* first(db.select().from(holidays).where(eq(holidays.date, date)))) ?? null;
        const row = { date, name, isHoliday: true, updatedAt: nowIso() };
        yield* upsert(row);
        yield* recordAudit(db, actor, 'holiday', date, before ? 'update' : 'create', before, row);
        yield* onCalendarChanged();
        return !wasHoliday;
      });
    },

    /** Makes a date a working day: removes a closure day, or overrides a shipped holiday. */
    remove(actor: Actor, date: string): Program<boolean> {
      return tx(function* () {
        yield* lock(CALENDAR_LOCK, 0, 'exclusive');
        if (!(yield* load()).isHoliday(date)) return false;
        const before = (yield* first(db.select().from(holidays).where(eq(holidays.date, date)))) ?? null;
        if (shippedDates.has(date)) {
          yield* upsert({ date, name: 'Working day (council override)', isHoliday: false, updatedAt: nowIso() });
        } else {
          yield* run(db.delete(holidays).where(eq(holidays.date, date)));
        }
        yield* recordAudit(db, actor, 'holiday', date, 'delete', before ?? { date, isHoliday: true }, null);
        yield* onCalendarChanged();
        return true;
      });
    },

    *changes(): Program<(typeof holidays.$inferSelect)[]> {
      return yield* all(db.select().from(holidays).orderBy(asc(holidays.date)));
    },
  };
}

export type HolidayRepository = ReturnType<typeof createHolidayRepository>;
