import shipped from './data/bank-holidays-england-and-wales.json' with { type: 'json' };
import { type LocalDate, toDateTime, weekdayOf } from './local-date.js';

// The shipped data's provenance (gov.uk list, statutory rules for later years) is in
// ./data/README.md. Outside the years it covers, only weekends are non-working days.

export interface Holiday {
  date: LocalDate;
  title: string;
}

/** Changes a council makes to the shipped list (`/v1/holidays`). */
export interface CalendarChanges {
  /** Closure days, or a shipped date with a new title. */
  added?: Iterable<Holiday>;
  /** Shipped dates that are not holidays for this council. */
  removed?: Iterable<LocalDate>;
}

export const SHIPPED_HOLIDAY_YEARS = { first: shipped.firstYear, last: shipped.lastYear } as const;

export const ENGLAND_AND_WALES_BANK_HOLIDAYS: readonly Holiday[] = Object.freeze(
  shipped.events.map(({ date, notes, title }) =>
    Object.freeze({ date, title: notes ? `${title} (${notes.toLowerCase()})` : title }),
  ),
);

/** An immutable set of non-working days other than weekends. */
export class HolidayCalendar {
  readonly #byDate: ReadonlyMap<LocalDate, Holiday>;

  constructor(holidays: Iterable<Holiday> = []) {
    const byDate = new Map<LocalDate, Holiday>();
    for (const holiday of holidays) {
      toDateTime(holiday.date); // fail fast on a malformed date rather than never matching it
      byDate.set(holiday.date, { date: holiday.date, title: holiday.title });
    }
    this.#byDate = byDate;
  }

  /**
   * The shipped England & Wales bank holidays with a council's changes. Removals apply to the
   * shipped list before additions, so a date both removed and added ends up added.
   */
  static englandAndWales(changes: CalendarChanges = {}): HolidayCalendar {
    return new HolidayCalendar(ENGLAND_AND_WALES_BANK_HOLIDAYS)
      .withoutDates(changes.removed ?? [])
      .withHolidays(changes.added ?? []);
  }

  /** A new calendar with these holidays added; one on an existing date replaces it. */
  withHolidays(added: Iterable<Holiday>): HolidayCalendar {
    return new HolidayCalendar([...this.#byDate.values(), ...added]);
  }

  withoutDates(removed: Iterable<LocalDate>): HolidayCalendar {
    const gone = new Set(removed);
    return new HolidayCalendar([...this.#byDate.values()].filter((h) => !gone.has(h.date)));
  }

  holidayOn(date: LocalDate): Holiday | undefined {
    return this.#byDate.get(date);
  }

  isHoliday(date: LocalDate): boolean {
    return this.#byDate.has(date);
  }

  /** Monday–Friday and not a holiday. */
  isWorkingDay(date: LocalDate): boolean {
    return weekdayOf(date) <= 5 && !this.#byDate.has(date);
  }

  /** Every holiday in date order. */
  holidays(): Holiday[] {
    return [...this.#byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }
}
