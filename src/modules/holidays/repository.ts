import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { transaction, type Tx } from '../../db/sqlite/transaction.js';
import { preparedQuery } from '../../db/sqlite/prepared.js';
import { holidays } from '../../db/tables.js';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS, HolidayCalendar } from '../../domain/holiday-calendar.js';
import type { Actor } from '../../domain/actor.js';
import type { HolidaySource } from '../../domain/vocabulary.js';
import { recordAudit } from '../audit/repository.js';
import { nowIso } from '../shared/crud.js';

// The working-day calendar: shipped England & Wales bank holidays plus the council's changes
// stored in `holidays`. Built once and rebuilt only when a change is committed.

export interface HolidayEntry {
  date: string;
  name: string;
  source: HolidaySource;
}

export function createHolidayRepository(db: Db, onCalendarChanged: (tx: Tx) => void) {
  let cached: HolidayCalendar | undefined;

  // Writes read the calendar as their transaction sees it; almost always it is the same rows
  // as last time, so the calendar built from them last time is reused.
  let lastLoaded: { changes: string; calendar: HolidayCalendar } | undefined;

  function load(from: Tx | Db): HolidayCalendar {
    const changes = preparedQuery(from, 'holidays:all', () => from.select().from(holidays).prepare()).all();
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

  return {
    calendar(): HolidayCalendar {
      return (cached ??= load(db));
    },

    /** The calendar as a transaction sees it (after its own uncommitted changes). */
    calendarIn(tx: Tx): HolidayCalendar {
      return load(tx);
    },

    list(from?: string, to?: string): HolidayEntry[] {
      const council = new Set(db.select().from(holidays).all().filter((h) => h.isHoliday).map((h) => h.date));
      return this.calendar()
        .holidays()
        .filter((h) => (!from || h.date >= from) && (!to || h.date <= to))
        .map((h) => ({
          date: h.date,
          name: h.title,
          source: council.has(h.date) || !shippedDates.has(h.date) ? 'council' : 'bank_holiday',
        }));
    },

    /** Adds a closure day (or renames a holiday); returns true when it was not a holiday before. */
    put(actor: Actor, date: string, name: string): boolean {
      return transaction(db, (tx) => {
        const wasHoliday = load(tx).isHoliday(date);
        const before = tx.select().from(holidays).where(eq(holidays.date, date)).get() ?? null;
        const row = { date, name, isHoliday: true, updatedAt: nowIso() };
        tx.insert(holidays).values(row).onConflictDoUpdate({ target: holidays.date, set: row }).run();
        recordAudit(tx, actor, 'holiday', date, before ? 'update' : 'create', before, row);
        onCalendarChanged(tx);
        cached = undefined;
        return !wasHoliday;
      });
    },

    /** Makes a date a working day: removes a closure day, or overrides a shipped holiday. */
    remove(actor: Actor, date: string): boolean {
      return transaction(db, (tx) => {
        if (!load(tx).isHoliday(date)) return false;
        const before = tx.select().from(holidays).where(eq(holidays.date, date)).get() ?? null;
        if (shippedDates.has(date)) {
          const row = { date, name: 'Working day (council override)', isHoliday: false, updatedAt: nowIso() };
          tx.insert(holidays).values(row).onConflictDoUpdate({ target: holidays.date, set: row }).run();
        } else {
          tx.delete(holidays).where(eq(holidays.date, date)).run();
        }
        recordAudit(tx, actor, 'holiday', date, 'delete', before ?? { date, isHoliday: true }, null);
        onCalendarChanged(tx);
        cached = undefined;
        return true;
      });
    },

    changes() {
      return db.select().from(holidays).orderBy(asc(holidays.date)).all();
    },
  };
}

export type HolidayRepository = ReturnType<typeof createHolidayRepository>;
