import type { Dialect } from './dialect.js';
import { sqliteDialect } from './sqlite/dialect.js';
import * as sqlite from './sqlite/schema.js';

// The tables every query is built from, and the engine's SQL fragments (dialect.ts), for the
// engine this process chose at start (docs/postgres-plan.md §3.3). Repositories import the tables
// from here, never from an engine's schema. They are SQLite's until an engine chooses otherwise:
// the PostgreSQL engine calls useSchema() when it opens, before any repository is made, and the
// live bindings below then hold src/db/pg/schema.ts's tables, typed as SQLite's (the builder
// API the shared code uses is the same at run time; test/db/schema-parity.test.ts keeps the
// row types equal). One process runs one engine: choosing a second one throws.
//
// Anything derived from the tables (an alias, a selection, a SQL fragment) is built after that
// choice: inside a function, or once per process with perSchema().

export { sqlList } from './sqlite/schema.js';

/** The tables both engines have (SQLite's search queue is its engine's own). */
export type Tables = Pick<typeof sqlite, 'committees' | 'people' | 'memberships' | 'meetings' | 'attendance' | 'agendaItems' | 'declarations' | 'resolutions' | 'actions' | 'actionUpdates' | 'overdueFlags' | 'holidays' | 'apiKeys' | 'auditEvents' | 'idempotencyRecords' | 'referenceCounters' | 'webhooks' | 'webhookEvents' | 'webhookDeliveries' | 'webhookAttempts' | 'settings' | 'responseLinks' | 'notifications' | 'notificationActions' | 'notifiedActions' | 'actionSubscribers' | 'imports' | 'jobRuns'>;

export let committees = sqlite.committees;
export let people = sqlite.people;
export let memberships = sqlite.memberships;
export let meetings = sqlite.meetings;
export let attendance = sqlite.attendance;
export let agendaItems = sqlite.agendaItems;
export let declarations = sqlite.declarations;
export let resolutions = sqlite.resolutions;
export let actions = sqlite.actions;
export let actionUpdates = sqlite.actionUpdates;
export let overdueFlags = sqlite.overdueFlags;
export let holidays = sqlite.holidays;
export let apiKeys = sqlite.apiKeys;
export let auditEvents = sqlite.auditEvents;
export let idempotencyRecords = sqlite.idempotencyRecords;
export let referenceCounters = sqlite.referenceCounters;
export let webhooks = sqlite.webhooks;
export let webhookEvents = sqlite.webhookEvents;
export let webhookDeliveries = sqlite.webhookDeliveries;
export let webhookAttempts = sqlite.webhookAttempts;
export let settings = sqlite.settings;
export let responseLinks = sqlite.responseLinks;
export let notifications = sqlite.notifications;
export let notificationActions = sqlite.notificationActions;
export let notifiedActions = sqlite.notifiedActions;
export let actionSubscribers = sqlite.actionSubscribers;
export let imports = sqlite.imports;
export let jobRuns = sqlite.jobRuns;

/** The engine's SQL fragments (dialect.ts). */
export let dialect: Dialect = sqliteDialect;

let chosenKind: Dialect['kind'] | undefined;
let generation = 0;

/**
 * Makes `tables` and `d` the ones every query is built from. Called once by an engine as it
 * opens; the same choice again is a no-op, a different one throws.
 */
export function useSchema(chosen: Tables, d: Dialect): void {
  if (chosenKind === d.kind) return;
  if (chosenKind !== undefined) {
    throw new Error(`this process already uses the ${chosenKind} engine's tables; it cannot also use ${d.kind}'s`);
  }
  chosenKind = d.kind;
  generation += 1;
  committees = chosen.committees;
  people = chosen.people;
  memberships = chosen.memberships;
  meetings = chosen.meetings;
  attendance = chosen.attendance;
  agendaItems = chosen.agendaItems;
  declarations = chosen.declarations;
  resolutions = chosen.resolutions;
  actions = chosen.actions;
  actionUpdates = chosen.actionUpdates;
  overdueFlags = chosen.overdueFlags;
  holidays = chosen.holidays;
  apiKeys = chosen.apiKeys;
  auditEvents = chosen.auditEvents;
  idempotencyRecords = chosen.idempotencyRecords;
  referenceCounters = chosen.referenceCounters;
  webhooks = chosen.webhooks;
  webhookEvents = chosen.webhookEvents;
  webhookDeliveries = chosen.webhookDeliveries;
  webhookAttempts = chosen.webhookAttempts;
  settings = chosen.settings;
  responseLinks = chosen.responseLinks;
  notifications = chosen.notifications;
  notificationActions = chosen.notificationActions;
  notifiedActions = chosen.notifiedActions;
  actionSubscribers = chosen.actionSubscribers;
  imports = chosen.imports;
  jobRuns = chosen.jobRuns;
  dialect = d;
}

/**
 * A value derived from the tables (an alias, a selection object, a SQL fragment), built on first
 * use, after the engine chose its tables: `const dueMeeting = perSchema(() => dialect.alias(meetings, 'due'))`,
 * then `dueMeeting()`.
 */
export function perSchema<T>(build: () => T): () => T {
  let made: { value: T; generation: number } | undefined;
  return () => {
    if (made === undefined || made.generation !== generation) {
      made = { value: build(), generation };
    }
    return made.value;
  };
}
