import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { actorOf } from '../../http/context.js';
import { DateTimeString } from '../shared/schema-types.js';
import { problemResponses } from '../../http/schemas.js';
import { createMinutesParser, MAX_ACTIONS_PER_ITEM, MINUTES_TEXT_MAX_CHARS, type MinutesDraft } from '../../import/index.js';
import { InvalidFieldError, invalidField, MinutesTooLongError, type FieldError } from '../../errors.js';

const tags = ['imports'];

const MinutesText = (options: Record<string, unknown> = {}) =>
  Type.String({ maxLength: MINUTES_TEXT_MAX_CHARS, ...options });

const ImportBody = Type.Object(
  {
    text: MinutesText({ description: `The minutes as plain text, at most ${MINUTES_TEXT_MAX_CHARS} characters (413 beyond)` }),
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'Required to commit' })),
    commit: Type.Optional(Type.Boolean({ description: 'Save the draft against the committee (default false)' })),
    startsAt: Type.Optional(DateTimeString({ description: 'Meeting start, when the minutes do not give it' })),
  },
  { additionalProperties: false },
);
const ImportQuery = Type.Object(
  {
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
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

type ImportBody = Static<typeof ImportBody>;

/** The minutes text of a parsed but not yet validated body, whichever form it came in. */
function textOf(body: unknown): string | null {
  if (typeof body === 'string') return body;
  if (body !== null && typeof body === 'object' && typeof (body as { text?: unknown }).text === 'string') {
    return (body as { text: string }).text;
  }
  return null;
}

/**
 * The committee a not yet validated request names, if it names one plainly (a JSON body's own
 * field wins over the query string, as for every option): only to choose the time zone the
 * minutes are read in. Validation still judges the value.
 */
function committeeIdOf(body: unknown, query: unknown): number | null {
  const given = (from: unknown): unknown =>
    from !== null && typeof from === 'object' ? (from as { committeeId?: unknown }).committeeId : undefined;
  const value = given(body) ?? given(query);
  const id = typeof value === 'string' && /^[1-9][0-9]*$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

export const importRoutes: FastifyPluginAsyncTypebox<{ importBodyLimit: number }> = async (app, { importBodyLimit }) => {
  // A long text is parsed on a worker thread, so that other requests are answered meanwhile.
  const parser = createMinutesParser();
  app.addHook('onClose', async () => parser.close());
  const drafts = new WeakMap<FastifyRequest, MinutesDraft>();

  app.post('/imports/minutes', {
    bodyLimit: importBodyLimit,
    config: { scope: 'write' },
    schema: {
      operationId: 'importMinutes', tags,
      summary: 'Read minutes text into a draft of the meeting and its follow-ups; optionally save it',
      description:
        'Send `text/plain` (with `committeeId`, `commit`, `startsAt` as query parameters) or JSON `{ text, committeeId?, commit?, startsAt? }`. ' +
        'Without `commit` nothing is saved and the answer is 200 with the draft. With `commit` the draft is saved in one transaction: ' +
        '201 with `Location` of the meeting, or 200 with `committed.created: false` when these minutes were already imported. ' +
        'Items are filed under the rules of `POST /v1/meetings/{id}/items`: a key that cannot read exempt business cannot import it, ' +
        'and an item the minutes mark exempt must name its Schedule 12A paragraph ("paragraph 3"); otherwise 400 naming the item. ' +
        '"Already imported" compares only the items the key can read. ' +
        `At most ${MAX_ACTIONS_PER_ITEM} candidate actions are drafted per item (a warning says what was left out). ` +
        `Text over ${MINUTES_TEXT_MAX_CHARS} characters is refused with 413.`,
      querystring: ImportQuery,
      // One schema per media type, so that a JSON body is validated as an object and its errors
      // name its fields (/body/committeeId), while plain text stays a string.
      body: {
        content: {
          'application/json': { schema: ImportBody },
          'text/plain': { schema: MinutesText({ description: 'The minutes as plain text' }) },
        },
      },
      response: { 200: ImportResult, 201: ImportResult, ...problemResponses(404, 413, 415, 422) },
    },
    // Before validation, so that an over-long paste is a 413 rather than a schema error.
    preValidation: async (request) => {
      const text = textOf(request.body);
      if (text !== null && text.length > MINUTES_TEXT_MAX_CHARS) {
        throw new MinutesTooLongError(text.length.toLocaleString('en-GB'), MINUTES_TEXT_MAX_CHARS.toLocaleString('en-GB'));
      }
      // Parsed here, before the request joins a write group (http/database.ts): a long text is
      // parsed on a worker thread, and a write handler must not await before it writes.
      // The minutes' date and time are the committee's wall-clock time: its zone gives startsAt.
      const committeeId = committeeIdOf(request.body, request.query);
      const timeZone = committeeId === null ? undefined : app.services.committees.timeZoneOf(committeeId);
      if (text !== null) drafts.set(request, await parser.parse(text, timeZone ? { timeZone } : {}));
    },
  }, async (request, reply) => {
    const raw = request.body as unknown;
    const isText = typeof raw === 'string';
    // A body of another media type never reaches here (415); a missing one does.
    if (raw === undefined || raw === null || (!isText && typeof raw !== 'object')) {
      throw invalidField('', 'send the minutes as text/plain, or as JSON { "text": "…" }', 'body');
    }
    const body: ImportBody = isText ? { text: raw } : (raw as ImportBody);
    // Options come from the query string for plain text; a JSON body's own fields win.
    const options = { ...request.query, ...(isText ? {} : body) };
    /** Where an option was (or should have been) given: the query string for plain text. */
    const where = (field: 'committeeId' | 'startsAt') =>
      isText || (body[field] === undefined && request.query[field] !== undefined) ? 'querystring' : 'body';
    /** A field the import names, placed where this request sent it: plain text is the whole body. */
    const place = (e: FieldError): FieldError => {
      if (e.field === 'text') return isText ? { ...e, field: '', part: 'body' } : { ...e, part: 'body' };
      if (e.field === 'committeeId' || e.field === 'startsAt') return { ...e, part: where(e.field) };
      return e;
    };

    const draft = drafts.get(request)!; // body.text is the text parsed before validation
    if (!options.commit) return { draft, committed: null };
    if (!options.committeeId) throw invalidField('committeeId', 'is required to commit a draft', where('committeeId'));
    let committed;
    try {
      committed = app.services.imports.commit(actorOf(request), draft, { committeeId: options.committeeId, startsAt: options.startsAt });
    } catch (err) {
      throw err instanceof InvalidFieldError ? err.relocated(place) : err;
    }
    if (committed.created) reply.code(201).header('location', `/v1/meetings/${committed.meetingId}`);
    return { draft, committed };
  });
};
