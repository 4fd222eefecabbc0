import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RateLimitedError } from './errors.js';
import { defaultConfig, type Config } from './config.js';
import { startCheckpointerLater } from './db/checkpointer.js';
import { closeSearchIndex, searchIndexOf, startSearchWorker } from './db/search.js';
import { openDatabase, type Db } from './db/client.js';
import type { Clock } from './domain/clock.js';
import auth from './http/auth.js';
import groupCommit from './http/group-commit.js';
import idempotency from './http/idempotency.js';
import { clientErrorHandler } from './http/client-error.js';
import { instantFormat } from './http/formats.js';
import { lazyCompilers } from './http/lazy-compilers.js';
import metrics from './http/metrics.js';
import openapi from './http/openapi.js';
import problemDetails, { problem, sendProblem } from './http/problem.js';
import securityHeaders from './http/security-headers.js';
import { createServices, type Services } from './services.js';
import { registerRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    services: Services;
  }
}

export interface BuildOptions {
  /** An already-open database (tests, benchmarks); otherwise opened from config. */
  db?: Db;
  /** pino options, or false for silence (tests). */
  logger?: boolean | Record<string, unknown>;
  /** What time it is when "today" is worked out (tests fix it); the system clock by default. */
  clock?: Clock;
}

const CHECKPOINTER_DELAY_MS = 1000;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The whole application as a function: the server, the tests and the scripts all call this. */
export async function buildApp(
  config: Config = defaultConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const db =
    options.db ??
    openDatabase({ path: config.databasePath, synchronous: config.databaseSynchronous });

  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    // Accept a caller's x-request-id when it is sane, so one id follows a request across systems.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: config.bodyLimitBytes,
    // Unknown properties must be a 400, not silently dropped (Fastify's default strips them).
    // No type coercion: a JSON value of the wrong type is a 400, and path, query and header
    // text is parsed strictly before validation (http/strict-parameters.ts). One date-time
    // format for every field, replacing ajv-formats' looser one once it is added (http/formats.ts).
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true },
      onCreate: instantFormat,
    },
    routerOptions: { ignoreTrailingSlash: true },
    // Each route's schemas are compiled when it is first called, not all before listening.
    schemaController: { compilersFactory: lazyCompilers() },
    // The router's own refusals (a malformed %-escape, a path parameter over the length limit)
    // bypass the error handler: answer them in the one error shape too.
    // Requests Node itself refuses (malformed, headers too large) are problem+json too.
    clientErrorHandler,
    frameworkErrors: (error, request, reply) =>
      sendProblem(reply, { ...problem(error.statusCode ?? 400, error.message, error.code), instance: request.url }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('db', db);
  app.decorate('services', createServices(db, { actionReadCacheEntries: config.actionReadCacheEntries, clock: options.clock }));
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // The search index (db/search.ts) is set up now, outside any transaction (an in-memory
  // database attaches its own); its worker and connections are closed with the app.
  searchIndexOf(db);
  app.addHook('onClose', async () => closeSearchIndex(db));
  if (!options.db) {
    app.addHook('onClose', async () => db.$client.close());
    // Checkpoints on a worker thread (db/checkpointer.ts), started a second after listening
    // (never for inject-only apps), once start-up is over.
    if (!db.$client.memory) {
      let checkpointer: { close(): Promise<void> } | undefined;
      app.addHook('onListen', (done) => {
        checkpointer = startCheckpointerLater(db.$client, CHECKPOINTER_DELAY_MS, {
          onFailure: (err) => app.log.error({ err }, 'checkpoint worker failed; the server checkpoints for itself'),
        });
        done();
      });
      app.addHook('onClose', async () => checkpointer?.close());
      // The full-text index is kept up to date by a worker thread (db/search.ts), started at
      // once so that an index that has to be built is ready as soon as it can be.
      app.addHook('onListen', (done) => {
        startSearchWorker(db, {
          onFailure: (err) => app.log.error({ err }, 'search index worker failed; searches index for themselves'),
        });
        done();
      });
    }
  }

  await app.register(problemDetails);
  await app.register(securityHeaders, {
    // For the /docs pages: Swagger UI needs inline styles and scripts of its own. The API's JSON
    // gets a stricter, shorter set (see security-headers.ts).
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  if (config.corsOrigins.length > 0) await app.register(cors, { origin: config.corsOrigins });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Per key when authenticated, else per address (an unknown or revoked key included). The
    // key is the one auth's onRequest hook found: it runs before this plugin's route-level hook.
    keyGenerator: (request) => (request.auth?.keyId != null ? `key:${request.auth.keyId}` : `ip:${request.ip}`),
    enableDraftSpec: true,
    errorResponseBuilder: (_request, context) => {
      return new RateLimitedError(context.max, context.after);
    },
  });
  await app.register(metrics);
  await app.register(openapi);
  await app.register(auth, { apiKeys: app.services.apiKeys, publicRead: config.publicRead });
  await app.register(idempotency, { db });
  await app.register(groupCommit, { db });
  await registerRoutes(app, config);
  return app;
}
