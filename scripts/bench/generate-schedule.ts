import type Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { agendaDespatchBy, HolidayCalendar, localDateOf } from '../../src/domain/calendar.js';
import { DEFAULT_TIME_ZONE } from '../../src/domain/clock.js';
import type { Random } from './random.js';
import { plusDays } from './random.js';
import * as words from './vocabulary.js';

// Committees, people, ten years of meetings and their agenda items and resolutions. Kept in
// memory (a few tens of thousands of rows) because the actions refer to all of it.

export const COMMITTEES = 50;
const ZONE = DEFAULT_TIME_ZONE;
const CLEAR_DAYS = 5;

export interface GenItem {
  id: number;
  visibility: 'public' | 'exempt' | 'confidential';
  resolutionIds: number[];
}

export interface GenMeeting {
  id: number;
  committeeId: number;
  startsAt: string;
  startsAtUtc: string;
  localDate: string;
  despatch: string;
  status: 'scheduled' | 'held' | 'cancelled' | 'postponed';
  items: GenItem[];
}

export interface GenCommittee {
  id: number;
  members: number[];
  officers: number[];
  /** In start order. */
  meetings: GenMeeting[];
}

const at = (iso: string) => `${iso}T09:00:00.000Z`;

export function generateSchedule(sqlite: Database.Database, rnd: Random, anchor: string): GenCommittee[] {
  const insertCommittee = sqlite.prepare(
    `INSERT INTO committees (name, slug, kind, authority, contact_name, contact_email, despatch_clear_days, reminder_working_days, timezone, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 10, '${ZONE}', ?, ?)`,
  );
  const insertPerson = sqlite.prepare(
    'INSERT INTO people (name, title, kind, role, organisation, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertMembership = sqlite.prepare(
    'INSERT INTO memberships (committee_id, person_id, role, "from", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertMeeting = sqlite.prepare(
    `INSERT INTO meetings (committee_id, starts_at, starts_at_utc, local_date, agenda_despatch_by, venue, status, external_id, minutes_approved_on, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertItem = sqlite.prepare(
    `INSERT INTO agenda_items (meeting_id, number, title, minutes, position, visibility, exempt_paragraph, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertResolution = sqlite.prepare(
    'INSERT INTO resolutions (item_id, number, text, kind, vote_for, vote_against, vote_abstentions, vote_method, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );

  const calendar = HolidayCalendar.englandAndWales();
  const firstDay = DateTime.fromISO(anchor, { zone: ZONE }).startOf('month').minus({ months: 108 });
  const created = at(firstDay.minus({ months: 1 }).toISODate()!);
  const personName = () => `${rnd.pick(words.firstNames)} ${rnd.pick(words.lastNames)}`;
  const person = (kind: string, title: string | null, role: string | null, organisation: string | null) => {
    const name = personName();
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${rnd.int(1, 9999)}@example.gov.uk`;
    return Number(insertPerson.run(name, title, kind, role, organisation, email, created, created).lastInsertRowid);
  };

  const officersOf = words.authorities.map((authority) =>
    words.officerRoles.map((role) => person('officer', null, role, authority)),
  );
  const result: GenCommittee[] = [];
  for (let c = 0; c < COMMITTEES; c++) {
    const authorityIndex = c % words.authorities.length;
    const authority = words.authorities[authorityIndex]!;
    const { name, kind } = words.committeeNames[Math.floor(c / words.authorities.length) % words.committeeNames.length]!;
    const slug = `${authority} ${name}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const id = Number(
      insertCommittee.run(name, slug, kind, authority, personName(), `scrutiny@${slug.slice(0, 20).replace(/-+$/, '')}.gov.uk`, CLEAR_DAYS, created, created).lastInsertRowid,
    );
    const members: number[] = [];
    for (let m = 0; m < 12; m++) {
      const pid = person(m === 11 ? 'co_optee' : 'councillor', m === 11 ? null : 'Councillor', m === 11 ? 'Parent governor representative' : null, authority);
      insertMembership.run(id, pid, m === 0 ? 'chair' : m === 1 ? 'vice_chair' : m === 11 ? 'co_opted' : 'member', firstDay.toISODate(), created, created);
      members.push(pid);
    }
    const committee: GenCommittee = { id, members, officers: officersOf[authorityIndex]!, meetings: [] };
    // Each committee meets on its own weekday and week of the month, at 10:00, 14:00 or 18:30.
    const weekday = 1 + (c % 4);
    const week = Math.floor(c / 4) % 3;
    const [hour, minute] = ([[10, 0], [14, 0], [18, 30]] as const)[c % 3]!;
    for (let month = 0; month < 120; month++) {
      const monthStart = firstDay.plus({ months: month });
      if (monthStart.month === 8) continue; // August recess
      const first = new Date(Date.UTC(monthStart.year, monthStart.month - 1, 1));
      const dayOfMonth = 1 + ((weekday - (first.getUTCDay() || 7) + 7) % 7) + 7 * week;
      const day = DateTime.fromObject({ year: monthStart.year, month: monthStart.month, day: dayOfMonth, hour, minute }, { zone: ZONE });
      const startsAt = day.toISO({ suppressMilliseconds: true, includeOffset: true })!;
      const startsAtUtc = DateTime.fromISO(startsAt, { setZone: true }).toUTC().toISO()!;
      const localDate = localDateOf(startsAt, ZONE);
      const despatch = agendaDespatchBy(localDate, CLEAR_DAYS, calendar);
      const past = localDate < anchor;
      const status = past
        ? rnd.weighted({ held: 94, cancelled: 5, postponed: 1 })
        : rnd.weighted({ scheduled: 95, cancelled: 5 });
      const approved = status === 'held' && plusDays(localDate, 35) < anchor ? plusDays(localDate, 35) : null;
      const meetingId = Number(
        insertMeeting.run(id, startsAt, startsAtUtc, localDate, despatch, rnd.pick(['Council Chamber', 'Committee Room 1', 'Committee Room 2', 'Online (Teams)']), status, `mg-${id}-${month}`, approved, at(plusDays(localDate, -60)), at(past ? localDate : plusDays(localDate, -60))).lastInsertRowid,
      );
      const meeting: GenMeeting = { id: meetingId, committeeId: id, startsAt, startsAtUtc, localDate, despatch, status, items: [] };
      if (status !== 'cancelled') addItems(meeting);
      committee.meetings.push(meeting);
    }
    result.push(committee);
  }
  return result;

  function addItems(meeting: GenMeeting) {
    const stamp = at(plusDays(meeting.localDate, -10));
    for (let position = 0; position < 8; position++) {
      const visibility = position < 4 ? 'public' : rnd.weighted({ public: 90, exempt: 8, confidential: 2 });
      const paragraph = visibility === 'public' ? null : rnd.pick([1, 2, 3, 3, 3, 4, 5]);
      const title = position < 4 ? words.itemTitles[position]! : `${rnd.pick(words.itemTitles.slice(5))}: ${rnd.pick(words.topics)}`;
      const minutes = position < 3 ? null : `${rnd.pick(words.sentences)} ${rnd.pick(words.sentences)}`;
      const itemId = Number(insertItem.run(meeting.id, String(position + 1), title, minutes, position, visibility, paragraph, stamp, stamp).lastInsertRowid);
      const item: GenItem = { id: itemId, visibility, resolutionIds: [] };
      const count = position < 3 ? 0 : rnd.int(1, 2);
      for (let r = 0; r < count; r++) {
        const kind = rnd.weighted({ noted: 40, agreed: 20, recommendation: 15, request: 15, referral: 5, other: 5 });
        const voted = kind === 'recommendation' && rnd.chance(0.3);
        item.resolutionIds.push(Number(insertResolution.run(itemId, String(r + 1), `${rnd.pick(words.requests)} ${rnd.pick(words.topics)}.`, kind, voted ? rnd.int(5, 9) : null, voted ? rnd.int(0, 3) : null, voted ? rnd.int(0, 2) : null, voted ? 'show of hands' : null, stamp, stamp).lastInsertRowid));
      }
      meeting.items.push(item);
    }
  }
}
