import { Type, type Static } from 'typebox';
import { DateString, Nullable } from '../shared/schema-types.js';

// POST /v1/syncs/moderngov: what to sync, and the summary of what it did.

export const RunSyncSchema = Type.Object(
  {
    url: Type.Optional(Type.String({
      maxLength: 500, pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$',
      description: 'The Modern.gov site (https://host); MODERNGOV_URL by default',
    })),
    committees: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50, pattern: '^[0-9A-Za-z_-]+$' }), {
      maxItems: 500, description: 'Modern.gov committee ids to sync; every current committee by default',
    })),
    from: Type.Optional(DateString({ description: 'First day of the window of meetings (default: a year ago)' })),
    to: Type.Optional(DateString({ description: 'Last day of the window (default: a year ahead)' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Report what would change; write nothing' })),
  },
  { additionalProperties: false },
);
export type RunSync = Static<typeof RunSyncSchema>;

const Counts = (...names: string[]) => Type.Object(Object.fromEntries(names.map((n) => [n, Type.Integer()])));

export const SyncSummarySchema = Type.Object(
  {
    url: Type.String(),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    dryRun: Type.Boolean(),
    committees: Counts('created', 'updated'),
    meetings: Counts('created', 'updated', 'cancelled'),
    items: Counts('created', 'updated'),
    drafts: Counts('created', 'updated'),
    errors: Type.Array(Type.Object({
      url: Nullable(Type.String()),
      committee: Nullable(Type.String({ description: 'Modern.gov committee id' })),
      meeting: Nullable(Type.String({ description: 'Modern.gov meeting id' })),
      status: Nullable(Type.Integer({ description: 'The HTTP status that came back, if any' })),
      error: Type.String(),
      body: Nullable(Type.String({ description: 'The first bytes of what came back' })),
    })),
  },
  { $id: 'ModernGovSyncSummary', additionalProperties: false },
);
