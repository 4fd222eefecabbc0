import type { FastifyReply, FastifyRequest } from 'fastify';
import { SearchUnavailableError } from '../../errors.js';
import { actorOf } from '../../http/context.js';
import { negotiate } from '../../jobs/report-formats.js';
import type { ListActionsQuery } from '../actions/schemas.js';

// GET /v1/actions as CSV, answered for the list route (actions/routes.ts), which asks
// `wantsCsv` once before anything else and otherwise answers JSON exactly as before: the JSON
// list pays one property test and, only when an Accept header names text/csv, a negotiation.

/** How long a client is asked to wait when the search index is not ready (503), as for the list. */
const SEARCH_RETRY_AFTER_S = 5;

/** Whether the list is asked for as CSV: `?format=csv`, or an Accept header that prefers text/csv. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'csv';
  return accept !== undefined && accept.includes('text/csv') && negotiate(undefined, accept) === 'csv';
}

export async function sendActionsCsv(request: FastifyRequest, reply: FastifyReply, given: ListActionsQuery) {
  const { format: _format, bom, ...query } = given;
  let exported;
  try {
    exported = await request.server.services.spreadsheets.export.stream({ actor: actorOf(request), query, bom: bom === 'true' });
  } catch (err) {
    if (err instanceof SearchUnavailableError) reply.header('retry-after', String(SEARCH_RETRY_AFTER_S));
    throw err;
  }
  return reply
    .header('vary', 'accept')
    .header('content-disposition', `attachment; filename="actions-${exported.day}.csv"`)
    .type('text/csv; charset=utf-8')
    .send(exported.body);
}
