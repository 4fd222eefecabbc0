import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { created, sendPage } from '../../http/links.js';
import { ListOf, ListQuery } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { HistorySchema } from '../audit/schemas.js';
import {
  AttendanceSchema,
  CreateMeetingSchema,
  ListMeetingsQuery,
  MeetingSchema,
  PutAttendanceSchema,
  UpdateMeetingSchema,
} from './schemas.js';

const tags = ['meetings'];

export const meetingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const meetings = app.services.meetings;

  app.get('/committees/:id/meetings', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listCommitteeMeetings', tags, summary: "List a committee's meetings",
      params: IdParams, querystring: ListMeetingsQuery,
      response: { 200: ListOf(MeetingSchema), ...problemResponses(404) },
    },
  }, async (request, reply) => sendPage(request, reply, await meetings.list(request.params.id, request.query)));

  app.post('/committees/:id/meetings', {
    config: { scope: 'write' },
    schema: {
      operationId: 'createMeeting', tags, summary: 'Schedule a meeting of a committee',
      params: IdParams, body: CreateMeetingSchema,
      response: { 201: MeetingSchema, ...problemResponses(404, 409, 422) },
    },
  }, async (request, reply) => {
    const meeting = await meetings.create(actorOf(request), request.params.id, request.body);
    setEtag(reply, meeting);
    return created(reply, `/v1/meetings/${meeting.id}`, meeting);
  });

  app.get('/meetings/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getMeeting', tags, summary: 'Get a meeting, with its agenda despatch date',
      params: IdParams,
      response: { 200: MeetingSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const meeting = await meetings.get(request.params.id);
    setEtag(reply, meeting);
    return meeting;
  });

  app.patch('/meetings/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updateMeeting', tags,
      summary: 'Update a meeting; cancelling, postponing or holding it moves unanswered next-meeting actions on',
      params: IdParams, body: UpdateMeetingSchema,
      response: { 200: MeetingSchema, ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    const meeting = await meetings.update(actorOf(request), request.params.id, request.body, (row) =>
      checkIfMatch(request, row),
    );
    setEtag(reply, meeting);
    return meeting;
  });

  app.delete('/meetings/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'deleteMeeting', tags, summary: 'Delete a meeting that nothing refers to',
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    await meetings.remove(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });

  app.get('/meetings/:id/attendance', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getMeetingAttendance', tags, summary: 'Who attended, sent apologies or substituted',
      params: IdParams,
      response: { 200: AttendanceSchema, ...problemResponses(404) },
    },
  }, async (request) => ({ data: await meetings.attendance(request.params.id) }));

  app.put('/meetings/:id/attendance', {
    config: { scope: 'write' },
    schema: {
      operationId: 'putMeetingAttendance', tags, summary: 'Replace the attendance list of a meeting',
      params: IdParams, body: PutAttendanceSchema,
      response: { 200: AttendanceSchema, ...problemResponses(404) },
    },
  }, async (request) => ({ data: await meetings.putAttendance(actorOf(request), request.params.id, request.body) }));

  app.get('/meetings/:id/history', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getMeetingHistory', tags, summary: 'Every change to the meeting, newest first',
      params: IdParams, querystring: Type.Object(ListQuery, { additionalProperties: false }),
      response: { 200: HistorySchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    await meetings.get(request.params.id);
    const page = await app.services.history.list('meeting', request.params.id, request.query.limit ?? 50, request.query.cursor);
    return sendPage(request, reply, page);
  });
};
