import { DATED_DECISION_LINE } from './decision-dated.js';
import { findDate, findTime, startsAtFor, timeAtStart, type FoundDate } from './dates.js';
import type { DraftMeeting } from './types.js';

// The meeting's committee, date, time and venue, from whichever header the document has:
// - Modern.gov:  "Children Young People and Families Policy and Performance Board - Monday, 15th July, 2024 6.30 p.m."
//                 "Venue: Civic Suite, Town Hall, Runcorn"
// - single item: "Meeting: 02/03/2022 - Cabinet (Item 45.)"
// - printed:      "MINUTES of a meeting of the Cabinet held at the Council Chamber on Tuesday, 5 March 2024 at 10.00 am"
//                 or the committee's name as a title and "At a meeting of this Committee held on 8 January 2024"
// - a report:     "REPORT TO: …" / "DATE: 11 September 2023"
// Only header lines are read: a date in the body is a date in the discussion, not the meeting's.

const WEEKDAY = '(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? )?';
const MODERNGOV_LINE = new RegExp(`^(.{3,200}?) [-–—] (${WEEKDAY}\\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9},? \\d{4}.*)$`);
const MEETING_LINE = /^(?:decided at )?meeting ?:? ?(\d{1,2}\/\d{1,2}\/\d{2,4}) ?[-\u2013\u2014] ?(.+?)(?: \((?:agenda )?item[^)]*\))?\.?$/i;
const MEETING_OF = /\bmeeting of (?:the )?(.{3,150}?),?\s(?:held|which was held|convened|at |on |in )/i;
// Welsh councils print both languages: "Amser / Time: 10.00 y.b. / 10.00 a.m.".
const LABEL = /^(?:[\p{L}' ]{1,30} ?\/ ?)?(venue|place|location|date|time|date of meeting|meeting date|date of decision|report to|committee|decision maker|meeting) ?: ?(.*)$/iu;
const COMMITTEE_WORDS =
  /\b(?:committee|board|panel|cabinet|council|commission|forum|sub-committee|scrutiny|executive|assembly|partnership)\b/i;
// "Ashcombe Vale District Council" heads the page but is the authority, not the committee.
const AUTHORITY = /^(?:the )?[\w' -]{2,60}\b(?:borough|district|county|city|metropolitan|town|parish|unitary|county borough) council$|^(?:council of|cyngor)\b/i;
const DOCUMENT_WORD = /^(?:minutes|agenda|agenda and minutes|draft minutes|notes|decisions?)$/i;
const NOT_A_NAME = /^(?:this|the|that|said)? ?(?:committee|board|panel|council|meeting)$/i;
const HELD_AT = /\bheld (?:at|in) (?:the )?(.{3,120}?)(?:,? on\b|,? commencing\b|$)/im;
const VENUE_AFTER_TIME = /^ ?(?:at|in) (?:the )?(.{3,120}?)\.?$/i;

export interface MeetingHeaderResult {
  meeting: DraftMeeting;
  /** "(Item 45)" from a Modern.gov single-item page. */
  itemNumber: string | null;
}

/** "Minutes of the Licensing Panel", "Licensing Panel Minutes": the word "minutes" is the document's, not the name's. */
function cleanName(name: string): string {
  return name
    .replace(/^(?:minutes of (?:the |a )?(?:meeting of (?:the )?)?)/i, '')
    .replace(/[.,:;]+$/, '')
    .replace(/(?:\s[-\u2013\u2014:])?\s+minutes$/i, '')
    // "Overview and Scrutiny Committee, 12 June 2024", "Cabinet meeting": the date and the word meeting are not the name.
    .replace(/,? (?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? )?\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9},? \d{4}.*$/, '')
    .replace(/(?<=\b(?:committee|sub-committee|board|panel|cabinet|council|commission|forum|executive|assembly|partnership)) meeting$/i, '')
    .trim();
}

function cleanVenue(venue: string): string {
  return venue.replace(/[.,;]+$/, '').replace(/ at \d{1,2}(?:[.:]\d{2})? ?[ap]\.? ?m\.?.*$/i, '').trim();
}

interface Found {
  committeeName: string | null;
  date: FoundDate | null;
  dateText: string;
  time: string | null;
  venue: string | null;
  itemNumber: string | null;
}

function fromLabels(lines: readonly string[], found: Found): void {
  lines.forEach((line, i) => {
    const m = LABEL.exec(line);
    if (!m) return;
    const label = (m[1] ?? '').toLowerCase();
    let value = (m[2] ?? '').trim();
    if (label === 'report to' && /(?:and|of|&|,)$/i.test(value)) value += ' ' + (lines[i + 1] === '' ? lines[i + 2] ?? '' : lines[i + 1] ?? '');
    if (value === '') return;
    if ((label === 'venue' || label === 'place' || label === 'location') && found.venue === null) found.venue = cleanVenue(value);
    if ((label === 'report to' || label === 'committee' || label === 'decision maker') && found.committeeName === null) found.committeeName = cleanName(value);
    if ((label === 'date' || label === 'date of meeting' || label === 'meeting date' || label === 'date of decision') && found.date === null) {
      found.date = findDate(value);
      found.dateText = value;
    }
    if (label === 'time' && found.time === null) found.time = findTime(value);
  });
}

function fromModernGovLine(lines: readonly string[], found: Found): void {
  for (const line of lines) {
    if (line.length > 300) continue;
    const meetingLine = MEETING_LINE.exec(line);
    if (meetingLine) {
      found.committeeName ??= cleanName(meetingLine[2] ?? '');
      found.date ??= findDate(meetingLine[1] ?? '');
      found.itemNumber ??= /\((?:agenda )?item (?:no\.? ?)?(\d{1,3}[a-z]?)/i.exec(line)?.[1] ?? null;
      continue;
    }
    const m = MODERNGOV_LINE.exec(line);
    if (!m || found.date !== null) continue;
    const date = findDate(m[2] ?? '');
    if (!date) continue;
    // "Minutes - 12 June 2024" under the committee's title names the document, not the committee.
    const name = cleanName(m[1] ?? '');
    if (!DOCUMENT_WORD.test(name)) found.committeeName ??= name;
    found.date = date;
    found.dateText = m[2] ?? '';
    return;
  }
}

/** "14/05/2024 - Play Area Refurbishment": a decision page's meeting line names the issue, not the committee. */
function fromDecisionLine(meetingLines: readonly string[], found: Found): void {
  for (const line of meetingLines) {
    const dated = DATED_DECISION_LINE.exec(line);
    if (dated) found.date ??= findDate(dated[1] ?? '');
  }
}

function fromPrintedHeader(lines: readonly string[], found: Found): void {
  const text = lines.join('\n').slice(0, 4000);
  const meetingOf = MEETING_OF.exec(text);
  if (meetingOf && found.committeeName === null) {
    const name = cleanName(meetingOf[1] ?? '');
    if (!NOT_A_NAME.test(name) && COMMITTEE_WORDS.test(name)) found.committeeName = name;
  }
  if (found.committeeName === null) {
    const title = lines.find(
      (l) =>
        l !== '' &&
        l.length <= 150 &&
        COMMITTEE_WORDS.test(l) &&
        !AUTHORITY.test(l) &&
        !/^agenda\b/i.test(l) &&
        !/^(?:\(?present|apologies|at a meeting|officers|also|in attendance)/i.test(l) &&
        // "Contact: J Roberts, Scrutiny" names an officer's team, not the meeting.
        !/^(?:contact|clerk|contact officer|published|media|venue|tel|email|e-mail)\b ?:/i.test(l),
    );
    if (title) {
      const beforeHeld = title.split(/ held\b/i)[0] ?? title;
      // "LICENSING PANEL – 4 March 2025", also with the dash printed against the name ("PANEL– 4 March").
      const name = cleanName(beforeHeld.replace(/ [-\u2013\u2014] .*$|[\u2013\u2014] .*$/, ''));
      if (name !== '' && !NOT_A_NAME.test(name)) found.committeeName = name;
    }
  }
  if (found.date === null) {
    const held = /\b(?:held|meeting)\s(?:on|at|in)\b/i.exec(text);
    const from = held ? held.index : 0;
    const date = findDate(text.slice(from)) ?? findDate(text);
    if (date) {
      found.date = held ? { ...date, index: date.index + from, end: date.end + from } : date;
      found.dateText = text.slice(found.date.index, found.date.index + 300).split('\n')[0] ?? '';
      found.date = { ...found.date, index: 0, end: found.date.end - found.date.index };
    }
  }
  if (found.venue === null) {
    const heldAt = HELD_AT.exec(text);
    if (heldAt && !/^\d/.test(heldAt[1] ?? '')) found.venue = cleanVenue(heldAt[1] ?? '');
  }
}

function timeAndVenueAfterDate(found: Found): void {
  if (found.date === null) return;
  const after = found.dateText.slice(found.date.end);
  found.time ??= timeAtStart(after) ?? findTime(after.slice(0, 60));
  if (found.venue === null) {
    const afterTime = found.time !== null ? after.replace(/^.*?\d ?(?:[ap]\.? ?m\.?|hrs|noon)/i, '') : after;
    const venue = VENUE_AFTER_TIME.exec(afterTime.slice(0, 160));
    if (venue && /^[A-Z]/.test(venue[1] ?? '')) found.venue = cleanVenue(venue[1] ?? '');
  }
}

/**
 * Meeting metadata from the header lines (and, for single-item pages, the "Meeting:" line).
 * Anything not stated stays null; nothing is guessed from the body of the minutes.
 */
export function extractMeeting(headerLines: readonly string[], extraLines: readonly string[], timeZone: string): MeetingHeaderResult {
  const lines = [...extraLines, ...headerLines].slice(0, 80);
  const found: Found = { committeeName: null, date: null, dateText: '', time: null, venue: null, itemNumber: null };
  fromModernGovLine(lines, found);
  fromDecisionLine(extraLines, found);
  fromLabels(lines, found);
  fromPrintedHeader(headerLines.slice(0, 40), found);
  timeAndVenueAfterDate(found);
  const date = found.date?.date ?? null;
  return {
    meeting: {
      committeeName: found.committeeName === '' ? null : found.committeeName,
      date,
      time: found.time,
      startsAt: startsAtFor(date, found.time, timeZone),
      venue: found.venue === '' ? null : found.venue,
    },
    itemNumber: found.itemNumber,
  };
}

// "…, overview and scrutiny committee recommends that …": with no header, the body that takes
// the decision names the meeting. Only a name of two words or more ("Licensing Committee", not
// "Committee" or "Council") as the subject of a decision verb in a resolution counts.
const DECIDING_BODY =
  /(?:^|[^\w&'-] ?)((?:[A-Za-z][\w&'-]* ){1,6}(?:committee|sub-committee|panel|board|commission|forum))(?:,)? (?:(?:also|further|unanimously|therefore) )?(?:recommends|resolves|resolved|agrees|agreed|notes|noted|requests|requested|endorses|endorsed|approves|approved|asks|asked|welcomes|welcomed)\b/i;
const NAME_SMALL_WORDS = new Set(['and', 'of', 'for', 'the', '&']);
const NOT_NAME_LEAD = /^(?:(?:that|the|this|a|an|its|their|and|whereupon|then|accordingly|in|on|so|which|when|where|whilst|while) )+/i;

/** The committee named as the subject of a decision in a resolution, or null. */
export function committeeInDecisions(resolutionTexts: readonly string[]): string | null {
  for (const text of resolutionTexts) {
    const m = DECIDING_BODY.exec(text.slice(0, 2000));
    if (!m) continue;
    const words = (m[1] ?? '').replace(NOT_NAME_LEAD, '').split(' ');
    if (words.length < 2 || words.some((w) => /^(?:is|was|were|be|has|had|have|would|will|it|they|which|members?|officers?)$/i.test(w))) continue;
    return words.map((w, i) => (i > 0 && NAME_SMALL_WORDS.has(w.toLowerCase()) ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');
  }
  return null;
}
