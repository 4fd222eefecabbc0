import { defaultConfig } from './config.js';
import type { Engine } from './db/engine.js';
import { ran } from './db/program.js';
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
import { createDraftRepository, present as presentImport } from './modules/imports/drafts.js';
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
  const { reportBody: scanReportBody, ...scanPrograms } = createScanService(db, { engine, holidays: holidayPrograms, clock: options.clock, events: outbox });
  const programs = {
    people: createPersonRepository(db), apiKeys: keyPrograms, webhooks: createWebhookRepository(db, { outbox, clock }), scans: scanPrograms,
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
  const webhooks = ran(engine, programs.webhooks);
  const scans = { ...ran(engine, programs.scans), reportBody: scanReportBody };
  const days = createActionDays(programs.committees, changes.forTables(['committees']), options.clock);
  const actionPrograms = createActionRepository(db, { days, events: outbox });
  const actions = ran(engine, actionPrograms);
  const actionReads = createActionReadModel(actionPrograms, {
    engine,
    changes: changes.forTables(actionReadTables()),
    search,
    cacheEntries: options.actionReadCacheEntries ?? 0,
    days,
  });
  // Programs (kept raw in `programs` below, run here on the engine).
  const importPrograms = createImportRepository(db, { meetings: programs.meetings, actions: actionPrograms });
  const draftPrograms = createDraftRepository(db, { imports: importPrograms });
  const imports = ran(engine, importPrograms);
  const drafts = { ...ran(engine, draftPrograms), present: presentImport };
  // Reads as programs (reports, history, stats, calendars, documents): raw in `reads`, for other
  // programs to yield* (the notification pass's action log); run on the engine below.
  const reads = {
    reports: createReportRepository(db, { committees: programs.committees }),
    history: createHistoryRepository(db),
    stats: createStatsRepository(db, { committees: programs.committees, holidays: programs.holidays }),
    calendars: createCalendarRepository(db, { committees: programs.committees, people: programs.people }),
    documents: createDocumentRepository(db, { committees: programs.committees }),
  };
  const reports = ran(engine, reads.reports);
  const history = ran(engine, reads.history);
  const stats = ran(engine, reads.stats);
  const calendars = ran(engine, reads.calendars);
  const documents = ran(engine, reads.documents);
  const renderedDocuments = createRenderedDocuments(changes.forTables(documentTables()), { documents, committees });
  // Started by the listening server (app.ts), never by scripts or inject-only tests.
  const purge = createWebhookPurge(db, { retentionDays: options.webhookRetentionDays ?? defaultConfig.webhookRetentionDays, engine });
  const webhookDeliveries = createDeliveryWorker(db, { engine, outbox, webhooks: programs.webhooks, clock, log: options.log, purge });
  const { now: linkNow, actorFor: linkActor, ...linkPrograms } = createResponseLinkRepository(db, actionPrograms, {
    ...(options.responseLinks ?? { days: defaultConfig.responseLinkDays }),
    clock: options.clock,
  });
  const notifyPrograms = { responseLinks: linkPrograms, subscribers: createSubscriberRepository(db, actionPrograms), notifications: createNotificationRepository(db) };
  const responseLinks = { ...ran(engine, notifyPrograms.responseLinks), now: linkNow, actorFor: linkActor };
  const subscribers = ran(engine, notifyPrograms.subscribers);
  const notifications = ran(engine, notifyPrograms.notifications);
  const mailer = createMailer(options.mail ?? { mailFrom: defaultConfig.mailFrom });
  const notificationPass = createNotificationPass(db, engine, { holidays: programs.holidays, notifications: notifyPrograms.notifications, responseLinks: notifyPrograms.responseLinks, mailer, reports: reads.reports, clock: options.clock, events: outbox });
  const spreadsheetImportPrograms = createSpreadsheetImport(db, { actions: actionPrograms });
  const spreadsheets = { export: createSpreadsheetExport(db, { engine, days, search }), import: ran(engine, spreadsheetImportPrograms) };
  const moderngovSync = createModernGovSync(db, { engine, meetings: programs.meetings, drafts: draftPrograms, clock: options.clock, defaultUrl: options.moderngov?.url, timeoutMs: options.moderngov?.timeoutMs, immediate: options.moderngov?.immediate });
  const jobRuns = ran(engine, createJobRuns(db));
  return { programs: { ...programs, ...reads, ...notifyPrograms, actions: actionPrograms, imports: importPrograms, drafts: draftPrograms, spreadsheetImport: spreadsheetImportPrograms }, jobRuns, drafts, moderngovSync, db, holidays, meetings, committees, people, items, resolutions, actions, actionReads, scans, imports, apiKeys, reports, stats, history, calendars, webhooks, webhookDeliveries, responseLinks, subscribers, notifications, mailer, notificationPass, spreadsheets, documents, renderedDocuments };
}

export type Services = ReturnType<typeof createServices>;
