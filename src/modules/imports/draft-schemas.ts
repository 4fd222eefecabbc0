import { Type, type Static } from 'typebox';
import { IMPORT_SOURCES, IMPORT_STATUSES } from '../../domain/imports.js';
import { visibilities } from '../../domain/visibility.js';
import { ACTION_KINDS } from '../../domain/vocabulary.js';
import { ID_MAX, ListQuery, NonEmpty, Nullable, StringEnum, Text, Timestamps } from '../shared/schema-types.js';

// Stored import drafts: what an officer reviews, edits and commits (DESIGN.md "Meetings from
// Modern.gov"). Candidates are the draft's follow-ups, each with an id stable across edits.

const Id = Type.Integer({ minimum: 1, maximum: ID_MAX });
const DUE_HINT_RULES = ['next_meeting', 'quarter', 'date'] as const;

export const DueHintSchema = Type.Object(
  {
    rule: StringEnum(DUE_HINT_RULES, { description: 'next_meeting (the default), a financial quarter, or a date' }),
    quarter: Type.Optional(Type.String({ maxLength: 10, pattern: '^[0-9]{4}-[0-9]{2} Q[1-4]$', examples: ['2024-25 Q3'] })),
    date: Type.Optional(Type.String({ format: 'date', maxLength: 10, pattern: '^(19|2[0-9])[0-9]{2}-' })),
  },
  { additionalProperties: false },
);

export const CandidateSchema = Type.Object(
  {
    id: Type.String({ description: 'Stable within the draft: name it in a PATCH to keep or change the candidate' }),
    itemIndex: Type.Integer({ description: "0-based index into the draft's items" }),
    resolutionIndex: Nullable(Type.Integer()),
    kind: StringEnum(ACTION_KINDS),
    title: Type.String(),
    detail: Type.String(),
    sourceSentence: Type.String(),
    owner: Nullable(Type.String({ description: 'Owner as free text' })),
    ownerId: Nullable(Type.Integer({ description: 'Owner as a person' })),
    dueHint: Nullable(DueHintSchema),
    reference: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type Candidate = Static<typeof CandidateSchema>;

export const StoredImportSchema = Type.Object(
  {
    id: Type.Integer(),
    committeeId: Type.Integer(),
    meetingId: Nullable(Type.Integer()),
    source: StringEnum(IMPORT_SOURCES),
    status: StringEnum(IMPORT_STATUSES),
    visibility: StringEnum(visibilities, { description: "The strictest of its items': callers who cannot read it never see the draft" }),
    startsAt: Nullable(Type.String()),
    draft: Type.Unknown({ description: 'The meeting, attendance, items, resolutions, declarations, progress and warnings read from the minutes' }),
    candidates: Type.Array(CandidateSchema),
    result: Type.Union([
      Type.Null(),
      Type.Object({
        created: Type.Boolean(),
        meetingId: Type.Integer(),
        counts: Type.Record(Type.String(), Type.Integer()),
        warnings: Type.Array(Type.String()),
      }),
    ], { description: 'What the commit saved (null until committed)' }),
    ...Timestamps,
  },
  { $id: 'StoredImport', additionalProperties: false },
);
export type StoredImport = Static<typeof StoredImportSchema>;

export const ListImportsQuery = Type.Object(
  {
    ...ListQuery,
    status: Type.Optional(StringEnum(IMPORT_STATUSES)),
    source: Type.Optional(StringEnum(IMPORT_SOURCES)),
    committeeId: Type.Optional(Id),
    sort: Type.Optional(StringEnum(['id', '-id'] as const, { default: 'id' })),
  },
  { additionalProperties: false },
);
export type ListImportsQuery = Static<typeof ListImportsQuery>;

export const CandidateEditSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 20, description: 'An existing candidate to keep (with any fields changed); omit for a new one' })),
    itemIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: "Required for a new candidate: 0-based index into the draft's items" })),
    kind: Type.Optional(StringEnum(ACTION_KINDS)),
    title: Type.Optional(NonEmpty(300)),
    detail: Type.Optional(Text(10_000)),
    owner: Type.Optional(Nullable(Text(300))),
    ownerId: Type.Optional(Nullable(Id)),
    dueHint: Type.Optional(Nullable(DueHintSchema)),
  },
  { additionalProperties: false },
);
export type CandidateEdit = Static<typeof CandidateEditSchema>;

export const UpdateImportSchema = Type.Object(
  {
    candidates: Type.Array(CandidateEditSchema, {
      maxItems: 2000,
      description:
        'The candidates the draft should have, in order: one named by `id` is kept with the fields given changed; one without ' +
        '`id` is added (it needs `itemIndex`, `kind` and `title`); a candidate left out is dropped.',
    }),
  },
  { additionalProperties: false },
);
export type UpdateImport = Static<typeof UpdateImportSchema>;
