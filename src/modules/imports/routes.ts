import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { seesCommittee } from '../../domain/visibility.js';
import { actorOf } from '../../http/context.js';
import { checkIfMatch, setEtag } from '../../http/etag.js';
import { sendPage } from '../../http/links.js';
import { DateTimeString, ID_MAX, ListOf } from '../shared/schema-types.js';
import { IdParams, problemResponses } from '../../http/schemas.js';
import { ListImportsQuery, StoredImportSchema, UpdateImportSchema } from './draft-schemas.js';
import { createMinutesParser, MAX_ACTIONS_PER_ITEM, MINUTES_TEXT_MAX_CHARS, type MinutesDraft } from '../../import/index.js';
import { InvalidFieldError, invalidField, MinutesTooLongError, type FieldError } from '../../errors.js';

const tags = ['imports'];

const MinutesText = (options: Record<string, unknown> = {}) =>
  Type.String({ maxLength: MINUTES_TEXT_MAX_CHARS, ...options });

const ImportBody = Type.Object(
  {
    text: MinutesText({ description: `The minutes as plain text, at most ${MINUTES_TEXT_MAX_CHARS} characters (413 beyond)` }),
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX, description: 'Required to commit' })),
    commit: Type.Optional(Type.Boolean({ description: 'Save the draft against the committee (default false)' })),
    save: Type.Optional(Type.Boolean({ description: 'Store the draft for review under GET /v1/imports (needs committeeId; default false)' })),
    startsAt: Type.Optional(DateTimeString({ description: 'Meeting start, when the minutes do not give it' })),
  },
  { additionalProperties: false },
);
const ImportQuery = Type.Object(
  {
    committeeId: Type.Optional(Type.Integer({ minimum: 1, maximum: ID_MAX })),
    commit: Type.Optional(Type.Boolean()),
    save: Type.Optional(Type.Boolean()),
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
  saved: Type.Optional(Type.Object({
    id: Type.Integer({ description: 'The stored draft: GET /v1/imports/{id}' }),
    status: Type.String(),
  })),
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
  return typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= ID_MAX ? id : null;
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
        'With `save` (and `committeeId`) the draft is stored for review instead: 201 with `Location` of the stored draft (`/v1/imports/{id}`), ' +
        'to be edited with PATCH and committed with `POST /v1/imports/{id}/commit`. ' +
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
      // Another council's committee, to a key limited to one, is read as a missing one: its
      // zone would say something of it.
      const committeeId = committeeIdOf(request.body, request.query);
      const timeZone = committeeId === null || !seesCommittee(actorOf(request), committeeId)
        ? undefined
        : await app.services.committees.timeZoneOf(committeeId);
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
    if (options.save && options.commit) throw invalidField('save', 'save stores the draft for review; commit saves it now: ask for one', where('committeeId'));
    if (options.save) {
      if (!options.committeeId) throw invalidField('committeeId', 'is required to save a draft', where('committeeId'));
      let stored;
      try {
        stored = await app.services.drafts.saveMinutes(actorOf(request), draft, { committeeId: options.committeeId, startsAt: options.startsAt });
      } catch (err) {
        throw err instanceof InvalidFieldError ? err.relocated(place) : err;
      }
      reply.code(201).header('location', `/v1/imports/${stored.id}`);
      return { draft, committed: null, saved: { id: stored.id, status: stored.status } };
    }
    if (!options.commit) return { draft, committed: null };
    if (!options.committeeId) throw invalidField('committeeId', 'is required to commit a draft', where('committeeId'));
    let committed;
    try {
      committed = await app.services.imports.commit(actorOf(request), draft, { committeeId: options.committeeId, startsAt: options.startsAt });
    } catch (err) {
      throw err instanceof InvalidFieldError ? err.relocated(place) : err;
    }
    if (committed.created) reply.code(201).header('location', `/v1/meetings/${committed.meetingId}`);
    return { draft, committed };
  });

  const { drafts: stored } = app.services;

  app.get('/imports', {
    config: { scope: 'read' },
    schema: {
      operationId: 'listImports', tags, summary: 'Stored import drafts: from minutes saved for review, and from the Modern.gov sync',
      querystring: ListImportsQuery,
      response: { 200: ListOf(StoredImportSchema), ...problemResponses() },
    },
  }, async (request, reply) => sendPage(request, reply, await stored.list(actorOf(request), request.query)));

  app.get('/imports/:id', {
    config: { scope: 'read' },
    schema: {
      operationId: 'getImport', tags, summary: 'A stored import draft with its candidate follow-ups',
      params: IdParams,
      response: { 200: StoredImportSchema, ...problemResponses(404) },
    },
  }, async (request, reply) => {
    const row = await stored.find(actorOf(request), request.params.id);
    setEtag(reply, row);
    return stored.present(row);
  });

  app.patch('/imports/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'updateImport', tags,
      summary: "Edit a draft's candidates: drop one, change its title, kind, owner or due hint, add one",
      params: IdParams, body: UpdateImportSchema,
      response: { 200: StoredImportSchema, ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    const after = await stored.update(actorOf(request), request.params.id, request.body, (row) => checkIfMatch(request, row));
    setEtag(reply, after);
    return stored.present(after);
  });

  app.delete('/imports/:id', {
    config: { scope: 'write' },
    schema: {
      operationId: 'discardImport', tags, summary: 'Discard a draft (kept, with status discarded; a committed one cannot be)',
      params: IdParams,
      response: { 204: Type.Null(), ...problemResponses(404, 409, 412) },
    },
  }, async (request, reply) => {
    await stored.discard(actorOf(request), request.params.id, (row) => checkIfMatch(request, row));
    return reply.code(204).send(null);
  });

  app.post('/imports/:id/commit', {
    config: { scope: 'write' },
    schema: {
      operationId: 'commitImport', tags,
      summary: 'Save a draft: its meeting, items, resolutions and follow-ups in one transaction',
      description:
        'Idempotent: committing a committed draft answers what the first commit saved and saves nothing. ' +
        'A discarded draft cannot be committed (409).',
      params: IdParams,
      response: { 200: StoredImportSchema, ...problemResponses(404, 409, 412, 422) },
    },
  }, async (request, reply) => {
    const { row } = await stored.commit(actorOf(request), request.params.id, (r) => checkIfMatch(request, r));
    setEtag(reply, row);
    return stored.present(row);
  });
};
