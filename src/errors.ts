import createError from '@fastify/error';

// Every error the service can raise, defined once with a stable code. Domain code and
// repositories throw these; only the problem-details plugin turns them into HTTP responses.
// Messages are printf-style (%s) and become the problem's `detail`.

export const NotFoundError = createError('SCRUTINY_NOT_FOUND', '%s %s was not found', 404);
export const ConflictError = createError('SCRUTINY_CONFLICT', '%s', 409);
export const ReferencedError = createError(
  'SCRUTINY_REFERENCED',
  '%s %s cannot be deleted while %s refer to it',
  409,
);
export const IllegalTransitionError = createError(
  'SCRUTINY_ILLEGAL_TRANSITION',
  'An action cannot move from %s to %s',
  409,
);
export const PreconditionFailedError = createError(
  'SCRUTINY_PRECONDITION_FAILED',
  'If-Match %s does not match the current ETag %s',
  412,
);
export const IdempotencyMismatchError = createError(
  'SCRUTINY_IDEMPOTENCY_KEY_REUSED',
  'Idempotency-Key %s was already used with a different request body',
  422,
);

/** A single bad field, reported as one entry of the problem's `errors[]`. */
export interface FieldError {
  /** JSON Pointer to the field, e.g. "/body/dueQuarter" */
  pointer: string;
  detail: string;
}

/** Validation failure raised outside the schema validator (domain rules on input). */
export class InvalidFieldError extends Error {
  readonly code = 'SCRUTINY_VALIDATION';
  readonly statusCode = 400;
  constructor(
    readonly errors: FieldError[],
    message = errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '),
  ) {
    super(message);
    this.name = 'InvalidFieldError';
  }
}

export function invalidField(pointer: string, detail: string): InvalidFieldError {
  return new InvalidFieldError([{ pointer, detail }]);
}

/** The group of writes a response depends on could not be committed (disk full, I/O error). */
export const CommitFailedError = createError(
  'SCRUTINY_COMMIT_FAILED',
  'The change could not be saved durably (%s); nothing from this request was kept',
  503,
);

/** Another process held the database's write lock for longer than a write may wait for it. */
export const DatabaseBusyError = createError(
  'SCRUTINY_DATABASE_BUSY',
  'The database is busy with another writer (a command-line import or scan); nothing from this request was kept: try again shortly',
  503,
);

/** A search could not wait for the full-text index to catch up (it is being built, or behind). */
export const SearchUnavailableError = createError(
  'SCRUTINY_SEARCH_UNAVAILABLE',
  'Search is not available at the moment (%s); try again shortly',
  503,
);
