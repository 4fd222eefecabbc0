// The spreadsheet of actions (DESIGN.md "Spreadsheets in and out"): the columns the export
// writes, in order, and how the headings of a council's own tracker map onto them on import.
// One list, so that export and import cannot drift apart: what the export writes, the import
// reads back to the same action (the round trip in test/modules/spreadsheets.test.ts).

/** The export's columns, in the order it writes them; also the fields `?map=` can name. */
export const EXPORT_COLUMNS = [
  'reference',
  'committee',
  'raised_at',
  'item',
  'kind',
  'title',
  'detail',
  'owner',
  'due_rule',
  'due_date',
  'due_meeting',
  'due_quarter',
  'status',
  'rag',
  'response',
  'responded_on',
  'latest_update',
  'overdue',
  'times_flagged',
  'visibility',
] as const;
export type Column = (typeof EXPORT_COLUMNS)[number];

/** Worked out by the tracker, never set by a spreadsheet: read past on import. */
export const COMPUTED_COLUMNS: readonly Column[] = ['overdue', 'times_flagged'];

/**
 * The headings councils' trackers use ("Action Tracking", "Recommendation Tracker" tables), by
 * the column they fill. Compared without case, spaces or punctuation ("Lead Officer",
 * "lead_officer" and "LEAD OFFICER:" are one heading). The export's own names are included.
 */
const HEADINGS: Record<Column, string[]> = {
  reference: ['reference', 'ref', 'ref no', 'reference number', 'reference no', 'action ref', 'action reference', 'action no', 'action number', 'rec no', 'recommendation no', 'recommendation number', 'no'],
  committee: ['committee', 'committee name', 'board', 'panel'],
  raised_at: ['raised at', 'meeting date', 'date of meeting', 'meeting', 'date raised', 'raised', 'date of committee', 'committee date'],
  item: ['item', 'agenda item', 'item no', 'item number', 'minute', 'minute no', 'minute number', 'minute ref'],
  kind: ['kind', 'type', 'action type'],
  title: ['title', 'recommendation', 'action', 'action required', 'action agreed', 'request', 'resolution', 'actions'],
  detail: ['detail', 'details', 'description', 'notes'],
  owner: ['owner', 'lead officer', 'responsible officer', 'lead', 'officer', 'responsibility', 'action by', 'action owner', 'lead member', 'responsible', 'who'],
  due_rule: ['due rule'],
  due_date: ['due date', 'target date', 'deadline', 'due', 'due by', 'date due', 'target', 'timescale', 'completion date', 'target completion date'],
  due_meeting: ['due meeting', 'due at meeting', 'report back to meeting'],
  due_quarter: ['due quarter', 'quarter'],
  status: ['status', 'progress status', 'current status'],
  rag: ['rag', 'rag status', 'rag rating'],
  response: ['response', 'action taken', 'outcome', 'response received', 'executive response', 'actions taken'],
  responded_on: ['responded on', 'date responded', 'response date', 'date completed', 'completed on'],
  latest_update: ['latest update', 'update', 'progress', 'progress update', 'comments', 'latest position', 'update comments'],
  overdue: ['overdue'],
  times_flagged: ['times flagged'],
  visibility: ['visibility'],
};

/** A heading as compared: lower case, letters and digits only, words single-spaced. */
export const headingKey = (heading: string): string =>
  heading.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

const BY_HEADING = new Map<string, Column>(
  (Object.entries(HEADINGS) as [Column, string[]][]).flatMap(([column, names]) => [...names, column].map((name) => [headingKey(name), column] as const)),
);

/** The column a heading fills by the documented mapping, if any. */
export const columnOfHeading = (heading: string): Column | undefined => BY_HEADING.get(headingKey(heading));

export const isColumn = (name: string): name is Column => (EXPORT_COLUMNS as readonly string[]).includes(name);

/** The documented mapping, for the README and the route's description. */
export const documentedHeadings = HEADINGS;
