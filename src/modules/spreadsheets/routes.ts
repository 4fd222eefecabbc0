import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SpreadsheetNotCsvError, SpreadsheetRowsInvalidError, SpreadsheetTooLargeError } from '../../errors.js';
import { actorOf } from '../../http/context.js';
import { problem, sendProblem } from '../../http/problem.js';
import { withoutQueryKey } from '../../http/redact-url.js';
import { problemResponses } from '../../http/schemas.js';
import { decodeSpreadsheet, type Encoding } from './decode.js';
import { MAX_ROWS, parseMap, readSheet } from './parse.js';
import { IMPORT_RESULTS } from './repository.js';
import { ImportActionsQuery, ImportActionsRefusal, ImportActionsResult } from './schemas.js';

// POST /v1/imports/actions: a council's tracker as CSV (DESIGN.md "Spreadsheets in and out").
// The CSV body parser lives in this plugin only: elsewhere text/csv stays a 415.

const tags = ['imports'];

/** The largest file one import takes: some 50,000 rows of a typical tracker. 413 beyond. */
export const IMPORT_CSV_MAX_BYTES = 20 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB`;

/** JSON Pointer (RFC 6901) escaping of one reference token. */
const token = (text: string) => text.replace(/~/g, '~0').replace(/\//g, '~1');

export const spreadsheetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const encodings = new WeakMap<FastifyRequest, Encoding>();

  // Read as bytes up to the limit (a clear 413 past it, without reading the rest), then decoded
  // here (decode.ts): the handler gets text, and knows how it was read.
  app.addContentTypeParser(CSV_TYPES, (request, payload, done) => {
    const declared = Number(request.headers['content-length']);
    if (declared > IMPORT_CSV_MAX_BYTES) return done(new SpreadsheetTooLargeError(mib(declared), mib(IMPORT_CSV_MAX_BYTES)), undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    payload.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > IMPORT_CSV_MAX_BYTES) {
        failed = true;
        done(new SpreadsheetTooLargeError(`more than ${mib(IMPORT_CSV_MAX_BYTES)}`, mib(IMPORT_CSV_MAX_BYTES)), undefined);
        return;
      }
      chunks.push(chunk);
    });
    payload.on('error', (err) => {
      if (!failed) done(err, undefined);
      failed = true;
    });
    payload.on('end', () => {
      if (failed) return;
      try {
        const { text, encoding } = decodeSpreadsheet(Buffer.concat(chunks));
        encodings.set(request, encoding);
        done(null, text);
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  });

  app.post('/imports/actions', {
    // Thousands of rows: a transaction of its own rather than a savepoint of a group commit.
    config: { scope: 'write', ownTransaction: true },
    bodyLimit: IMPORT_CSV_MAX_BYTES,
    schema: {
      operationId: 'importActions', tags,
      summary: 'Import a tracker spreadsheet (CSV): create and update actions by reference',
      description:
        'Send the tracker as `text/csv`: the columns of `GET /v1/actions?format=csv`, or a council tracker\'s headings ' +
        '("Reference", "Recommendation", "Lead Officer", "Target date", "Status", "Action taken", …; the mapping is in the README), ' +
        'with `?map=` to map others. Dates dd/mm/yyyy or YYYY-MM-DD; committee by id or name; the meeting raised at by its date; owner by person id, name or free text. ' +
        'Rows that name no committee or meeting take `?committeeId=` and `?meetingId=`. A row whose reference an action of the committee has updates it; others create one. ' +
        'The answer gives each row\'s result (created, updated, unchanged, error). Any bad row: 422 listing every bad row and column, and nothing is written; the whole file is one transaction. ' +
        `Files over ${mib(IMPORT_CSV_MAX_BYTES)} or ${MAX_ROWS.toLocaleString('en-GB')} rows: 413. Not UTF-8: read as Windows-1252, and the answer says so.`,
      querystring: ImportActionsQuery,
      body: { content: { 'text/csv': { schema: Type.String({ description: 'The tracker: a header row, then one row per action' }) } } },
      response: { 200: ImportActionsResult, 422: ImportActionsRefusal, ...problemResponses(413, 415) },
    },
    // A JSON or plain-text body is parsed by the app's own parsers: only CSV is an import.
    preValidation: async (request) => {
      if (typeof request.body !== 'string') throw new SpreadsheetNotCsvError(String(request.headers['content-type'] ?? 'none'));
    },
  }, async (request, reply) => {
    const { dryRun = false, map, committeeId, meetingId } = request.query;
    const encoding = encodings.get(request) ?? 'utf-8';
    const sheet = readSheet(request.body as string, parseMap(map));
    const { results, written } = await app.services.spreadsheets.import.run(actorOf(request), sheet, { dryRun, committeeId, meetingId });
    const bad = results.filter((r) => r.result === 'error');
    if (bad.length > 0) {
      const rows = bad.map((r) => r.row);
      const refused = new SpreadsheetRowsInvalidError(`${bad.length} of ${results.length} rows cannot be imported (rows ${rows.slice(0, 20).join(', ')}${rows.length > 20 ? ', …' : ''}); nothing was written`);
      const errors = bad.flatMap((r) => (r.errors ?? []).map((e) => ({ pointer: `/body/${r.row}/${token(e.column)}`, detail: e.reason, row: r.row, column: e.column })));
      return sendProblem(reply, { ...problem(422, refused.message, refused.code), instance: withoutQueryKey(request.url), errors, encoding, results } as never);
    }
    const counts = Object.fromEntries(IMPORT_RESULTS.map((kind) => [kind, results.filter((r) => r.result === kind).length])) as Record<(typeof IMPORT_RESULTS)[number], number>;
    return { dryRun, written, encoding, columns: sheet.columns, ignoredColumns: sheet.ignored, counts, results };
  });
};
