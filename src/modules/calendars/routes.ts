import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { invalidField } from '../../errors.js';
import { actorOf } from '../../http/context.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { committeeFeed, MEETING_HOURS, personFeed, type FeedContext } from './feeds.js';

// Calendar feeds (DESIGN.md "Documents and calendars for the agenda pack"). Calendar apps
// subscribe by URL and cannot send a header, so these routes also take the key as ?key=, a
// read-only one (http/auth.ts refuses any other, and the log never shows it).

const CONTENT_TYPE = 'text/calendar; charset=utf-8';
const CalendarQuery = Type.Object(
  {
    key: Type.Optional(Type.String({
      description: 'A read-only API key, for calendar apps that cannot send Authorization; a key with write or admin scope is refused (403)',
    })),
  },
  { additionalProperties: false },
);
const calendarResponse = {
  description: 'An iCalendar (RFC 5545) feed',
  content: { 'text/calendar': { schema: Type.String() } },
};

export const calendarRoutes: FastifyPluginAsyncTypebox<{ publicBaseUrl?: string }> = async (app, { publicBaseUrl }) => {
  const calendars = app.services.calendars;

  /** Links must be absolute in a calendar: PUBLIC_BASE_URL, else the origin the request came to. */
  const contextOf = (request: FastifyRequest): FeedContext => {
    const base = URL.parse(publicBaseUrl ?? `${request.protocol}://${request.host}`);
    if (!base) throw invalidField('host', 'is not a host name a link can be made with', 'headers');
    // The origin drops a default port (http://host:80 is http://host); PUBLIC_BASE_URL keeps its path.
    const baseUrl = publicBaseUrl ?? base.origin;
    return { baseUrl, uidDomain: base.hostname };
  };

  app.get('/committees/:id/calendar.ics', {
    config: { scope: 'read', keyInQuery: true },
    schema: {
      operationId: 'getCommitteeCalendar', tags: ['committees'],
      summary: "The committee's meetings and agenda despatch deadlines as a calendar feed (ICS)",
      description:
        `Every meeting, cancelled and postponed ones kept with STATUS:CANCELLED, shown as ${MEETING_HOURS} hours long ` +
        '(meetings record no end), with its venue and a link to it; and each agenda despatch deadline as an all-day event. ' +
        'UIDs are stable; SEQUENCE goes up whenever the meeting changes. Times are in UTC.',
      params: IdParams, querystring: CalendarQuery,
      response: { 200: calendarResponse, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const { committee, meetings } = await calendars.committeeCalendar(request.params.id);
    return reply.type(CONTENT_TYPE).send(committeeFeed(committee, meetings, contextOf(request)));
  });

  app.get('/people/:id/calendar.ics', {
    config: { scope: 'read', keyInQuery: true },
    schema: {
      operationId: 'getPersonCalendar', tags: ['people'],
      summary: "The person's open actions on the dates they are due by, as a calendar feed (ICS)",
      description:
        'Actions the person owns that are open or in progress, each an all-day event on its due-by date (for an action ' +
        "due at a meeting, that meeting's agenda despatch date); actions with no due-by date yet are left out, and so " +
        'are those the caller may not read. UIDs are stable.',
      params: IdParams, querystring: CalendarQuery,
      response: { 200: calendarResponse, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const { person, actions } = await calendars.personCalendar(actorOf(request), request.params.id);
    return reply.type(CONTENT_TYPE).send(personFeed(person, actions, contextOf(request)));
  });
};
