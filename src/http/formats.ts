import { isInstant } from '../domain/local-date.js';

// One meaning of `format: "date-time"` for every field that has it: the domain's instant
// (domain/local-date.ts isInstant), checked here once, so a value the service cannot compute
// with is a 400 naming the field.

/** The part of Ajv a format plugin uses (Ajv itself is Fastify's dependency, not ours). */
interface FormatRegistry {
  addFormat(name: string, format: { type: 'string'; validate: (value: string) => boolean }): unknown;
}

/** An Ajv plugin; registered after ajv-formats, whose `date-time` it replaces. */
export function instantFormat<A extends FormatRegistry>(ajv: A): A {
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
  return ajv;
}
