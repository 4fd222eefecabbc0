import { csvRows } from '../../jobs/report-formats.js';
import type { Figures, Stats } from './repository.js';

// One row per committee (its totals, owner blank) followed by one per owner; cells that a
// spreadsheet would read as a formula are made inert by the report's own CSV writer.
const HEADER = [
  'committee_id', 'committee', 'row', 'owner_person_id', 'owner', 'from', 'to', 'as_of', 'raised', 'responded_on_time', 'responded_late',
  'open', 'overdue', 'median_working_days_to_respond', 'flagged_0', 'flagged_1', 'flagged_2', 'flagged_3_or_more',
];

const numbers = (f: Figures) => [
  f.raised, f.respondedOnTime, f.respondedLate, f.open, f.overdue, f.medianWorkingDaysToRespond ?? '',
  f.timesFlagged.none, f.timesFlagged.once, f.timesFlagged.twice, f.timesFlagged.threeOrMore,
];

export function statsCsv(stats: Stats): string {
  const period = [stats.from ?? '', stats.to ?? ''];
  return csvRows([
    HEADER,
    ...stats.committees.flatMap((c) => [
      [c.committee.id, c.committee.name, 'committee', '', '', ...period, c.asOf, ...numbers(c)],
      ...c.owners.map((o) => [c.committee.id, c.committee.name, 'owner', o.owner.personId ?? '', o.owner.name ?? '', ...period, c.asOf, ...numbers(o)]),
    ]),
  ]);
}
