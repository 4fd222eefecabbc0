import { DateTime } from 'luxon';
import { parseFinancialQuarter } from '../../domain/financial-quarter.js';
import { isInstant, isLocalDate } from '../../domain/local-date.js';
import { InvalidFieldError, invalidField } from '../../errors.js';
import type { DraftItem, DueHint, MinutesDraft } from '../../import/index.js';
import type { Reader } from '../../domain/visibility.js';
import { checkExemption } from '../items/repository.js';

// What a draft's values become when saved, and which drafts may be saved at all: the meeting's
// start, titles and paragraphs cut to the columns, due hints the due rules accept, declarants
// matched to attendees, and each item's visibility checked as a direct write's would be.

export const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// The years the rest of the service can do calendar arithmetic in (see SUPPORTED_YEARS).
export const supportedYear = (year: number) => year >= 1900 && year <= 2999;

/**
 * When the meeting started: the caller's startsAt, else the date (and time) the minutes give, in
 * the committee's zone. Errors name `startsAt`, also when the minutes' own date is the trouble:
 * giving startsAt is the way out.
 */
export function startsAtOf(draft: MinutesDraft, options: { startsAt?: string }, timeZone: string): string {
  const field = 'startsAt';
  if (options.startsAt !== undefined) {
    if (!isInstant(options.startsAt)) {
      throw invalidField(field, 'must be an ISO 8601 date and time with seconds and an offset, e.g. 2024-07-15T18:30:00+01:00');
    }
    if (!supportedYear(DateTime.fromISO(options.startsAt, { setZone: true }).year)) throw invalidField(field, 'must be in the years 1900–2999');
    return options.startsAt;
  }
  const { date, time } = draft.meeting;
  if (!date) throw invalidField(field, 'the minutes give no meeting date: give the date and time the meeting started');
  // Minutes without a time: noon local time keeps the meeting on its own date in any zone.
  const local = DateTime.fromISO(`${date}T${time ?? '12:00'}`, { zone: timeZone });
  if (!local.isValid || !supportedYear(local.year)) {
    throw invalidField(field, `the minutes' date ${date} cannot be used: give the date and time the meeting started`);
  }
  return local.toISO({ suppressMilliseconds: true });
}

export const itemTitle = (item: { title: string }) => cut(item.title || 'Untitled item', 500);

export const paragraphOf = (item: DraftItem) =>
  Number.isInteger(item.exemptParagraph) && item.exemptParagraph! >= 1 && item.exemptParagraph! <= 7 ? item.exemptParagraph! : null;

/**
 * The rule a direct write of each item meets (items' checkExemption): the caller can read what it
 * files, and exempt business names its Schedule 12A paragraph. Minutes that mark an item exempt
 * without naming one are refused rather than saved half-classified: the officer adds
 * "paragraph N" to that item's minutes, or files the item through POST /v1/meetings/{id}/items.
 */
export function checkItemsMayBeFiled(actor: Reader, draft: MinutesDraft) {
  const errors = draft.items.flatMap((item, index) => {
    try {
      checkExemption(actor, item.visibility, item.visibility === 'public' ? null : paragraphOf(item));
      return [];
    } catch (err) {
      if (!(err instanceof InvalidFieldError)) throw err;
      const name = `item ${item.number ?? index + 1} ("${cut(itemTitle(item), 80)}")`;
      return err.errors.map((e) => ({
        field: 'text',
        detail: `${name} is ${item.visibility} business in these minutes: ${e.field.split('/').pop()} ${e.detail}`,
      }));
    }
  });
  if (errors.length > 0) throw new InvalidFieldError(errors);
}

/** A due hint the due rules accept; anything else falls back to the committee's next meeting. */
export function usableHint(hint: DueHint | null): DueHint | null {
  if (hint?.rule === 'quarter') {
    try {
      const { startYear } = parseFinancialQuarter(hint.quarter);
      return supportedYear(startYear) ? hint : null;
    } catch {
      return null;
    }
  }
  if (hint?.rule === 'date') return isLocalDate(hint.date) && supportedYear(Number(hint.date.slice(0, 4))) ? hint : null;
  return hint;
}

/** The attendee a declaration's "Councillor Smith" means, when exactly one attendee has that surname. */
export function attendeeNamed(draft: MinutesDraft, name: string): string | null {
  const wanted = name.trim().toLowerCase();
  const exact = draft.attendance.find((a) => a.name.trim().toLowerCase() === wanted);
  if (exact) return exact.name;
  const surname = (full: string) => full.trim().split(/\s+/).pop()?.toLowerCase() ?? '';
  if (/\s/.test(wanted)) return null;
  const matches = [...new Set(draft.attendance.filter((a) => surname(a.name) === wanted).map((a) => a.name))];
  return matches.length === 1 ? matches[0]! : null;
}
