import { Type } from 'typebox';
import { ACTION_STATUSES } from '../../domain/action-lifecycle.js';
import { RAG_RATINGS } from '../../domain/vocabulary.js';
import { DOCUMENT_FORMATS } from '../../documents/formats.js';
import { DOCUMENT_KINDS } from '../../documents/model.js';
import { DateString, Nullable, StringEnum } from '../shared/schema-types.js';
import { TRACKER_STATUSES } from './query.js';

const format = Type.Optional(StringEnum(DOCUMENT_FORMATS, {
  description: 'Overrides the Accept header: json, csv, md (text/markdown), html (text/html) or docx (Word)',
}));
const asOf = Type.Optional(DateString({ description: "The day overdue is judged as of; default today in the committee's time zone" }));

export const TrackerQuery = Type.Object(
  {
    asOf,
    status: Type.Optional(StringEnum(TRACKER_STATUSES, { description: 'open (default): still awaiting an answer (open or in progress); all: every action, answered, closed and withdrawn too' })),
    since: Type.Optional(DateString({ description: 'Only actions raised at meetings on or after this local date' })),
    format,
  },
  { additionalProperties: false },
);

export const DocumentQuery = Type.Object({ asOf, format }, { additionalProperties: false });

const Words = (description: string) => Type.String({ description });
const Rag = Nullable(StringEnum(RAG_RATINGS));

const DocumentRowSchema = Type.Object({
  id: Type.Integer(),
  reference: Type.String(),
  raisedAt: Type.Object({
    meetingId: Type.Integer(),
    startsAt: Type.String(),
    date: Type.String({ format: 'date' }),
    minute: Nullable(Type.String({ description: 'The minute (agenda item) number' })),
    words: Words('"Monday 15 July 2024, minute 16"'),
  }),
  title: Type.String(),
  detail: Nullable(Type.String()),
  kind: Type.String(),
  owner: Nullable(Type.String()),
  due: Type.Object({
    rule: Type.String(),
    date: Nullable(Type.String({ format: 'date' })),
    meetingId: Nullable(Type.Integer()),
    quarter: Nullable(Type.String()),
    daysOverdue: Nullable(Type.Integer()),
    words: Words('"By the agenda for 2 September 2024 (despatch Thursday 22 August)"'),
  }),
  latestUpdate: Nullable(Type.Object({ text: Type.String(), rag: Rag, at: Type.String(), words: Type.String() })),
  rag: Type.Object({ value: Rag, word: Type.String(), colour: Type.String() }),
  status: Type.Object({ value: StringEnum(ACTION_STATUSES), word: Type.String() }),
  timesFlagged: Type.Object({ count: Type.Integer(), words: Words('"3rd meeting without an update"') }),
});

export const DocumentSchema = Type.Object(
  {
    document: StringEnum(DOCUMENT_KINDS),
    title: Type.String(),
    runningHeader: Type.String({ description: 'Authority and committee, printed at the top of every page' }),
    asOf: Type.String({ format: 'date' }),
    lines: Type.Array(Type.String()),
    sections: Type.Array(Type.Object({
      committee: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
      meeting: Nullable(Type.Object(
        { id: Type.Integer(), startsAt: Type.String(), agendaDespatchBy: Type.String({ format: 'date' }) },
        { description: "The tracker's next meeting, the action log's own, the report's next" },
      )),
      heading: Nullable(Type.String()),
      lines: Type.Array(Type.String()),
      tables: Type.Array(Type.Object({
        name: Type.String({ description: 'actions (tracker), outstanding and answered (action log), overdue and due_soon (overdue report)' }),
        caption: Type.String(),
        rows: Type.Array(DocumentRowSchema),
        empty: Type.String(),
      })),
    })),
    ragKey: Type.Array(Type.Object({ rag: Rag, word: Type.String(), colour: Type.String(), meaning: Type.String() })),
  },
  { $id: 'AgendaDocument' },
);

/** The response of a document route: the JSON model, or the same document as text or Word. */
export const documentContent = (json: unknown) => ({
  'application/json': { schema: json },
  'text/csv': { schema: Type.String() },
  'text/markdown': { schema: Type.String() },
  'text/html': { schema: Type.String() },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: Type.String({ format: 'binary' }) },
});
