import type Database from 'better-sqlite3';
import { responseDueOn } from '../../src/domain/executive-response.js';
import { quarterContaining, quarterEndDate } from '../../src/domain/financial-quarter.js';
import type { GenCommittee, GenMeeting } from './generate-schedule.js';
import { plusDays, type Random } from './random.js';
import * as words from './vocabulary.js';

// Actions raised at past meetings, in the order they were raised (ids grow with time), with
// the state ten years of real use leaves: old ones mostly closed, recent ones open, a tail of
// forgotten ones overdue and flagged at every meeting since, recommendations awaiting the
// executive, and a timeline of progress updates.

type Status = 'open' | 'in_progress' | 'responded' | 'closed' | 'withdrawn';
const BATCH = 20_000;
const ACTION_COLUMNS = [
  'committee_id', 'meeting_id', 'item_id', 'resolution_id', 'kind', 'title', 'detail', 'requested_by_id',
  'owner_id', 'owner_text', 'due_rule', 'due_meeting_id', 'due_date', 'due_quarter', 'status', 'rag',
  'response', 'responded_on', 'responded_meeting_id', 'visibility', 'directed_to', 'received_on',
  'notice_on', 'executive_response', 'response_due_on', 'response_reason', 'version', 'created_at',
  'updated_at',
];

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
const stamp = (date: string, hour = 9) => `${date}T${String(hour).padStart(2, '0')}:00:00.000Z`;

/** Index of the first meeting after `k` that satisfies `ok`, or -1. */
function firstAfter(meetings: GenMeeting[], k: number, ok: (m: GenMeeting) => boolean): number {
  for (let j = k + 1; j < meetings.length; j++) if (ok(meetings[j]!)) return j;
  return -1;
}

/** Index of the first meeting whose local date is after `date`. */
function firstOnOrAfter(meetings: GenMeeting[], date: string, strictly: boolean): number {
  let lo = 0;
  let hi = meetings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = meetings[mid]!.localDate;
    if (strictly ? d <= date : d < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function generateActions(sqlite: Database.Database, rnd: Random, anchor: string, committees: GenCommittee[], total: number) {
  const insertAction = sqlite.prepare(`INSERT INTO actions (${ACTION_COLUMNS.join(', ')}) VALUES (${ACTION_COLUMNS.map(() => '?').join(', ')})`);
  const insertUpdate = sqlite.prepare('INSERT INTO action_updates (action_id, text, rag, author_id, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertFlag = sqlite.prepare('INSERT INTO overdue_flags (action_id, meeting_id, flagged_on, reason, created_at) VALUES (?, ?, ?, ?, ?)');
  const quarterEnds = new Map<string, string>();
  const quarterEnd = (label: string) => quarterEnds.get(label) ?? quarterEnds.set(label, quarterEndDate(label)).get(label)!;

  // Every held meeting before the anchor, across all committees, in time order.
  const raisedAt = committees
    .flatMap((c) => c.meetings.map((m, index) => ({ c, m, index })))
    .filter(({ m }) => m.status === 'held')
    .sort((a, b) => (a.m.startsAtUtc < b.m.startsAtUtc ? -1 : 1));
  const isScheduled = (m: GenMeeting) => m.status === 'scheduled';
  const isLive = (m: GenMeeting) => m.status === 'held' || m.status === 'scheduled';

  const one = (i: number) => {
    const { c, m, index } = raisedAt[Math.floor((i * raisedAt.length) / total)]!;
    const raised = m.localDate;
    const age = daysBetween(raised, anchor);
    const status: Status =
      age > 365 ? rnd.weighted({ closed: 82, withdrawn: 5, responded: 11, open: 1.2, in_progress: 0.8 })
        : age > 120 ? rnd.weighted({ closed: 55, responded: 22, withdrawn: 3, open: 12, in_progress: 8 })
          : rnd.weighted({ open: 50, in_progress: 25, responded: 17, closed: 8 });
    const working = status === 'open' || status === 'in_progress';
    const kind = rnd.weighted({ update: 40, information: 30, recommendation: 10, task: 20 });
    const item = m.items.length > 0 && rnd.chance(0.8) ? rnd.pick(m.items) : null;
    const resolutionId = item && item.resolutionIds.length > 0 && rnd.chance(0.5) ? rnd.pick(item.resolutionIds) : null;
    const visibility = item?.visibility ?? (rnd.chance(0.01) ? 'exempt' : 'public');
    const topic = rnd.pick(words.topics);

    // The due rule, and D, the effective due-by date the app would derive.
    const dueRule = rnd.weighted({ next_meeting: 40, meeting: 20, date: 25, quarter: 15 });
    let dueMeetingId: number | null = null;
    let dueDate: string | null = null;
    let dueQuarter: string | null = null;
    let due: string | null = null;
    if (dueRule === 'next_meeting') {
      // Unanswered ones have been moved on to the next scheduled meeting; answered ones stay put.
      const j = working ? firstAfter(c.meetings, index, isScheduled) : firstAfter(c.meetings, index, isLive);
      if (j >= 0) [dueMeetingId, due] = [c.meetings[j]!.id, c.meetings[j]!.despatch];
    } else if (dueRule === 'meeting') {
      const target = c.meetings[Math.min(index + rnd.int(1, 3), c.meetings.length - 1)]!;
      [dueMeetingId, due] = [target.id, target.despatch];
    } else if (dueRule === 'date') {
      due = dueDate = plusDays(raised, rnd.int(14, 120));
    } else {
      dueQuarter = quarterContaining(plusDays(raised, rnd.int(30, 270)));
      due = dueDate = quarterEnd(dueQuarter);
    }

    const answered = status === 'responded' || status === 'closed';
    let respondedOn: string | null = null;
    if (answered) {
      const late = due !== null && rnd.chance(0.25);
      const target = due === null ? plusDays(raised, rnd.int(10, 90)) : late ? plusDays(due, rnd.int(1, 90)) : plusDays(due, -rnd.int(0, 20));
      respondedOn = target <= raised ? plusDays(raised, 1) : target >= anchor ? plusDays(anchor, -1) : target;
    }
    const respondedMeeting = respondedOn ? c.meetings[firstOnOrAfter(c.meetings, respondedOn, false)] : undefined;

    let receivedOn: string | null = null;
    let noticeOn: string | null = null;
    let responseDue: string | null = null;
    let executiveResponse: string | null = null;
    let responseReason: string | null = null;
    if (kind === 'recommendation') {
      receivedOn = plusDays(raised, rnd.int(1, 10));
      if (receivedOn > anchor) receivedOn = anchor;
      if (rnd.chance(0.1)) noticeOn = plusDays(receivedOn, rnd.int(1, 14)) > anchor ? anchor : plusDays(receivedOn, rnd.int(1, 14));
      responseDue = responseDueOn(receivedOn, noticeOn);
      const decided = responseDue < plusDays(anchor, -30) ? !rnd.chance(0.04) : rnd.chance(0.25);
      executiveResponse = decided ? rnd.weighted({ accepted: 50, partially_accepted: 20, accepted_in_principle: 15, not_accepted: 15 }) : 'pending';
      if (executiveResponse === 'not_accepted' || executiveResponse === 'partially_accepted') responseReason = rnd.pick(words.sentences);
    }

    const updates = working ? rnd.int(0, 3) : answered ? rnd.int(1, 3) : rnd.int(0, 1);
    const lastDay = respondedOn ?? (age > 1 ? plusDays(raised, rnd.int(1, Math.min(age - 1, 400))) : raised);
    const ownerId = rnd.chance(0.75) ? rnd.pick(c.officers) : null;
    const id = Number(
      insertAction.run(
        c.id, m.id, item?.id ?? null, resolutionId, kind,
        `${rnd.pick(words.requests)} ${topic}: ${rnd.pick(words.aspects)}`,
        rnd.chance(0.85) ? `${rnd.pick(words.sentences)} ${rnd.pick(words.sentences)}` : null,
        rnd.pick(c.members), ownerId, ownerId === null && rnd.chance(0.7) ? rnd.pick(['Integrated Care Board', 'Head of Service', 'Police liaison officer']) : null,
        dueRule, dueMeetingId, dueDate, dueQuarter, status,
        working ? rnd.pick(['red', 'amber', 'amber', 'green', 'green', null]) : answered ? 'green' : null,
        answered ? rnd.pick(words.responses) : null, respondedOn, respondedMeeting?.id ?? null,
        visibility, kind === 'recommendation' ? rnd.pick(words.directedTo) : null, receivedOn, noticeOn,
        executiveResponse, responseDue, responseReason, 1 + updates, m.startsAtUtc, stamp(lastDay, 16),
      ).lastInsertRowid,
    );
    for (let u = 0; u < updates; u++) {
      const on = plusDays(raised, Math.round(((u + 1) / (updates + 1)) * Math.max(daysBetween(raised, lastDay), 1)));
      insertUpdate.run(id, rnd.pick(words.sentences), working ? rnd.pick(['red', 'amber', 'green']) : null, ownerId, 'import:legacy-tracker', stamp(on, 11));
    }
    // A flag at every meeting held (or, for one still open, coming up) after it fell due.
    if (due !== null && status !== 'withdrawn' && due < anchor) {
      const flagged: GenMeeting[] = [];
      for (let j = firstOnOrAfter(c.meetings, due, true); j < c.meetings.length; j++) {
        const meeting = c.meetings[j]!;
        if (!isLive(meeting)) continue;
        if (respondedOn !== null && meeting.localDate > respondedOn) break;
        flagged.push(meeting);
        if (meeting.localDate >= anchor) break;
      }
      for (const meeting of flagged.slice(-12)) {
        const on = plusDays(meeting.localDate, -7) > anchor ? anchor : plusDays(meeting.localDate, -7);
        const days = daysBetween(due, on);
        if (days <= 0) continue;
        insertFlag.run(id, meeting.id, on, `Overdue by ${days} day${days === 1 ? '' : 's'} (due ${due}) before the meeting on ${meeting.localDate}`, stamp(on, 5));
      }
    }
  };

  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) one(i);
  });
  for (let from = 0; from < total; from += BATCH) {
    batch(from, Math.min(from + BATCH, total));
    if (process.stderr.isTTY) process.stderr.write(`\r  actions ${Math.min(from + BATCH, total).toLocaleString('en-GB')} / ${total.toLocaleString('en-GB')}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
}
