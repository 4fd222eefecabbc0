import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isBusy } from '../db/sqlite/busy.js';
import { withoutQueryKey } from './redact-url.js';
import {
  DatabaseBusyError,
  InvalidFieldError,
  RouteNotFoundError,
  ScrutinyError,
  type FieldError,
  type RequestPart,
} from '../errors.js';

// RFC 9457 problem details: the one error shape. Every thrown error reaches this handler;
// coded errors keep their status and message, anything else is a 500 without internals.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
/** Retry-After on a 503 for a busy database: the command line's writes last a second or two. */
const BUSY_RETRY_AFTER_S = 2;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  instance?: string;
  errors?: PointedFieldError[];
}

/** One bad field of a problem: where it is in the request, as a JSON Pointer (RFC 6901). */
export interface PointedFieldError {
  /** e.g. "/body/dueQuarter", "/querystring/cursor", "/body/items/3/exemptParagraph" */
  pointer: string;
  detail: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function problemType(code: string | undefined, status: number): string {
  const slug = (code ?? `HTTP_${status}`)
    .replace(/^(SCRUTINY|FST|FASTIFY)_/, '')
    .toLowerCase()
    .replace(/_/g, '-');
  return `urn:scrutiny-tracker:problem:${slug}`;
}

export function problem(status: number, detail: string, code?: string, errors?: PointedFieldError[]): Problem {
  return {
    type: problemType(code, status),
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...(code ? { code } : {}),
    ...(errors ? { errors } : {}),
  };
}

/** The problem for one of this service's errors answered without being thrown. */
export function problemOf(error: ScrutinyError): Problem {
  return problem(error.statusCode, error.message, error.code);
}

/**
 * The request part holding a field the domain named: where it was sent, else the body. A
 * thrower that knows the part says so (an import's plain-text options are in the query string).
 * The query string and path count only for a field the route declares there: a stray
 * `?response=x` must not move a body field's error out of the body.
 */
function partHolding(request: FastifyRequest, name: string): RequestPart {
  const holds = (value: unknown) => typeof value === 'object' && value !== null && Object.hasOwn(value, name);
  const declares = (schema: unknown) => holds((schema as { properties?: unknown } | undefined)?.properties);
  const schema = request.routeOptions.schema;
  if (holds(request.body)) return 'body';
  if (holds(request.query) && declares(schema?.querystring)) return 'querystring';
  if (holds(request.params) && declares(schema?.params)) return 'params';
  return 'body';
}

/** A domain field as a JSON Pointer into the request: `dueQuarter` → `/body/dueQuarter`. */
function pointerOf({ field, part }: FieldError, request: FastifyRequest): string {
  const where = part ?? partHolding(request, field.split('/')[0]!);
  return field === '' ? `/${where}` : `/${where}/${field}`;
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Ajv's findings as JSON Pointers into the request, e.g. `/body/title`. */
function fieldErrors(context: string, issues: AjvIssue[]): PointedFieldError[] {
  const all = issues.map((issue) => {
    let pointer = `/${context}${issue.instancePath}`;
    let detail = issue.message ?? 'is invalid';
    if (issue.keyword === 'required') pointer += `/${String(issue.params.missingProperty)}`;
    if (issue.keyword === 'additionalProperties') {
      pointer += `/${String(issue.params.additionalProperty)}`;
      detail = 'is not a known field';
    }
    return { pointer, detail, keyword: issue.keyword };
  });
  // One entry per field. A nullable field that fails reports "must be null" and "must match a
  // schema in anyOf" beside the real reason, and an enum of strings "must be string" beside
  // "must be equal to one of the allowed values": keep the reason.
  const enums = new Set(all.filter((e) => e.keyword === 'enum').map((e) => e.pointer));
  const byPointer = new Map<string, string[]>();
  for (const { pointer, detail, keyword } of all) {
    const noise = keyword === 'anyOf' || (keyword === 'type' && (detail === 'must be null' || enums.has(pointer)));
    const details = byPointer.get(pointer) ?? [];
    if (!noise && !details.includes(detail)) details.push(detail);
    byPointer.set(pointer, details);
  }
  return [...byPointer].map(([pointer, details]) => ({ pointer, detail: details.join('; ') || 'is invalid' }));
}

function toProblem(error: FastifyError | InvalidFieldError, request: FastifyRequest): Problem {
  if (error instanceof InvalidFieldError) {
    const errors = error.errors.map((e) => ({ pointer: pointerOf(e, request), detail: e.detail }));
    return problem(400, 'The request has invalid fields', error.code, errors);
  }
  if (error.validation) {
    const errors = fieldErrors(error.validationContext ?? 'body', error.validation as AjvIssue[]);
    const names = errors.map((e) => e.pointer).join(', ');
    return problem(400, `The request has invalid fields: ${names}`, InvalidFieldError.code, errors);
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    // Only this service's own codes are part of the contract; a library's (SQLITE_BUSY, ERR_…)
    // names internals, so it stays in the log with the detail, and the type is the status's.
    const code = error instanceof ScrutinyError ? error.code : undefined;
    return problem(status, 'The server could not complete the request', code);
  }
  return problem(status, error.message, error.code);
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

export default fp(
  async function problemDetails(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      // Another process's write lock (db/sqlite/busy.ts) is a wait, not a fault: a 503 to retry.
      if (isBusy(error) || error instanceof DatabaseBusyError) {
        reply.header('retry-after', String(BUSY_RETRY_AFTER_S));
        const busy = new DatabaseBusyError();
        return sendProblem(reply, { ...problem(503, busy.message, busy.code), instance: withoutQueryKey(request.url) });
      }
      const body = { ...toProblem(error, request), instance: withoutQueryKey(request.url) };
      if (body.status === 401 && !reply.hasHeader('www-authenticate')) {
        reply.header('www-authenticate', 'Bearer realm="scrutiny-tracker"');
      }
      return sendProblem(reply, body);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, {
        ...problemOf(new RouteNotFoundError(request.method, request.url.split('?')[0]!)),
        instance: withoutQueryKey(request.url),
      }),
    );
  },
  { name: 'problem-details' },
);
