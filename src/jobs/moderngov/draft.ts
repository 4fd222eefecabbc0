import { createHash } from 'node:crypto';
import type { committees } from '../../db/tables.js';
import { parseMinutes, type MinutesDraft } from '../../import/index.js';
import type { MgMeeting } from '../../moderngov/client.js';
import { timeOfMg } from '../../moderngov/mapping.js';
import type { MeetingRow } from '../../modules/meetings/repository.js';

// A held meeting's minutes as a stored draft (DESIGN.md "Meetings from Modern.gov"): the items
// with minutes, read by the minutes importer's rules, and the hash of what the draft is read
// from, so that a draft is read again only when its minutes change.

type CommitteeRow = typeof committees.$inferSelect;

/** Worked out once per meeting read (the client hands back the same meeting while its XML is the same). */
const minutesByMeeting = new WeakMap<MgMeeting, { withMinutes: MgMeeting['items']; hash: string }>();

/** What the meeting's draft is read from, and its hash: a draft is re-read only when this changes. */
export function minutesOf(detail: MgMeeting) {
  const known = minutesByMeeting.get(detail);
  if (known) return known;
  const withMinutes = detail.items.filter((i) => i.minutes !== '');
  const hash = createHash('sha256')
    .update(JSON.stringify(withMinutes.map((i) => [i.id, i.number, i.title, i.minutes, i.restricted, i.exemptParagraph])))
    .digest('hex');
  const minutes = { withMinutes, hash };
  minutesByMeeting.set(detail, minutes);
  return minutes;
}

export function draftOf(committee: CommitteeRow, meeting: MeetingRow, detail: MgMeeting, withMinutes: MgMeeting['items']): MinutesDraft {
  const draft: MinutesDraft = {
    layout: 'moderngov',
    meeting: { committeeName: committee.name, date: meeting.localDate, time: timeOfMg(detail.time), startsAt: meeting.startsAt, venue: meeting.venue },
    attendance: [], items: [], resolutions: [], declarations: [], actions: [], progress: [], warnings: [],
  };
  withMinutes.forEach((item, index) => {
    const parsed = parseMinutes(item.minutes, { timeZone: committee.timezone });
    draft.items.push({
      number: item.number, title: item.title, minutes: item.minutes, position: index + 1,
      visibility: item.restricted ? 'exempt' : 'public',
      ...(item.restricted && item.exemptParagraph ? { exemptParagraph: item.exemptParagraph } : {}),
    });
    const base = draft.resolutions.length;
    draft.resolutions.push(...parsed.resolutions.map((r) => ({ ...r, itemIndex: index })));
    draft.actions.push(...parsed.actions.map((a) => ({ ...a, itemIndex: index, resolutionIndex: a.resolutionIndex === null ? null : a.resolutionIndex + base })));
    draft.declarations.push(...parsed.declarations.map((d) => ({ ...d, itemIndex: index })));
    draft.progress.push(...parsed.progress.map((p) => ({ ...p, itemIndex: index })));
  });
  return draft;
}
