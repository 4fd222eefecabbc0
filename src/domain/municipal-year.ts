import { localDateOf, type LocalDate } from './local-date.js';

// A council's municipal year runs from its annual meeting in May: 1 May to 30 April (councils
// hold the annual meeting in March–May, Local Government Act 1972 Sch. 12 para 1; the tracker
// takes 1 May for every council). Action references cite it as "24/25".

/** The municipal year a local date falls in, by its first calendar year: 2024-07-15 → 2024. */
export function municipalYearStart(date: LocalDate): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 5 ? year : year - 1;
}

const twoDigits = (year: number) => String(((year % 100) + 100) % 100).padStart(2, '0');

/** The municipal year as references write it: 2024-07-15 → "24/25", 2025-04-30 → "24/25", 2025-05-01 → "25/26". */
export function municipalYearOf(date: LocalDate): string {
  const start = municipalYearStart(date);
  return `${twoDigits(start)}/${twoDigits(start + 1)}`;
}

/**
 * The municipal year of a meeting, from the date it is held on where the committee sits: a
 * meeting at 00:30 on 1 May British Summer Time (23:30Z on 30 April) is in the new year.
 */
export function municipalYearOfMeeting(startsAt: string, timeZone: string): string {
  return municipalYearOf(localDateOf(startsAt, timeZone));
}

/** True for "yy/yy" where the second year follows the first ("99/00" included). */
export function isMunicipalYearLabel(label: string): boolean {
  const match = /^(\d{2})\/(\d{2})$/.exec(label);
  return match !== null && (Number(match[1]) + 1) % 100 === Number(match[2]);
}
