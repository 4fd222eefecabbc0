import { Type } from 'typebox';
import { ID_MAX, StringEnum } from '../shared/schema-types.js';
import { EXPORT_COLUMNS } from './columns.js';
import { ENCODINGS } from './decode.js';
import { IMPORT_RESULTS } from './repository.js';

const Id = Type.Integer({ minimum: 1, maximum: ID_MAX });

export const ImportActionsQuery = Type.Object(
  {
    committeeId: Type.Optional({ ...Id, description: 'The committee of rows that name none' }),
    meetingId: Type.Optional({ ...Id, description: 'The meeting rows that give no raised-at date were raised at' }),
    dryRun: Type.Optional(Type.Boolean({ description: 'Show what each row would do; write nothing (default false)' })),
    map: Type.Optional(Type.String({
      maxLength: 2000,
      description: `Headings mapped to fields over the documented mapping: \`Heading:field\` pairs separated by commas, e.g. \`Officer Responsible:owner,Notes:-\` (\`-\` ignores the column). Fields: ${EXPORT_COLUMNS.join(', ')}`,
    })),
  },
  { additionalProperties: false },
);

const RowError = Type.Object({ column: Type.String({ description: 'The heading as the file writes it (or ?committeeId, ?meetingId)' }), reason: Type.String() });
const RowResult = Type.Object({
  row: Type.Integer({ description: 'The spreadsheet row: the header is row 1' }),
  result: StringEnum(IMPORT_RESULTS),
  reference: Type.Union([Type.String(), Type.Null()]),
  id: Type.Optional(Type.Integer({ description: 'The action (for a dry run, the id it would get)' })),
  changed: Type.Optional(Type.Array(Type.String(), { description: 'The columns an update changes' })),
  errors: Type.Optional(Type.Array(RowError)),
});

export const ImportActionsResult = Type.Object({
  dryRun: Type.Boolean(),
  written: Type.Boolean({ description: 'Whether the rows were saved (never for a dry run)' }),
  encoding: StringEnum(ENCODINGS, { description: 'How the file was read: windows-1252 when it was not valid UTF-8 (Excel\'s "CSV (Comma delimited)")' }),
  columns: Type.Array(Type.Object({ heading: Type.String(), field: Type.String() })),
  ignoredColumns: Type.Array(Type.String()),
  counts: Type.Object(Object.fromEntries(IMPORT_RESULTS.map((r) => [r, Type.Integer()])) as Record<(typeof IMPORT_RESULTS)[number], ReturnType<typeof Type.Integer>>),
  results: Type.Array(RowResult),
});

/** The 422: a problem document (RFC 9457) with every bad row and column, and every row's result. */
export const ImportActionsRefusal = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String(), code: Type.String(), instance: Type.String(),
  errors: Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String(), row: Type.Integer(), column: Type.String() })),
  encoding: StringEnum(ENCODINGS),
  results: Type.Array(RowResult),
});
