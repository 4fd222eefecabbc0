// The closed vocabularies of the data model, each written once. The database columns
// (db/sqlite/schema.ts), the HTTP schemas (modules/*/schemas.ts) and the types below derive from these
// lists. Vocabularies that belong to a rule live beside it: action statuses in
// action-lifecycle.ts, due rules and meeting statuses in due.ts, executive responses in
// executive-response.ts, visibilities in visibility.ts.

export const COMMITTEE_KINDS = ['scrutiny', 'policy_and_performance_board', 'executive', 'council', 'other'] as const;
export type CommitteeKind = (typeof COMMITTEE_KINDS)[number];

export const PERSON_KINDS = ['councillor', 'co_optee', 'officer', 'partner'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export const MEMBERSHIP_ROLES = ['chair', 'vice_chair', 'member', 'co_opted'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export const ATTENDANCE_STATUSES = ['present', 'apologies', 'absent', 'substitute'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Members' interests: disclosable pecuniary (Localism Act 2011 s30), and the code of conduct's other two. */
export const DECLARATION_KINDS = ['disclosable_pecuniary', 'other_registrable', 'non_registrable'] as const;
export type DeclarationKind = (typeof DECLARATION_KINDS)[number];

export const RESOLUTION_KINDS = ['noted', 'agreed', 'recommendation', 'request', 'referral', 'other'] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

export const ACTION_KINDS = ['update', 'information', 'recommendation', 'task'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Red / amber / green progress ratings on an action and its updates. */
export const RAG_RATINGS = ['red', 'amber', 'green'] as const;
export type RagRating = (typeof RAG_RATINGS)[number];

/** Where a non-working day comes from: the shipped bank-holiday list, or the council. */
export const HOLIDAY_SOURCES = ['bank_holiday', 'council'] as const;
export type HolidaySource = (typeof HOLIDAY_SOURCES)[number];

export const AUDIT_OPERATIONS = ['create', 'update', 'delete', 'withdraw'] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];
