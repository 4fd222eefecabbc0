import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../http/context.js';
import { DateTimeString, problemResponses } from '../../http/schemas.js';
import { parseMinutes, MINUTES_TEXT_MAX_CHARS } from '../../import/index.js';
import { invalidField } from '../../errors.js';

const tags = ['imports'];

const ImportBody = Type.Object(
  {
    text: Type.String({ maxLength: MINUTES_TEXT_MAX_CHARS, description: 'The minutes as plain text' }),
    committeeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Required to commit' })),
    commit: Type.Optional(Type.Boolean({ description: 'Save the draft against the committee (default false)' })),
    startsAt: Type.Optional(DateTimeString({ description: 'Meeting start, when the minutes do not give it' })),
  },
  { additionalProperties: false },
);
const ImportQuery = Type.Object(
  {
    committeeId: Type.Optional(Type.Integer({ minimum: 1 })),
    commit: Type.Optional(Type.Boolean()),
    startsAt: Type.Optional(DateTimeString()),
  },
  { additionalProperties: false },
);
const ImportResult = Type.Object({
  draft: Type.Unknown({ description: 'Meeting, attendance, items, resolutions, declarations, candidate actions, progress and warnings' }),
  committed: Type.Union([
    Type.Null(),
    Type.Object({
      created: Type.Boolean({ description: 'False when these minutes had already been imported' }),
      meetingId: Type.Integer(),
      counts: Type.Record(Type.String(), Type.Integer()),
      warnings: Type.Array(Type.String()),
    }),
  ]),
});

export const importRoutes: FastifyPluginAsyncTypebox<{ importBodyLimit: number }> = async (app, { importBodyLimit }) => {
  app.post('/imports/minutes', {
    bodyLimit: importBodyLimit,
    config: { scope: 'write' },
    schema: {
      operationId: 'importMinutes', tags,
      summary: 'Read minutes text into a draft of the meeting and its follow-ups; optionally save it',
      description: 'Send `text/plain` (with `committeeId`, `commit`, `startsAt` as query parameters) or JSON `{ text, committeeId?, commit?, startsAt? }`.',
      querystring: ImportQuery,
      body: Type.Union([ImportBody, Type.String({ maxLength: MINUTES_TEXT_MAX_CHARS })]),
      response: { 200: ImportResult, 201: ImportResult, ...problemResponses(404, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const body = typeof request.body === 'string' ? { text: request.body } : request.body;
    const options = { ...request.query, ...(typeof request.body === 'string' ? {} : request.body) };
    const draft = parseMinutes(body.text);
    if (!options.commit) return { draft, committed: null };
    if (!options.committeeId) throw invalidField('/body/committeeId', 'is required to commit a draft');
    const committed = app.services.imports.commit(actorOf(request), draft, {
      committeeId: options.committeeId,
      startsAt: options.startsAt,
    });
    if (committed.created) reply.code(201).header('location', `/v1/meetings/${committed.meetingId}`);
    return { draft, committed };
  });
};
