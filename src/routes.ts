import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { actionRoutes } from './modules/actions/routes.js';
import { apiKeyRoutes } from './modules/api-keys/routes.js';
import { calendarRoutes } from './modules/calendars/routes.js';
import { committeeRoutes } from './modules/committees/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { holidayRoutes } from './modules/holidays/routes.js';
import { importRoutes } from './modules/imports/routes.js';
import { itemRoutes } from './modules/items/routes.js';
import { meetingRoutes } from './modules/meetings/routes.js';
import { personRoutes } from './modules/people/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { resolutionRoutes } from './modules/resolutions/routes.js';
import { statsRoutes } from './modules/stats/routes.js';
import { trackerRoutes } from './modules/tracker/routes.js';
import { webhookRoutes } from './modules/webhooks/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { responsePageRoutes } from './modules/response-links/page-routes.js';
import { responseLinkRoutes } from './modules/response-links/routes.js';
import { subscriberRoutes } from './modules/subscribers/routes.js';
import { spreadsheetRoutes } from './modules/spreadsheets/routes.js';
import { syncRoutes } from './modules/syncs/routes.js';

/** The API's resources, in the order a reader meets them in the design. */
export async function registerRoutes(app: FastifyInstance, config: Config) {
  await app.register(healthRoutes);
  await app.register(
    async (v1) => {
      await v1.register(committeeRoutes);
      await v1.register(personRoutes);
      await v1.register(meetingRoutes);
      await v1.register(itemRoutes);
      await v1.register(resolutionRoutes);
      await v1.register(actionRoutes);
      await v1.register(responseLinkRoutes);
      await v1.register(subscriberRoutes);
      await v1.register(reportRoutes);
      await v1.register(statsRoutes);
      await v1.register(trackerRoutes);
      await v1.register(calendarRoutes, { publicBaseUrl: config.publicBaseUrl });
      await v1.register(holidayRoutes);
      await v1.register(importRoutes, { importBodyLimit: config.importBodyLimitBytes });
      await v1.register(spreadsheetRoutes);
      await v1.register(apiKeyRoutes);
      await v1.register(webhookRoutes);
      await v1.register(notificationRoutes);
      await v1.register(syncRoutes);
    },
    { prefix: '/v1' },
  );
  // Answering by link: HTML for people, outside /v1; the token in the path is the credential.
  await app.register(responsePageRoutes, { publicBaseUrl: config.publicBaseUrl });
}
