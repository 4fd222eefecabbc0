import { Type } from 'typebox';
import { DateString, ID_MAX, Nullable, StringEnum } from '../shared/schema-types.js';

export const statsFormats = ['json', 'csv'] as const;
export type StatsFormat = (typeof statsFormats)[number];

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const figures = {
  raised: Count('Actions raised at the committee\'s meetings in the period (by the meeting\'s local date)'),
  respondedOnTime: Count('Responded on or before the due-by date (for a meeting rule, the due meeting\'s agendaDespatchBy)'),
  respondedLate: Count('Responded after the due-by date'),
  open: Count('Open or in progress now'),
  overdue: Count('Overdue as of asOf'),
  medianWorkingDaysToRespond: Nullable(Type.Number({
    minimum: 0,
    description: 'Working days from the raised meeting\'s date to respondedOn (the day after the meeting counts as 1); null when none responded',
  })),
  timesFlagged: Type.Object(
    { none: Type.Integer(), once: Type.Integer(), twice: Type.Integer(), threeOrMore: Type.Integer() },
    { description: 'How many of the actions were flagged overdue at 0, 1, 2, or 3 or more meetings' },
  ),
};

export const StatsSchema = Type.Object(
  {
    from: Nullable(Type.String({ format: 'date' })),
    to: Nullable(Type.String({ format: 'date' })),
    committees: Type.Array(
      Type.Object({
        committee: Type.Object({ id: Type.Integer(), name: Type.String() }),
        asOf: Type.String({ format: 'date', description: "The day open and overdue are counted as of: asOf, or today in the committee's time zone" }),
        ...figures,
        owners: Type.Array(
          Type.Object({
            owner: Type.Object({
              personId: Nullable(Type.Integer()),
              name: Nullable(Type.String({ description: "The owner person's name, or the owner text when no person is recorded" })),
            }),
            ...figures,
          }),
        ),
      }),
    ),
  },
  { $id: 'Stats' },
);

export const StatsQuerySchema = Type.Object(
  {
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
    from: Type.Optional(DateString({ description: 'First day of the period the actions were raised in (inclusive)' })),
    to: Type.Optional(DateString({ description: 'Last day of the period (inclusive); not before from' })),
    asOf: Type.Optional(DateString({ description: "The day open and overdue are counted as of; default today in each committee's time zone" })),
    format: Type.Optional(StringEnum(statsFormats, { description: 'Overrides the Accept header' })),
  },
  { additionalProperties: false },
);
