import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RateLimitedError } from './errors.js';
import { defaultConfig, type Config } from './config.js';
import type { Db } from './db/sqlite/client.js';
import { createEngine, openEngine, type Engine } from './db/engine.js';
import type { Clock } from './domain/clock.js';
import auth from './http/auth.js';
import councilLimit from './http/council-limit.js';
import database, { readScopes } from './http/database.js';
import idempotency from './http/idempotency.js';
import { clientErrorHandler } from './http/client-error.js';
import { instantFormat } from './http/formats.js';
import { lazyCompilers } from './http/lazy-compilers.js';
import metrics from './http/metrics.js';
import openapi from './http/openapi.js';
import problemDetails, { problem, sendProblem } from './http/problem.js';
import { requestForLog, withoutQueryKey } from './http/redact-url.js';
import securityHeaders from './http/security-headers.js';
import { createServices, type Services } from './services.js';
import { registerRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    engine: Engine;
    services: Services;
  }
}

export interface BuildOptions {
  /** An already-open database (tests, benchmarks); otherwise opened from config. */
  db?: Db;
  /** pino options over the defaults (level, redaction), e.g. a `stream` (tests); false for silence. */
  logger?: boolean | Record<string, unknown>;
  /** Fail a write whose handler awaited before writing (http/database.ts; tests). */
  checkWriteHandlers?: boolean;
  /** What time it is when "today" is worked out (tests fix it); the system clock by default. */
  clock?: Clock;
  /** Run the webhook delivery worker once listening, on a database given in `db` too (tests). */
  deliverWebhooks?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The whole application as a function: the server, the tests and the scripts all call this. */
export async function buildApp(
  config: Config = defaultConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    // Keys never reach the log: the header is redacted, and a calendar's ?key= too (redact-url.ts).
    logger: options.logger === false ? false : {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { req: requestForLog },
      ...(typeof options.logger === 'object' ? options.logger : {}),
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
      sendProblem(reply, { ...problem(error.statusCode ?? 400, error.message, error.code), instance: withoutQueryKey(request.url) }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The database and its write path (db/engine.ts); its worker threads run only on a database
  // file the app opened itself, once listening.
  const engine = options.db
    ? createEngine(options.db, { log: app.log })
    : await openEngine(config, { log: app.log });
  // onClose hooks run last-registered first: this one, registered before every plugin, closes
  // the database after their own (auth writes the keys' last use) have run.
  app.addHook('onClose', async () => engine.close());
  app.decorate('db', engine.db);
  app.decorate<Engine>('engine', engine);
  app.decorate('services', createServices(engine, {
    actionReadCacheEntries: config.actionReadCacheEntries,
    clock: options.clock,
    log: app.log,
    responseLinks: { publicBaseUrl: config.publicBaseUrl, days: config.responseLinkDays, secret: config.linkSecret },
    mail: { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom },
    moderngov: { url: config.moderngovUrl, timeoutMs: config.moderngovTimeoutMs },
    webhookRetentionDays: config.webhookRetentionDays,
  }));
  app.addHook('onClose', async () => app.services.mailer.close());
  // The webhook delivery worker runs with the listening server (as the engine's workers do) and
  // stops before the database closes (onClose hooks run last-registered first).
  if (!options.db || options.deliverWebhooks) {
    app.addHook('onListen', (done) => {
      app.services.webhookDeliveries.start();
      done();
    });
  }
  app.addHook('onClose', async () => app.services.webhookDeliveries.stop());
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
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
  // Before authentication: its program takes the read's stamp (PostgreSQL).
  if (engine.kind === 'postgres') readScopes(app, engine);
  await app.register(auth, {
    apiKeys: app.services.apiKeys,
    publicRead: config.publicRead,
    committeesOfAuthority: (authority) => app.services.committees.idsOfAuthority(authority),
  });
  await app.register(councilLimit, { ownerOf: (kind, id) => app.services.committees.ownerOf(kind, id) });
  await app.register(idempotency, { db: engine.db, engine });
  await app.register(database, { engine, workers: !options.db, checkHandlers: options.checkWriteHandlers ?? false });
  await registerRoutes(app, config);
  return app;
}
