import { sql, type SQL } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { ACTION_STATUSES, BEING_WORKED } from '../../domain/action-lifecycle.js';
import { DEFAULT_TIME_ZONE } from '../../domain/clock.js';
import { DUE_RULES, MEETING_STATUSES } from '../../domain/due.js';
import { EXECUTIVE_RESPONSES } from '../../domain/executive-response.js';
import { visibilities } from '../../domain/visibility.js';
import { IMPORT_SOURCES, IMPORT_STATUSES } from '../../domain/imports.js';
import { DELIVERY_STATUSES, WEBHOOK_EVENTS } from '../../domain/webhooks.js';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, RECIPIENT_ROLES } from '../../domain/notifications.js';
import {
  ACTION_KINDS,
  ATTENDANCE_STATUSES,
  AUDIT_OPERATIONS,
  COMMITTEE_KINDS,
  DECLARATION_KINDS,
  MEMBERSHIP_ROLES,
  PERSON_KINDS,
  RAG_RATINGS,
  RESOLUTION_KINDS,
} from '../../domain/vocabulary.js';

// The data model at a glance. Columns are snake_case in SQLite and camelCase in TypeScript.
// Timestamps are ISO 8601 UTC text; calendar dates are YYYY-MM-DD text (both sort correctly
// as strings, which keeps range filters index-friendly). A text column's `enum` is the closed
// vocabulary from src/domain: it types the column in TypeScript and adds no CHECK to SQLite.

const nowUtc = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const timestamps = {
  createdAt: text('created_at').notNull().default(nowUtc),
  updatedAt: text('updated_at').notNull().default(nowUtc),
};
/**
 * What an API key or a webhook is limited to (DESIGN.md "One deployment for many councils"):
 * the committees of one `authority`, or a list of committee ids (comma-separated); both null:
 * unlimited. At most one of the two is set.
 */
const councilLimit = {
  limitAuthority: text('limit_authority'),
  limitCommitteeIds: text('limit_committee_ids'),
};
/** Incremented on every update; the ETag is derived from it. */
const version = integer('version').notNull().default(1);

/**
 * A list of the domain's values as SQL literals, `('open', 'in_progress')`: a partial index's
 * WHERE, and every query meant to use that index, must spell its values out, not bind them.
 */
export function sqlList(values: readonly string[]): SQL {
  return sql.raw(`(${values.map((value) => `'${value}'`).join(', ')})`);
}

export const committees = sqliteTable(
  'committees',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    kind: text('kind', { enum: COMMITTEE_KINDS }).notNull(),
    authority: text('authority'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    despatchClearDays: integer('despatch_clear_days').notNull().default(5),
    reminderWorkingDays: integer('reminder_working_days').notNull().default(10),
    timezone: text('timezone').notNull().default(DEFAULT_TIME_ZONE),
    /**
     * Starts every reference generated for its actions ("CYPF" in "CYPF (24/25) 07"). Set on
     * creation (domain/reference.ts's default from the name) and by migration 0010; a row written
     * by other means without one ('') gets the default when a reference is generated.
     */
    referencePrefix: text('reference_prefix').notNull().default(''),
    version,
    ...timestamps,
    /** The Modern.gov committee id it is synced from (issue 15); null for committees typed in. */
    externalId: text('external_id'),
  },
  (t) => [
    uniqueIndex('committees_slug_unique').on(t.slug),
    uniqueIndex('committees_external_id_unique').on(t.externalId),
    index('committees_kind_idx').on(t.kind),
    index('committees_authority_idx').on(t.authority),
  ],
);

export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    title: text('title'),
    kind: text('kind', { enum: PERSON_KINDS }).notNull(),
    role: text('role'),
    organisation: text('organisation'),
    email: text('email'),
    /** false: the person has opted out of notification emails (DESIGN.md "Notifications"). */
    notify: integer('notify', { mode: 'boolean' }).notNull().default(true),
    version,
    ...timestamps,
  },
  (t) => [index('people_name_idx').on(t.name), index('people_kind_idx').on(t.kind)],
);

export const memberships = sqliteTable(
  'memberships',
  {
    committeeId: integer('committee_id')
      .notNull()
      .references(() => committees.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    role: text('role', { enum: MEMBERSHIP_ROLES }).notNull(),
    from: text('from'),
    to: text('to'),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.committeeId, t.personId] }),
    index('memberships_person_idx').on(t.personId),
  ],
);

export const meetings = sqliteTable(
  'meetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    committeeId: integer('committee_id')
      .notNull()
      .references(() => committees.id),
    /** As given by the caller, with its offset. */
    startsAt: text('starts_at').notNull(),
    /** The same instant in UTC, for ordering. */
    startsAtUtc: text('starts_at_utc').notNull(),
    /**
     * Derived from startsAt, the committee's time zone and clear days, and the holiday
     * calendar. Stored (and recomputed whenever any of those change) so that overdue filters
     * and reports can be answered by an indexed query instead of a scan of every meeting.
     */
    localDate: text('local_date').notNull(),
    agendaDespatchBy: text('agenda_despatch_by').notNull(),
    venue: text('venue'),
    status: text('status', { enum: MEETING_STATUSES })
      .notNull()
      .default('scheduled'),
    externalId: text('external_id'),
    minutesApprovedOn: text('minutes_approved_on'),
    version,
    ...timestamps,
  },
  (t) => [
    index('meetings_committee_starts_idx').on(t.committeeId, t.startsAtUtc),
    index('meetings_committee_local_date_idx').on(t.committeeId, t.status, t.localDate),
    uniqueIndex('meetings_committee_external_id_unique').on(t.committeeId, t.externalId),
  ],
);

export const attendance = sqliteTable(
  'attendance',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    status: text('status', { enum: ATTENDANCE_STATUSES }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.meetingId, t.personId] }),
    index('attendance_person_idx').on(t.personId),
  ],
);

export const agendaItems = sqliteTable(
  'agenda_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    number: text('number'),
    title: text('title').notNull(),
    minutes: text('minutes'),
    position: integer('position').notNull().default(0),
    visibility: text('visibility', { enum: visibilities }).notNull().default('public'),
    /** Schedule 12A Local Government Act 1972 paragraph (1–7); required when exempt, never when public. */
    exemptParagraph: integer('exempt_paragraph'),
    version,
    ...timestamps,
    /** The Modern.gov agenda item id it is synced from (issue 15); null for items typed in. */
    externalId: text('external_id'),
  },
  (t) => [
    index('agenda_items_meeting_idx').on(t.meetingId, t.position),
    uniqueIndex('agenda_items_external_id_unique').on(t.externalId),
    check(
      'agenda_items_exempt_paragraph_check',
      sql`${t.exemptParagraph} IS NULL OR ${t.exemptParagraph} BETWEEN 1 AND 7`,
    ),
  ],
);

export const declarations = sqliteTable(
  'declarations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => agendaItems.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    kind: text('kind', { enum: DECLARATION_KINDS }).notNull(),
    detail: text('detail'),
    ...timestamps,
  },
  (t) => [index('declarations_item_idx').on(t.itemId), index('declarations_person_idx').on(t.personId)],
);

export const resolutions = sqliteTable(
  'resolutions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => agendaItems.id),
    number: text('number'),
    text: text('text').notNull(),
    kind: text('kind', { enum: RESOLUTION_KINDS }).notNull(),
    voteFor: integer('vote_for'),
    voteAgainst: integer('vote_against'),
    voteAbstentions: integer('vote_abstentions'),
    voteMethod: text('vote_method'),
    version,
    ...timestamps,
  },
  (t) => [index('resolutions_item_idx').on(t.itemId)],
);

export const actions = sqliteTable(
  'actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    committeeId: integer('committee_id')
      .notNull()
      .references(() => committees.id),
    /** The meeting the action was raised at. */
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    itemId: integer('item_id').references(() => agendaItems.id),
    resolutionId: integer('resolution_id').references(() => resolutions.id),
    kind: text('kind', { enum: ACTION_KINDS }).notNull(),
    /**
     * How the council cites it, unique within the committee: given, or generated as
     * "CYPF (24/25) 07" (modules/actions/reference.ts). Every action the API or the importer
     * writes has one, and migration 0010 gave every earlier action one; nullable so that rows
     * written straight into the table (bench data, tests) need not invent one.
     */
    reference: text('reference'),
    title: text('title').notNull(),
    detail: text('detail'),
    requestedById: integer('requested_by_id').references(() => people.id),
    ownerId: integer('owner_id').references(() => people.id),
    ownerText: text('owner_text'),
    dueRule: text('due_rule', { enum: DUE_RULES }).notNull(),
    /** For `meeting` the named meeting; for `next_meeting` the meeting it is currently due at. */
    dueMeetingId: integer('due_meeting_id').references(() => meetings.id),
    /** For `date` the date given; for `quarter` the quarter's last day. */
    dueDate: text('due_date'),
    dueQuarter: text('due_quarter'),
    status: text('status', { enum: ACTION_STATUSES }).notNull().default('open'),
    rag: text('rag', { enum: RAG_RATINGS }),
    response: text('response'),
    respondedOn: text('responded_on'),
    respondedMeetingId: integer('responded_meeting_id').references(() => meetings.id),
    /** Own visibility; the effective one is the stricter of this and the item's. */
    visibility: text('visibility', { enum: visibilities }).notNull().default('public'),
    /**
     * The item's visibility (null without an item), kept here by triggers (migration 0004) so
     * that every visibility check reads the action's row, or an index, and never joins the item.
     */
    itemVisibility: text('item_visibility', { enum: visibilities }),
    directedTo: text('directed_to'),
    receivedOn: text('received_on'),
    noticeOn: text('notice_on'),
    executiveResponse: text('executive_response', { enum: EXECUTIVE_RESPONSES }),
    /** s9FE deadline, derived from receivedOn/noticeOn on every write (filters need it in SQL). */
    responseDueOn: text('response_due_on'),
    responseReason: text('response_reason'),
    version,
    ...timestamps,
  },
  (t) => [
    // A committee's actions by status in id order, with what the visibility check reads: a page
    // of keys (list-query.ts) comes from this index alone, without reading the rows.
    index('actions_committee_status_idx').on(t.committeeId, t.status, t.id, t.visibility, t.itemVisibility),
    // Actions by the meeting they were raised at are found through actions_meeting_stats_idx, made by
    // the migrations (0019 on SQLite, 0004 on PostgreSQL) and not declared here: it also covers
    // times_flagged, the count of the action's overdue flags kept by triggers, which is not declared
    // either, so that selected rows, RETURNING and audit JSON never carry it.
    index('actions_due_meeting_idx').on(t.dueMeetingId),
    index('actions_owner_idx').on(t.ownerId),
    index('actions_status_idx').on(t.status, t.id),
    // The overdue report's late executive responses (s9FE), without reading every answered action.
    // Partial: only recommendations have an executive response, so other actions cost it nothing
    // (the report asks for executive_response = 'pending', which SQLite knows implies NOT NULL).
    index('actions_committee_response_idx')
      .on(t.committeeId, t.executiveResponse, t.responseDueOn)
      .where(sql`${t.executiveResponse} IS NOT NULL`),
    // The overdue report's actions being worked, with every column it reads (the due meeting's
    // date and the owner's name aside): a committee's report reads this small index, not a
    // thousand rows scattered through the table. Partial, so finished actions cost it nothing.
    index('actions_report_idx')
      .on(t.committeeId, t.dueRule, t.dueDate, t.dueMeetingId, t.executiveResponse, t.responseDueOn, t.status, t.visibility, t.itemVisibility, t.ownerId, t.ownerText, t.kind, t.rag, t.title, t.reference)
      .where(sql`${t.status} IN ${sqlList(BEING_WORKED)}`),
    index('actions_kind_idx').on(t.kind),
    index('actions_due_date_idx').on(t.dueDate),
    index('actions_item_idx').on(t.itemId),
    index('actions_resolution_idx').on(t.resolutionId),
    // Unique within a committee. Reference first, so that ?reference= without a committee
    // searches this index too.
    uniqueIndex('actions_reference_committee_unique').on(t.reference, t.committeeId),
  ],
);

export const actionUpdates = sqliteTable(
  'action_updates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actionId: integer('action_id')
      .notNull()
      .references(() => actions.id),
    text: text('text').notNull(),
    rag: text('rag', { enum: RAG_RATINGS }),
    authorId: integer('author_id').references(() => people.id),
    /** Who recorded it: the API key's name or the script. */
    recordedBy: text('recorded_by').notNull(),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  (t) => [index('action_updates_action_idx').on(t.actionId, t.id)],
);

export const overdueFlags = sqliteTable(
  'overdue_flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actionId: integer('action_id')
      .notNull()
      .references(() => actions.id),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    flaggedOn: text('flagged_on').notNull(),
    reason: text('reason').notNull(),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  // One flag per (action, meeting): the unique index is what makes concurrent scans safe.
  (t) => [
    uniqueIndex('overdue_flags_action_meeting_unique').on(t.actionId, t.meetingId),
    index('overdue_flags_meeting_idx').on(t.meetingId),
  ],
);

/**
 * Changes to the shipped bank-holiday calendar: a council closure day (`isHoliday` true) or
 * a shipped holiday the council works through (`isHoliday` false).
 */
export const holidays = sqliteTable('holidays', {
  date: text('date').primaryKey(),
  name: text('name').notNull(),
  isHoliday: integer('is_holiday', { mode: 'boolean' }).notNull().default(true),
  ...timestamps,
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** First characters of the key, shown in lists so a key can be recognised. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key; the key itself is never stored. */
    hash: text('hash').notNull(),
    scopes: text('scopes').notNull(),
    createdAt: text('created_at').notNull().default(nowUtc),
    revokedAt: text('revoked_at'),
    lastUsedAt: text('last_used_at'),
    ...councilLimit,
  },
  (t) => [uniqueIndex('api_keys_hash_unique').on(t.hash)],
);

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull().default(nowUtc),
    actor: text('actor').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    operation: text('operation', { enum: AUDIT_OPERATIONS }).notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    requestId: text('request_id'),
  },
  (t) => [index('audit_events_entity_idx').on(t.entityType, t.entityId, t.id)],
);

export const idempotencyRecords = sqliteTable(
  'idempotency_records',
  {
    /** The caller (`key:<api key id>`, or "anonymous") scopes the key, so callers cannot collide. */
    actor: text('actor').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    bodyHash: text('body_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    responseBody: text('response_body').notNull(),
    responseHeaders: text('response_headers', { mode: 'json' }).notNull(),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] })],
);

/**
 * Changed actions, in the order they changed, for the full-text index to catch up with
 * (db/sqlite/search-index.ts). Triggers on actions append to it; the index, kept in a file of its own
 * and written by a worker thread, records how far it has read, and the server deletes what it
 * has read. AUTOINCREMENT: a sequence number is never reused, even once the queue is empty.
 */
export const searchQueue = sqliteTable('search_queue', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  actionId: integer('action_id').notNull(),
});

/**
 * One row: which copy of the data the search index file belongs to. A backup is given a new
 * value (db:backup), so an index built from other data is never used with it.
 */
export const searchState = sqliteTable('search_state', {
  generation: text('generation').notNull(),
});

// References (issue 14) ----------------------------------------------------------------------

/**
 * The last number given to a generated reference, per committee and municipal year ("24/25"):
 * the next one is this plus one, found and taken by one write on the primary key, however many
 * actions the committee has. Numbers taken by given references ("CYPF (24/25) 07") move it on
 * too, so a number is never given twice.
 */
export const referenceCounters = sqliteTable(
  'reference_counters',
  {
    committeeId: integer('committee_id')
      .notNull()
      .references(() => committees.id, { onDelete: 'cascade' }),
    municipalYear: text('municipal_year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.committeeId, t.municipalYear] })],
);

// --- Signed webhooks (issue 14): subscriptions, the outbox of events, and their deliveries ---

export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  /** Comma-separated event types (domain/webhooks.ts). */
  events: text('events').notNull(),
  /** Comma-separated read scopes: which visibilities it may be told about. */
  scopes: text('scopes').notNull(),
  /** `whsec_` + base64: the signing key, kept to sign with (shown once, on creation). */
  secret: text('secret').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  disabledReason: text('disabled_reason'),
  ...councilLimit,
  version,
  ...timestamps,
});

/**
 * The outbox: one row per event a webhook subscribed to, written in the transaction of the
 * change. The delivery worker fans each out into deliveries (`dispatched` once done).
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type', { enum: WEBHOOK_EVENTS }).notNull(),
    /** The effective visibility of the record the event is about. */
    visibility: text('visibility', { enum: visibilities }).notNull(),
    /** The resource as the API returns it, as JSON text. */
    data: text('data').notNull(),
    /** The committee whose record the event is about (null: none, e.g. a scan of every committee). */
    committeeId: integer('committee_id'),
    occurredAt: text('occurred_at').notNull(),
    dispatched: integer('dispatched', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('webhook_events_undispatched_idx').on(t.id).where(sql`dispatched = 0`)],
);

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: integer('event_id').notNull().references(() => webhookEvents.id),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    /** When the worker may next try it; a claim moves it on, so an attempt cut short is retried. */
    nextAttemptAt: text('next_attempt_at'),
    attempts: integer('attempts').notNull().default(0),
    /** Since when it has been retried: the event's fan-out, or an admin's manual retry. */
    retryFrom: text('retry_from').notNull(),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
    // The purge (modules/webhooks/purge.ts) asks whether an event is still needed by a delivery,
    // and deleting an event has SQLite look for deliveries referring to it.
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
);

export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id').notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: text('attempted_at').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    nextAttemptAt: text('next_attempt_at'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);

// ── Answering by link (issue 14) ────────────────────────────────────────────────────────────

/**
 * Server-wide settings the server makes for itself, by name: `link_secret`, the key response
 * links are signed with when LINK_SECRET is not set (generated on first start, kept so links
 * survive restarts).
 */
export const settings = sqliteTable('settings', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: text('created_at').notNull().default(nowUtc),
});

/**
 * A personal link to answer one action, issued to one person (modules/response-links). The
 * token is never stored: it is the link's id signed with the server's secret, so a copy of the
 * database cannot be used to answer.
 */
export const responseLinks = sqliteTable(
  'response_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actionId: integer('action_id')
      .notNull()
      .references(() => actions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    expiresAt: text('expires_at').notNull(),
    revokedAt: text('revoked_at'),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  (t) => [index('response_links_action_idx').on(t.actionId)],
);

// ── Notifications (issue 14) ────────────────────────────────────────────────────────────────

/**
 * Every notification the pass decided (jobs/notify.ts): one row per recipient and kind of one
 * email (a digest carries several), with what became of it. A failed one is tried again by the
 * next pass; sent and not_sent ones are done with (notified_actions records them).
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The day the pass was run as of. */
    asOf: text('as_of').notNull(),
    personId: integer('person_id').references(() => people.id),
    email: text('email'),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    /** Why this recipient: the owner, the chair (copied), or the contact officer (unassigned). */
    recipientRole: text('recipient_role', { enum: RECIPIENT_ROLES }).notNull(),
    subject: text('subject'),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull(),
    /** not_sent: why; failed: the SMTP error. */
    reason: text('reason'),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  (t) => [
    index('notifications_person_idx').on(t.personId, t.id),
    index('notifications_kind_idx').on(t.kind, t.id),
    index('notifications_status_idx').on(t.status, t.id),
  ],
);

/** The actions a notification named. */
export const notificationActions = sqliteTable(
  'notification_actions',
  {
    notificationId: integer('notification_id').notNull().references(() => notifications.id),
    actionId: integer('action_id').notNull().references(() => actions.id),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.actionId] }), index('notification_actions_action_idx').on(t.actionId, t.notificationId)],
);

/** Which action notifications are done: once per action, kind, key (due date or flag) and recipient. */
export const notifiedActions = sqliteTable(
  'notified_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actionId: integer('action_id').notNull().references(() => actions.id),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    /** reminder: the due-by date; overdue: the flag's id. */
    key: text('key').notNull(),
    /** `person:<id>` or `email:<address>`. */
    recipient: text('recipient').notNull(),
    notificationId: integer('notification_id').notNull().references(() => notifications.id),
  },
  (t) => [uniqueIndex('notified_actions_unique').on(t.actionId, t.kind, t.key, t.recipient)],
);

// ── Action subscribers (issue 14) ───────────────────────────────────────────────────────────

/**
 * People who asked to hear when an action is answered (DESIGN.md "Notifications": response).
 * Gone with the action, and with the person: a subscription is no reason to keep either.
 */
export const actionSubscribers = sqliteTable(
  'action_subscribers',
  {
    actionId: integer('action_id').notNull().references(() => actions.id, { onDelete: 'cascade' }),
    personId: integer('person_id').notNull().references(() => people.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull().default(nowUtc),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.personId] }), index('action_subscribers_person_idx').on(t.personId)],
);

// ── Stored import drafts (issue 15) ─────────────────────────────────────────────────────────

/**
 * A draft read from minutes (POST /v1/imports/minutes with save) or from a Modern.gov meeting's
 * minutes (the sync), kept for an officer to review, edit and commit once (modules/imports).
 * `draft` is the importer's draft with its candidate actions; `result` what the commit saved.
 * `visibility` is the strictest of its items': a caller who cannot read that never sees it.
 */
export const imports = sqliteTable(
  'imports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    committeeId: integer('committee_id').notNull().references(() => committees.id),
    meetingId: integer('meeting_id').references(() => meetings.id),
    source: text('source', { enum: IMPORT_SOURCES }).notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('draft'),
    visibility: text('visibility', { enum: visibilities }).notNull().default('public'),
    draft: text('draft', { mode: 'json' }).notNull(),
    /** The meeting's start given when saving minutes whose text lacks it. */
    startsAt: text('starts_at'),
    /** What the draft was read from (a hash): a sync re-drafts only when the minutes change. */
    sourceHash: text('source_hash'),
    result: text('result', { mode: 'json' }),
    version,
    ...timestamps,
  },
  (t) => [
    index('imports_status_idx').on(t.status, t.id),
    index('imports_committee_idx').on(t.committeeId, t.id),
    // One Modern.gov draft per meeting.
    uniqueIndex('imports_moderngov_meeting_unique').on(t.meetingId).where(sql`source = 'moderngov'`),
  ],
);

/**
 * Which process started a scheduled job (the scan, the notification pass, the Modern.gov sync)
 * for which minute of its schedule (jobs/job-runs.ts): the first process to insert the row runs
 * the job, the others find it there and skip, so several servers on one database run each
 * scheduled job once.
 */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    job: text('job').notNull(),
    slot: text('slot').notNull(),
    runner: text('runner').notNull(),
    startedAt: text('started_at').notNull().default(nowUtc),
  },
  (t) => [primaryKey({ columns: [t.job, t.slot] })],
);
