import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { parametersParser } from './strict-parameters.js';

// Fastify's own schema compilers — Ajv for requests, fast-json-stringify for responses, the
// versions fastify itself depends on (package.json pins the same) — but each route's schemas are
// compiled on its first request rather than all at start-up. Compiling every route's schemas was
// most of the time from process start to ready, and a process (a CLI command, a test) rarely
// calls more than a few routes. Ajv's first instance (which compiles the JSON Schema
// meta-schema) is also built on first use: a process answering only probes never needs it.

type Compiled = ((data: unknown) => unknown) & { errors?: unknown };
/** What Fastify hands a validator compiler for one part of one route. */
interface RouteSchema {
  schema: unknown;
  httpPart?: 'body' | 'querystring' | 'params' | 'headers';
}
type Compile = (route: RouteSchema) => Compiled;
type BuildCompile = (externalSchemas: unknown, options: unknown) => Compile;

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** For Fastify's `schemaController.compilersFactory`; one per app, as Fastify's defaults are. */
export function lazyCompilers(): CompilersFactory {
  let buildDefaultValidator: BuildCompile | undefined;
  let buildDefaultSerializer: BuildCompile | undefined;
  const factory = {
    buildValidator(externalSchemas: unknown, options: unknown) {
      let compile: Compile | undefined;
      return (route: RouteSchema) => {
        let compiled: Compiled | undefined;
        // Ajv coerces no types (app.ts): text parameters are parsed strictly before it sees them.
        const parse = route.httpPart !== undefined && route.httpPart !== 'body' ? parametersParser(route.schema) : undefined;
        // Fastify reads a failed validation's `errors` from the function it was given.
        const validate: Compiled = (data) => {
          compile ??= (buildDefaultValidator ??= ValidatorSelector() as unknown as BuildCompile)(externalSchemas, options);
          compiled ??= compile(route);
          parse?.(data);
          const result = compiled(data);
          validate.errors = compiled.errors;
          return result;
        };
        return validate;
      };
    },
    buildSerializer(externalSchemas: unknown, options: unknown) {
      let compile: Compile | undefined;
      return (route: RouteSchema) => {
        let compiled: Compiled | undefined;
        return (data: unknown) => {
          compile ??= (buildDefaultSerializer ??= SerializerSelector() as unknown as BuildCompile)(externalSchemas, options);
          return (compiled ??= compile(route))(data);
        };
      };
    },
  };
  // Fastify's types for the factory are looser than the compilers' own; the contract is Fastify's.
  return factory as unknown as CompilersFactory;
}
