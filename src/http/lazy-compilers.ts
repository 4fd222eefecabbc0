import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

// Fastify's own schema compilers — Ajv for requests, fast-json-stringify for responses, taken
// from fastify's dependencies so they are exactly the ones it would use — but each route's
// schemas are compiled on its first request rather than all at start-up. Compiling every
// route's schemas was most of the time from process start to ready, and a process (a CLI
// command, a test) rarely calls more than a few routes.

const fromFastify = createRequire(import.meta.resolve('fastify'));
type Selector = () => (externalSchemas: unknown, options: unknown) => (route: unknown) => Compiled;
type Compiled = ((data: unknown) => unknown) & { errors?: unknown };
const validatorSelector = fromFastify('@fastify/ajv-compiler') as Selector;
const serializerSelector = fromFastify('@fastify/fast-json-stringify-compiler') as Selector;

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** For Fastify's `schemaController.compilersFactory`; one per app, as Fastify's defaults are. */
export function lazyCompilers(): CompilersFactory {
  const buildDefaultValidator = validatorSelector();
  const buildDefaultSerializer = serializerSelector();
  const factory = {
    buildValidator(externalSchemas: unknown, options: unknown) {
      const compile = buildDefaultValidator(externalSchemas, options);
      return (route: unknown) => {
        let compiled: Compiled | undefined;
        // Fastify reads a failed validation's `errors` from the function it was given.
        const validate: Compiled = (data) => {
          compiled ??= compile(route);
          const result = compiled(data);
          validate.errors = compiled.errors;
          return result;
        };
        return validate;
      };
    },
    buildSerializer(externalSchemas: unknown, options: unknown) {
      const compile = buildDefaultSerializer(externalSchemas, options);
      return (route: unknown) => {
        let compiled: Compiled | undefined;
        return (data: unknown) => (compiled ??= compile(route))(data);
      };
    },
  };
  // The compilers are untyped (required, not imported); their contract is Fastify's.
  return factory as unknown as CompilersFactory;
}
