import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../http/context.js';
import { problemResponses } from '../../http/schemas.js';
import { sendPage } from '../../http/links.js';
import { ListOf } from '../shared/schema-types.js';
import { ListNotificationsQuery, NotificationRunSchema, NotificationSchema, RunNotificationsSchema, type NotificationRun, type RunNotifications } from './schemas.js';
import { schemaAccepts } from '../../http/schema-accepts.js';

const tags = ['notifications'];

export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { notifications, notificationPass } = app.services;
  const config = { scope: 'admin' as const };
  const runs = new WeakMap<object, NotificationRun>();

  app.post('/notifications/run', {
    config: { ...config, sharedByCouncils: 'the notification pass', worksOutside: true },
    schema: {
      operationId: 'runNotifications', tags,
      summary: 'Run the notification pass as of a day (default today): reminders and overdue notices, one email per recipient',
      body: RunNotificationsSchema,
      response: { 200: NotificationRunSchema, ...problemResponses(422) },
    },
    // The pass waits on the SMTP server, and a write handler must not await before it writes
    // (http/database.ts): it runs here, before the request joins a write group, each of its
    // records in its own transaction. A request the route's schema refuses (body, query or headers) is left to be a 400, unrun.
    preValidation: async (request) => {
      if (!schemaAccepts(request)) return;
      const body = request.body as RunNotifications;
      runs.set(request, await notificationPass.run({ asOf: body.asOf, dryRun: body.dryRun }));
    },
  }, async (request) => runs.get(request)!);

  app.get('/notifications', {
    config,
    schema: {
      operationId: 'listNotifications', tags, summary: 'Notifications recorded by the pass, newest first',
      querystring: ListNotificationsQuery,
      response: { 200: ListOf(NotificationSchema), ...problemResponses() },
    },
  }, async (request, reply) => sendPage(request, reply, await notifications.list(actorOf(request), request.query)));
};
