import type { DraftItem, DraftMeeting, MinutesLayout } from './types.js';

// What the officer reviewing a draft should know it lacks: a missing header, items cut short
// by a Modern.gov page, a document that is a report rather than minutes.

export interface WarningInput {
  layout: MinutesLayout;
  meeting: DraftMeeting;
  items: readonly DraftItem[];
  truncatedItems: readonly string[];
  lines: readonly string[];
  headerLines: readonly string[];
}

export function warningsFor(input: WarningInput): string[] {
  const { layout, meeting, items, truncatedItems, lines } = input;
  const warnings: string[] = [];
  if (layout === 'report') {
    warnings.push(
      'This looks like a committee report, not minutes: its recommendations are proposals to the meeting, so no items, resolutions or actions were drafted.',
    );
  }
  if (meeting.committeeName === null && meeting.date === null) {
    warnings.push('No meeting header was found: the committee and the meeting date are unknown.');
  } else {
    if (meeting.committeeName === null) warnings.push('The committee was not named in the header.');
    if (meeting.date === null) warnings.push('The meeting date was not found.');
    else if (meeting.time === null && layout !== 'report') warnings.push('The meeting time was not found, so startsAt is empty.');
  }
  if (layout === 'fragment' && items.length > 0) {
    warnings.push('No agenda item headings were recognised: the text was read as a single untitled item.');
  }
  if (layout !== 'report' && items.length === 0) warnings.push('No agenda items were found.');
  for (const number of truncatedItems) {
    warnings.push(`The minutes of item ${number} are cut short ("view the full minutes text for item ${number}"): read the full minutes for the rest.`);
  }
  const last = [...lines].reverse().find((l) => l !== '') ?? '';
  if (truncatedItems.length === 0 && last.length > 40 && !/[.!?:;)"'\]]$/.test(last) && /[a-z,]$/.test(last)) {
    warnings.push('The text seems to stop mid-sentence; it may have been cut off.');
  }
  if (items.some((item) => item.visibility === 'exempt')) {
    warnings.push('Some items are marked exempt (Part 2); check them before publishing anything from this draft.');
  }
  return warnings;
}
