import { DateTime } from 'luxon';

// One meaning of `format: "date-time"` for every field that has it: an RFC 3339 instant with
// a `T`, seconds and an offset (or Z), which luxon — what the service computes with — also
// reads as a valid time. ajv-formats' own date-time admits a space for the `T` and a leap
// second (23:59:60), both of which luxon rejects: such a value passed the schema and failed
// later as a 500. Checked here once, it is a 400 naming the field.

const RFC3339_INSTANT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export function isInstant(value: string): boolean {
  return RFC3339_INSTANT.test(value) && DateTime.fromISO(value, { setZone: true }).isValid;
}

/** The part of Ajv a format plugin uses (Ajv itself is Fastify's dependency, not ours). */
interface FormatRegistry {
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown;
}

/** An Ajv plugin; registered after ajv-formats, whose `date-time` it replaces. */
export function instantFormat<A extends FormatRegistry>(ajv: A): A {
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
  return ajv;
}
