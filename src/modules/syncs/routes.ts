import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../http/context.js';
import { problemResponses } from '../../http/schemas.js';
import { invalidField } from '../../errors.js';
import type { SyncSummary } from '../../jobs/moderngov-sync.js';
import { RunSyncSchema, SyncSummarySchema, type RunSync } from './schemas.js';
import { schemaAccepts } from '../../http/schema-accepts.js';

const tags = ['syncs'];

export const syncRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { moderngovSync } = app.services;
  const runs = new WeakMap<object, SyncSummary>();

  app.post('/syncs/moderngov', {
    // The site's committees are every council's: a key limited to one cannot sync them (403).
    config: { scope: 'admin', sharedByCouncils: 'the Modern.gov sync', worksOutside: true },
    schema: {
      operationId: 'runModernGovSync', tags,
      summary: 'Sync committees, meetings, agenda items and minutes drafts from Modern.gov now',
      description:
        'Reads GetCommittees, GetMeetings (for the window) and GetMeeting from the site (`url`, or MODERNGOV_URL) and answers ' +
        'what was created, updated, cancelled and drafted, and every error (the URL, the HTTP status or parse error, the first ' +
        'bytes of what came back). One committee failing does not stop the others; each meeting is written in one transaction. ' +
        'A second sync with nothing changed writes nothing.',
      body: RunSyncSchema,
      response: { 200: SyncSummarySchema, ...problemResponses(422) },
    },
    // The sync waits on Modern.gov, and a write handler must not await before it writes
    // (http/database.ts): it runs here, before the request joins a write group, each meeting in
    // its own transaction. A request the route's schema refuses (body, query or headers) is left to be a 400, unrun.
    preValidation: async (request) => {
      if (!schemaAccepts(request)) return;
      const body = (request.body ?? {}) as RunSync;
      if (!body.url && !moderngovSync.configured()) throw invalidField('url', 'MODERNGOV_URL is not set: name the Modern.gov site to sync from');
      if (body.from && body.to && body.from > body.to) throw invalidField('to', 'must not be before from');
      runs.set(request, await moderngovSync.run({ ...body, requestedBy: actorOf(request).name }));
    },
  }, async (request) => runs.get(request)!);
};
