import { format } from 'node:util';

// Every error the service can raise, defined once with a stable code. Domain code and
// repositories throw these; only the problem-details plugin (http/problem.ts) turns them into
// HTTP responses, and the command line (scripts/cli.ts) into one line on stderr. Nothing here
// knows Fastify, so that src/domain can throw them and stay free of it. Messages are
// printf-style (%s), as with @fastify/error, and become the problem's `detail`.

/** An error of this service: a stable code, the HTTP status it stands for, a message for people. */
export class ScrutinyError extends Error {
  constructor(
    readonly code: `SCRUTINY_${string}`,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ScrutinyError';
  }
}

/** A class of error with one code, one status and a message template filled from its arguments. */
function defineError<Args extends (string | number)[] = []>(code: `SCRUTINY_${string}`, template: string, statusCode: number) {
  return class extends ScrutinyError {
    static readonly code = code;
    constructor(...args: Args) {
      super(code, statusCode, format(template, ...args));
    }
  };
}

export const NotFoundError = defineError<[kind: string, id: string | number]>('SCRUTINY_NOT_FOUND', '%s %s was not found', 404);
export const ConflictError = defineError<[detail: string]>('SCRUTINY_CONFLICT', '%s', 409);
export const ReferencedError = defineError<[kind: string, id: number, referrers: string]>(
  'SCRUTINY_REFERENCED',
  '%s %s cannot be deleted while %s refer to it',
  409,
);
export const IllegalTransitionError = defineError<[from: string, to: string]>(
  'SCRUTINY_ILLEGAL_TRANSITION',
  'An action cannot move from %s to %s',
  409,
);
export const PreconditionFailedError = defineError<[ifMatch: string, etag: string]>(
  'SCRUTINY_PRECONDITION_FAILED',
  'If-Match %s does not match the current ETag %s',
  412,
);
export const IdempotencyMismatchError = defineError<[key: string]>(
  'SCRUTINY_IDEMPOTENCY_KEY_REUSED',
  'Idempotency-Key %s was already used with a different request body',
  422,
);
/**
 * A retry whose first answer carried a secret shown once (a webhook's, an API key's): the answer
 * was not kept, so it cannot be replayed; nothing new is created either.
 */
export const IdempotentSecretNotKeptError = defineError<[key: string, created: string]>(
  'SCRUTINY_IDEMPOTENT_SECRET_NOT_KEPT',
  'Idempotency-Key %s was already used: that request created %s, whose secret is shown once and not kept, so its answer cannot be repeated. Nothing new was created; to have a secret again, delete it and create it anew',
  409,
);
/** A draft with no agenda items (empty text, binary garbage) has nothing to save. */
export const NothingToImportError = defineError<[detail: string]>('SCRUTINY_NOTHING_TO_IMPORT', '%s', 422);
/** Text past the parser's limit is refused outright: a silently truncated import would lose items. */
export const MinutesTooLongError = defineError<[length: string, max: string]>(
  'SCRUTINY_MINUTES_TOO_LONG',
  'The minutes are %s characters long; at most %s characters can be imported at once: split the document and import each part',
  413,
);

// The edge's own refusals: who may call, how often, in what format, on which route.
export const UnauthorizedError = defineError(
  'SCRUTINY_UNAUTHORIZED',
  'A valid API key is required: send Authorization: Bearer <key>',
  401,
);
export const ForbiddenError = defineError<[scope: string]>('SCRUTINY_FORBIDDEN', 'This API key lacks the %s scope', 403);
/** A key limited to a council calling a route that changes what every council shares (holidays, the notification pass). */
export const LimitedKeyError = defineError<[what: string]>(
  'SCRUTINY_KEY_LIMITED_TO_COUNCIL',
  'This API key is limited to a council; %s is shared by every council on this service and needs an unlimited admin key',
  403,
);
/** A key in the URL (?key=) where it is not accepted: only calendar feeds take one (DESIGN.md "Documents and calendars"). */
export const KeyInQueryError = defineError<[detail: string]>('SCRUTINY_KEY_IN_QUERY', '%s', 400);
/** A key with more than read scopes given as ?key=: a calendar URL is copied into apps, proxies and logs. */
export const QueryKeyNotReadOnlyError = defineError<[scope: string]>(
  'SCRUTINY_QUERY_KEY_NOT_READ_ONLY',
  'A key given as ?key= must be read-only, since calendar apps, proxies and browser histories keep the URL; this key has the %s scope: create a key with read scopes only for calendars',
  403,
);
export const RateLimitedError = defineError<[max: number, retryIn: string]>(
  'SCRUTINY_RATE_LIMITED',
  'Rate limit of %s requests a minute exceeded; retry in %s',
  429,
);
export const NotAcceptableError = defineError<[formats: string]>('SCRUTINY_NOT_ACCEPTABLE', 'Supported formats: %s', 406);
export const RouteNotFoundError = defineError<[method: string, path: string]>('SCRUTINY_ROUTE_NOT_FOUND', 'No route %s %s', 404);
/** Bytes Node's HTTP parser refused: not a request at all. */
export const MalformedRequestError = defineError('SCRUTINY_MALFORMED_REQUEST', 'The request is not valid HTTP', 400);
/** Health: the database is unreachable or its migrations are not applied. */
export const NotReadyError = defineError<[reason: string]>('SCRUTINY_NOT_READY', '%s', 503);

/** The parts of an HTTP request a field can be sent in. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** A single bad field, reported as one entry of the problem's `errors[]`. */
export interface FieldError {
  /**
   * The field as the domain names it, `dueQuarter`, or a path to it inside what was sent,
   * `actions/2/dueQuarter`. The HTTP edge makes it a JSON Pointer (`/body/dueQuarter`), a
   * command its flag (`--starts-at`).
   */
  field: string;
  detail: string;
  /**
   * Where an HTTP caller sent the field, when the thrower knows it (a route); otherwise the edge
   * finds the part holding it. An empty `field` with a part is the whole part, e.g. a text body.
   */
  part?: RequestPart;
}

/** Validation failure raised outside the schema validator (domain rules on input). */
export class InvalidFieldError extends ScrutinyError {
  static readonly code = 'SCRUTINY_VALIDATION';

  constructor(
    readonly errors: FieldError[],
    message = errors.map((e) => `${e.field}: ${e.detail}`).join('; '),
  ) {
    super(InvalidFieldError.code, 400, message);
    this.name = 'InvalidFieldError';
  }

  /** The same failure with its fields named as this caller knows them (its request parts, its flags). */
  relocated(place: (error: FieldError) => FieldError): InvalidFieldError {
    return new InvalidFieldError(this.errors.map(place));
  }
}

export function invalidField(field: string, detail: string, part?: RequestPart): InvalidFieldError {
  return new InvalidFieldError([{ field, detail, ...(part ? { part } : {}) }]);
}

/**
 * A programming error caught in tests (http/database.ts `checkHandlers`): a write route awaited
 * before it wrote, so its writes ran outside the group commit. A plain 500, with no code.
 */
export class WriteOutsideGroupError extends Error {
  constructor(method: string, url: string) {
    super(`${method} ${url}: the handler outlived the group commit it joined; a write handler must not await before it writes`);
    this.name = 'WriteOutsideGroupError';
  }
}

/** The group of writes a response depends on could not be committed (disk full, I/O error). */
export const CommitFailedError = defineError<[reason: string]>(
  'SCRUTINY_COMMIT_FAILED',
  'The change could not be saved durably (%s); nothing from this request was kept',
  503,
);

/** Another process held the database's write lock for longer than a write may wait for it. */
export const DatabaseBusyError = defineError(
  'SCRUTINY_DATABASE_BUSY',
  'The database is busy with another writer (a command-line import or scan); nothing from this request was kept: try again shortly',
  503,
);

/** A search could not wait for the full-text index to catch up (it is being built, or behind). */
export const SearchUnavailableError = defineError<[reason: string]>(
  'SCRUTINY_SEARCH_UNAVAILABLE',
  'Search is not available at the moment (%s); try again shortly',
  503,
);

/** A tracker spreadsheet past what one import takes (POST /v1/imports/actions): split it. */
export const SpreadsheetTooLargeError = defineError<[what: string, limit: string]>(
  'SCRUTINY_SPREADSHEET_TOO_LARGE',
  'The file has %s; one import takes at most %s: split the tracker and import each part',
  413,
);
/** Rows of a tracker spreadsheet that cannot be imported; the answer lists each row and column. */
export const SpreadsheetRowsInvalidError = defineError<[detail: string]>('SCRUTINY_SPREADSHEET_ROWS_INVALID', '%s', 422);
/** A tracker sent as something other than CSV (JSON, plain text, a form). */
export const SpreadsheetNotCsvError = defineError<[type: string]>(
  'SCRUTINY_SPREADSHEET_NOT_CSV',
  'Send the tracker as text/csv (Content-Type %s is not a spreadsheet this import reads)',
  415,
);
