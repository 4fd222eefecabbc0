// Stored import drafts (DESIGN.md "Meetings from Modern.gov"): where a draft came from and what
// became of it. A draft is reviewed, edited and then committed once, or discarded.

export const IMPORT_SOURCES = ['minutes', 'moderngov'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

export const IMPORT_STATUSES = ['draft', 'committed', 'discarded'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
