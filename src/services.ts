import { defaultConfig } from './config.js';
import type { Engine } from './db/engine.js';
import { ran } from './db/program.js';
import { runSqlite } from './db/sqlite/run.js';
import type { Clock } from './domain/clock.js';
import { actionReadTables } from './modules/actions/query.js';
import { createActionReadModel } from './modules/actions/read-model.js';
import { createActionRepository } from './modules/actions/repository.js';
import { createActionDays } from './modules/actions/today.js';
import { createHistoryRepository } from './modules/audit/repository.js';
import { createReportRepository } from './modules/reports/repository.js';
import { createApiKeyRepository } from './modules/api-keys/repository.js';
import { createCalendarRepository } from './modules/calendars/repository.js';
import { createCommitteeRepository } from './modules/committees/repository.js';
import { createHolidayRepository } from './modules/holidays/repository.js';
import { createImportRepository } from './modules/imports/repository.js';
import { createDraftRepository } from './modules/imports/drafts.js';
import { createItemRepository } from './modules/items/repository.js';
import { createMeetingRepository } from './modules/meetings/repository.js';
import { createPersonRepository } from './modules/people/repository.js';
import { createResolutionRepository } from './modules/resolutions/repository.js';
import { createStatsRepository } from './modules/stats/repository.js';
import { createDocumentRepository } from './modules/tracker/repository.js';
import { createRenderedDocuments, documentTables } from './modules/tracker/rendered.js';
import { createScanService } from './jobs/overdue-scan.js';
import { createOutbox } from './modules/webhooks/outbox.js';
import { createWebhookRepository } from './modules/webhooks/repository.js';
import { createDeliveryWorker, type WorkerLog } from './modules/webhooks/worker.js';
import { createWebhookPurge } from './modules/webhooks/purge.js';
import { systemClock } from './domain/clock.js';
import { createSubscriberRepository } from './modules/subscribers/repository.js';
import { createResponseLinkRepository, type ResponseLinkOptions } from './modules/response-links/repository.js';
import { createNotificationPass } from './jobs/notify.js';
import { createMailer, type MailerOptions } from './modules/notifications/mailer.js';
import { createNotificationRepository } from './modules/notifications/repository.js';
import { createSpreadsheetExport } from './modules/spreadsheets/export.js';
import { createSpreadsheetImport } from './modules/spreadsheets/repository.js';
import { createModernGovSync } from './jobs/moderngov-sync.js';
import { createJobRuns } from './jobs/job-runs.js';

/**
 * Every repository and job over one database, wired in dependency order. Routes, the
 * scheduler and the command-line scripts all go through these. The engine (db/engine.ts) hands
 * out the parts of the write path a service needs. `actionReadCacheEntries`: the server's
 * ACTION_CACHE_ENTRIES; scripts, which read once, keep none. `clock`: what time it is when
 * "today" is worked out (tests fix it); the system's by default.
 */
export function createServices(
  engine: Engine,
  options: {
    actionReadCacheEntries?: number; clock?: Clock; log?: WorkerLog; responseLinks?: Omit<ResponseLinkOptions, 'clock'>; mail?: MailerOptions;
    moderngov?: { url?: string; timeoutMs?: number; immediate?: boolean }; webhookRetentionDays?: number;
  } = {},
) {
  const { db, search, changes } = engine;
  const clock = options.clock ?? systemClock;
  // Webhook events are written by the repositories below in their own transactions.
  const outbox = createOutbox(db, { changes, clock });
  // Repositories written as programs (db/program.ts): `programs` keeps them raw, for other
  // programs to `yield*`; the services run them on the engine (docs/postgres-plan.md, phase 2).
  const { hasUnrecordedUse, ...keyPrograms } = createApiKeyRepository(db, changes);
  // A holiday change recomputes every meeting's despatch day, a committee's zone or clear days its own meetings'.
  const holidayPrograms = createHolidayRepository(db, () => meetingPrograms.recomputeSchedule(), changes.forTables(['holidays']));
  const meetingPrograms = createMeetingRepository(db, holidayPrograms, outbox);
  const committeePrograms = createCommitteeRepository(db, (committeeId) => meetingPrograms.recomputeSchedule(committeeId), options.clock);
  const itemPrograms = createItemRepository(db, meetingPrograms);
  const programs = {
    people: createPersonRepository(db), apiKeys: keyPrograms,
    holidays: holidayPrograms, meetings: meetingPrograms, committees: committeePrograms, items: itemPrograms,
    resolutions: createResolutionRepository(db, itemPrograms),
  };
  const people = ran(engine, programs.people);
  const apiKeys = { ...ran(engine, programs.apiKeys), hasUnrecordedUse };
  const holidays = ran(engine, programs.holidays);
  const meetings = ran(engine, programs.meetings);
  const committees = ran(engine, programs.committees);
  const items = ran(engine, programs.items);
  const resolutions = ran(engine, programs.resolutions);
  // not yet a program (actions' days): committees' zones read synchronously
  const days = createActionDays(
    { zones: () => runSqlite(db, programs.committees.zones()), timeZoneOf: (id) => runSqlite(db, programs.committees.timeZoneOf(id)) },
    changes.forTables(['committees']), options.clock,
  );
  const actions = createActionRepository(db, { holidays: programs.holidays, days, events: outbox });
  const actionReads = createActionReadModel(actions, {
    changes: changes.forTables(actionReadTables),
    search,
    cacheEntries: options.actionReadCacheEntries ?? 0,
    days,
  });
  const scans = createScanService(db, { holidays: programs.holidays, clock: options.clock, events: outbox });
  const imports = createImportRepository(db, { meetings: programs.meetings, actions });
  const drafts = createDraftRepository(db, { imports });
  const reports = createReportRepository(db, { committees: programs.committees });
  const history = createHistoryRepository(db);
  const stats = createStatsRepository(db, { committees: programs.committees, holidays: programs.holidays });
  const calendars = createCalendarRepository(db, { committees: programs.committees, people: programs.people });
  const documents = createDocumentRepository(db, { committees: programs.committees });
  const renderedDocuments = createRenderedDocuments(changes.forTables(documentTables), { documents, committees });
  const webhooks = createWebhookRepository(db, { outbox, clock });
  // Started by the listening server (app.ts), never by scripts or inject-only tests.
  const purge = createWebhookPurge(db, { retentionDays: options.webhookRetentionDays ?? defaultConfig.webhookRetentionDays });
  const webhookDeliveries = createDeliveryWorker(db, { outbox, webhooks, clock, log: options.log, purge });
  const responseLinks = createResponseLinkRepository(db, actions, {
    ...(options.responseLinks ?? { days: defaultConfig.responseLinkDays }),
    clock: options.clock,
  });
  const subscribers = createSubscriberRepository(db, actions);
  const notifications = createNotificationRepository(db);
  const mailer = createMailer(options.mail ?? { mailFrom: defaultConfig.mailFrom });
  const notificationPass = createNotificationPass(db, { holidays: programs.holidays, notifications, responseLinks, mailer, reports, clock: options.clock, events: outbox });
  const spreadsheets = { export: createSpreadsheetExport(db, { days, search }), import: createSpreadsheetImport(db, { actions }) };
  const moderngovSync = createModernGovSync(db, { meetings: programs.meetings, drafts, clock: options.clock, defaultUrl: options.moderngov?.url, timeoutMs: options.moderngov?.timeoutMs, immediate: options.moderngov?.immediate });
  const jobRuns = ran(engine, createJobRuns(db));
  return { programs, jobRuns, drafts, moderngovSync, db, holidays, meetings, committees, people, items, resolutions, actions, actionReads, scans, imports, apiKeys, reports, stats, history, calendars, webhooks, webhookDeliveries, responseLinks, subscribers, notifications, mailer, notificationPass, spreadsheets, documents, renderedDocuments };
}

export type Services = ReturnType<typeof createServices>;
