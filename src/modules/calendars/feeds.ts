import ical, { ICalEventStatus, ICalEventTransparency, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import type { CalendarAction, CalendarMeeting } from './repository.js';

// The calendar feeds as iCalendar text (RFC 5545), through ical-generator. Times are written
// in UTC (RFC 5545 §3.3.5, form #2): the instant is the meeting's own, so a calendar shows it
// right on either side of a clock change without a VTIMEZONE. Deadlines are all-day events on a
// date (§3.6.1: a DATE start with a DATE end the next day), busy-time transparent.

/** How long a meeting is shown as lasting: meetings record a start, not an end. */
export const MEETING_HOURS = 2;

export interface FeedContext {
  /** Absolute base of the API's links, without a trailing slash. */
  baseUrl: string;
  /** The right-hand side of every UID: the same for every request, so UIDs are stable. */
  uidDomain: string;
}

const PROD_ID = { company: 'Scrutiny Tracker', product: 'Calendars', language: 'EN' };
/** How often a subscribed calendar app should fetch again (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
const REFRESH_SECONDS = 3600;

const inWords = (date: string) => DateTime.fromISO(date, { zone: 'utc' }).setLocale('en-GB').toFormat('d LLLL yyyy');
const midnightUtc = (date: string) => new Date(`${date}T00:00:00.000Z`);
const nextDay = (date: string) => new Date(midnightUtc(date).getTime() + 86_400_000);
/** Each write bumps a row's version from 1; SEQUENCE starts at 0 (RFC 5545 §3.8.7.4) and goes up with it. */
const sequenceOf = (row: { version: number }) => Math.max(0, row.version - 1);

function calendar(name: string): ICalCalendar {
  return ical({ name, prodId: PROD_ID, ttl: REFRESH_SECONDS });
}

/** The meeting as people name it in a calendar. */
function meetingName(committeeName: string, meeting: CalendarMeeting): string {
  return `${committeeName} meeting of ${inWords(meeting.localDate)}`;
}

/** A committee's meetings, each with its agenda despatch deadline; cancelled and postponed ones marked so. */
export function committeeFeed(committee: { name: string }, meetings: CalendarMeeting[], context: FeedContext): string {
  const feed = calendar(committee.name);
  for (const meeting of meetings) {
    const url = `${context.baseUrl}/v1/meetings/${meeting.id}`;
    // A postponed meeting will not take place at that time either: it is off the calendar until re-dated.
    const off = meeting.status === 'cancelled' || meeting.status === 'postponed';
    const note = off ? ` (${meeting.status})` : '';
    const start = new Date(meeting.startsAtUtc);
    const common = { sequence: sequenceOf(meeting), stamp: meeting.updatedAt, url };
    feed.createEvent({
      ...common,
      id: `meeting-${meeting.id}@${context.uidDomain}`,
      start,
      end: new Date(start.getTime() + MEETING_HOURS * 3_600_000),
      summary: `${committee.name} meeting${note}`,
      location: meeting.venue,
      status: off ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      description: `${meetingName(committee.name, meeting)}${note}.\nAgenda despatch by ${inWords(meeting.agendaDespatchBy)}.\n${url}`,
    });
    feed.createEvent({
      ...common,
      id: `despatch-${meeting.id}@${context.uidDomain}`,
      allDay: true,
      start: midnightUtc(meeting.agendaDespatchBy),
      end: nextDay(meeting.agendaDespatchBy),
      summary: `Agenda despatch deadline for ${meetingName(committee.name, meeting)}${note}`,
      status: off ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      transparency: ICalEventTransparency.TRANSPARENT,
      description: `The agenda for the ${meetingName(committee.name, meeting)} goes out by this day.\n${url}`,
    });
  }
  return feed.toString();
}

/** What an action is called in a calendar: its reference, when actions have one, then its title. */
export function actionSummary(action: Pick<CalendarAction, 'title'> & { reference?: string | null }): string {
  return action.reference ? `${action.reference}: ${action.title}` : action.title;
}

/** A person's open actions, each an all-day event on the date it is due by. */
export function personFeed(person: { name: string }, actions: CalendarAction[], context: FeedContext): string {
  const feed = calendar(`Actions for ${person.name}`);
  for (const action of actions) {
    const url = `${context.baseUrl}/v1/actions/${action.id}`;
    feed.createEvent({
      id: `action-${action.id}@${context.uidDomain}`,
      sequence: sequenceOf(action),
      stamp: action.updatedAt,
      url,
      allDay: true,
      start: midnightUtc(action.dueBy),
      end: nextDay(action.dueBy),
      summary: `Due: ${actionSummary(action)}`,
      transparency: ICalEventTransparency.TRANSPARENT,
      description: [`${action.committeeName}, due by ${inWords(action.dueBy)}.`, action.detail, url]
        .filter((line): line is string => Boolean(line))
        .join('\n'),
    });
  }
  return feed.toString();
}
