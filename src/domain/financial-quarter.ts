import { DateTime } from 'luxon';
import { invalidField } from '../errors.js';
import { fromDateTime, type LocalDate, toDateTime } from './local-date.js';

// Local-government financial years run 1 April – 31 March and are written "2024-25".
// Q1 = April–June, Q2 = July–September, Q3 = October–December, Q4 = January–March of the
// second calendar year. A label is the year and the quarter: "2024-25 Q3".

export interface FinancialQuarter {
  /** The calendar year the financial year starts in: 2024 for "2024-25". */
  startYear: number;
  quarter: 1 | 2 | 3 | 4;
}

const LABEL = /^(\d{4})-(\d{2}) Q([1-4])$/;
const FORMAT_HINT = 'must look like "2024-25 Q3": a financial year then Q1–Q4';

/** Parses a label, throwing invalidField(field, …) when it is malformed. */
export function parseFinancialQuarter(
  label: string,
  field = 'dueQuarter',
): FinancialQuarter {
  const match = LABEL.exec(label);
  if (match === null) throw invalidField(field, FORMAT_HINT);
  const [, first, second, quarter] = match;
  const startYear = Number(first);
  if (Number(second) !== (startYear + 1) % 100) {
    const expected = String((startYear + 1) % 100).padStart(2, '0');
    throw invalidField(field, `financial year ${first}-${second} should be ${first}-${expected}`);
  }
  // Year 9999 would end in year 10000, which YYYY-MM-DD cannot write.
  if (startYear < 1000 || startYear > 9998) {
    throw invalidField(field, 'financial year must start between 1000 and 9998');
  }
  return { startYear, quarter: Number(quarter) as FinancialQuarter['quarter'] };
}

export function formatFinancialQuarter({ startYear, quarter }: FinancialQuarter): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')} Q${quarter}`;
}

/** The first day of a quarter. */
function quarterStart({ startYear, quarter }: FinancialQuarter): DateTime<true> {
  const month = quarter === 4 ? 1 : quarter * 3 + 1;
  const year = quarter === 4 ? startYear + 1 : startYear;
  return toDateTime(`${year}-${String(month).padStart(2, '0')}-01`);
}

export function quarterStartDate(label: string, field?: string): LocalDate {
  return fromDateTime(quarterStart(parseFinancialQuarter(label, field)));
}

/** The quarter's last day, on which an action due "in" that quarter is due. */
export function quarterEndDate(label: string, field?: string): LocalDate {
  const start = quarterStart(parseFinancialQuarter(label, field));
  return fromDateTime(start.plus({ months: 2 }).endOf('month').startOf('day'));
}

/** The label of the financial quarter a date falls in: 2023-11-05 → "2023-24 Q3". */
export function quarterContaining(date: LocalDate): string {
  const { year, month } = toDateTime(date);
  if (month <= 3) return formatFinancialQuarter({ startYear: year - 1, quarter: 4 });
  const quarter = (Math.floor((month - 4) / 3) + 1) as FinancialQuarter['quarter'];
  return formatFinancialQuarter({ startYear: year, quarter });
}
