import { fromDateTime, type LocalDate, toDateTime } from './local-date.js';

// Local Government Act 2000 s9FE: the executive must respond to a scrutiny committee's report or
// recommendations within two months beginning with the date it received them or, if later,
// the date of the committee's notice requiring a response.
//
// "Beginning with" a day includes that day (Zoan v Rouamba [2000] 1 WLR 1509). A period of
// calendar months then ends on the day before the date in the final month that corresponds to
// the first day; if the final month has no such date, it ends on that month's last day (the
// corresponding date rule: Dodds v Walker [1981] 1 WLR 1027; Halsbury's Laws, "Time").
//   10 March    → corresponding 10 May exists          → 9 May.
//   1 March     → corresponding 1 May exists           → 30 April.
//   30 November → corresponding 30 January exists     → 29 January.
//   31 December → no 31 February                       → 28 February (29 in a leap year).
// luxon's plus({ months: 2 }) keeps the day of the month, clamping it to the month's last day
// when there is no such day. So: add two months; step back a day only if nothing was clamped.
// Always stepping back would end a period beginning on 31 December on 27 February, a day early;
// stepping back first, "(date − 1 day) + 2 months", would end one beginning on 1 March 2023
// on 28 April rather than 30 April.

/** Values of `executiveResponse` on a recommendation. */
export const EXECUTIVE_RESPONSES = [
  'pending',
  'accepted',
  'partially_accepted',
  'accepted_in_principle',
  'not_accepted',
] as const;
export type ExecutiveResponse = (typeof EXECUTIVE_RESPONSES)[number];

/** The last day of the s9FE period; `noticeOn`, when later than `receivedOn`, starts it instead. */
export function responseDueOn(receivedOn: LocalDate, noticeOn?: LocalDate | null): LocalDate {
  toDateTime(receivedOn);
  if (noticeOn != null) toDateTime(noticeOn);
  const later = noticeOn != null && noticeOn > receivedOn ? noticeOn : receivedOn;
  const first = toDateTime(later);
  const corresponding = first.plus({ months: 2 });
  const clamped = corresponding.day !== first.day;
  return fromDateTime(clamped ? corresponding : corresponding.minus({ days: 1 }));
}
