import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Cron } from 'croner';

// One schema for the environment, parsed once at start-up. A bad value stops the process
// with a message naming the variable, before anything listens or touches the database.

const Bool = Type.Enum(['true', 'false']);

export const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://[^\\s]+$' })),
  DATABASE_PATH: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_SYNCHRONOUS: Type.Optional(Type.Enum(['FULL', 'NORMAL', 'EXTRA'])),
  LOG_LEVEL: Type.Optional(
    Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ),
  PUBLIC_READ: Type.Optional(Bool),
  SCAN_CRON: Type.Optional(Type.String({ minLength: 9 })),
  SCAN_ON_START: Type.Optional(Bool),
  NOTIFY_CRON: Type.Optional(Type.String({ minLength: 9 })),
  CORS_ORIGINS: Type.Optional(Type.String()),
  RATE_LIMIT_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  BODY_LIMIT_BYTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  IMPORT_BODY_LIMIT_BYTES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  ACTION_CACHE_ENTRIES: Type.Optional(Type.String({ pattern: '^[0-9]{1,7}$' })),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$' })),
  LINK_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  RESPONSE_LINK_DAYS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://[^\\s]+$' })),
  MAIL_FROM: Type.Optional(Type.String({ minLength: 3, maxLength: 300 })),
  MODERNGOV_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$' })),
  MODERNGOV_SYNC_CRON: Type.Optional(Type.String({ minLength: 9 })),
  MODERNGOV_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{2,5}$' })),
  WEBHOOK_RETENTION_DAYS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
});

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL (`postgres://…`); unset: SQLite at databasePath. */
  databaseUrl?: string;
  databasePath: string;
  /** SQLite `synchronous`: FULL makes every acknowledged write survive power loss. */
  databaseSynchronous: 'FULL' | 'NORMAL' | 'EXTRA';
  logLevel: string;
  publicRead: boolean;
  scanCron: string;
  scanOnStart: boolean;
  /** When the server runs the notification pass (after the scan when both fall together). */
  notifyCron: string;
  /** Scheduler off entirely (tests, one-off tools); not an environment variable. */
  scheduler: boolean;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
  /** Rendered actions kept between requests (0: none); emptied by any write. */
  actionReadCacheEntries: number;
  /** Where the API is reached from outside (links in calendars and response links); unset: each request's own origin. */
  publicBaseUrl?: string;
  /** The key response links are signed with; unset: generated once and kept in the database. */
  linkSecret: string | undefined;
  /** How many days a response link works. */
  responseLinkDays: number;
  /** Where notification emails go out (smtp:// or smtps://); unset: recorded as not_sent, "no SMTP". */
  smtpUrl: string | undefined;
  /** The From of notification emails. */
  mailFrom: string;
  /** The council's Modern.gov site (https://host); unset: no scheduled sync. */
  moderngovUrl: string | undefined;
  /** When the server syncs from Modern.gov (Europe/London). */
  moderngovSyncCron: string;
  /** How long one request to Modern.gov may take. */
  moderngovTimeoutMs: number;
  /** Days delivered and failed webhook deliveries (and the events only they needed) are kept. */
  webhookRetentionDays: number;
}


export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const defaultConfig: Config = {
  port: 3000,
  host: '0.0.0.0',
  databasePath: './data/scrutiny.sqlite',
  databaseSynchronous: 'FULL',
  logLevel: 'info',
  publicRead: true,
  // 05:30 every day, Europe/London: before officers start work, after any late-night edits.
  scanCron: '30 5 * * *',
  scanOnStart: true,
  // 07:00 on weekdays, Europe/London: after the scan, in officers' inboxes before the day starts.
  notifyCron: '0 7 * * 1-5',
  scheduler: true,
  corsOrigins: [],
  rateLimitPerMinute: 600,
  bodyLimitBytes: 1024 * 1024,
  importBodyLimitBytes: 6 * 1024 * 1024,
  actionReadCacheEntries: 20_000,
  linkSecret: undefined,
  responseLinkDays: 30,
  smtpUrl: undefined,
  mailFrom: 'Scrutiny Tracker <scrutiny@localhost>',
  moderngovUrl: undefined,
  // On the hour, every hour.
  moderngovSyncCron: '0 * * * *',
  moderngovTimeoutMs: 30_000,
  webhookRetentionDays: 30,
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.properties)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const firstError = Value.Errors(EnvSchema, known)[0];
  if (firstError) {
    const variable = firstError.instancePath.replace(/^\//, '') || 'environment';
    throw new ConfigError(
      `Invalid ${variable}=${JSON.stringify(known[variable])}: ${firstError.message}`,
    );
  }
  const e = known as Static<typeof EnvSchema>;
  for (const variable of ['SCAN_CRON', 'NOTIFY_CRON', 'MODERNGOV_SYNC_CRON'] as const) {
    const pattern = e[variable];
    if (pattern === undefined) continue;
    try {
      new Cron(pattern, { paused: true }).stop();
    } catch (err) {
      throw new ConfigError(`Invalid ${variable}=${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
  }
  const port = e.PORT === undefined ? defaultConfig.port : Number(e.PORT);
  if (port > 65535) throw new ConfigError(`Invalid PORT=${e.PORT}: must be 0–65535`);
  return {
    ...defaultConfig,
    port,
    host: e.HOST ?? defaultConfig.host,
    databaseUrl: e.DATABASE_URL,
    databasePath: e.DATABASE_PATH ?? defaultConfig.databasePath,
    databaseSynchronous: e.DATABASE_SYNCHRONOUS ?? defaultConfig.databaseSynchronous,
    logLevel: e.LOG_LEVEL ?? defaultConfig.logLevel,
    publicRead: e.PUBLIC_READ === undefined ? true : e.PUBLIC_READ === 'true',
    scanCron: e.SCAN_CRON ?? defaultConfig.scanCron,
    scanOnStart: e.SCAN_ON_START === undefined ? true : e.SCAN_ON_START === 'true',
    notifyCron: e.NOTIFY_CRON ?? defaultConfig.notifyCron,
    corsOrigins: e.CORS_ORIGINS ? e.CORS_ORIGINS.split(',').map((s) => s.trim()) : [],
    rateLimitPerMinute: Number(e.RATE_LIMIT_PER_MINUTE ?? defaultConfig.rateLimitPerMinute),
    bodyLimitBytes: Number(e.BODY_LIMIT_BYTES ?? defaultConfig.bodyLimitBytes),
    importBodyLimitBytes: Number(e.IMPORT_BODY_LIMIT_BYTES ?? defaultConfig.importBodyLimitBytes),
    actionReadCacheEntries: Number(e.ACTION_CACHE_ENTRIES ?? defaultConfig.actionReadCacheEntries),
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    linkSecret: e.LINK_SECRET,
    responseLinkDays: Number(e.RESPONSE_LINK_DAYS ?? defaultConfig.responseLinkDays),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? defaultConfig.mailFrom,
    moderngovUrl: e.MODERNGOV_URL,
    moderngovSyncCron: e.MODERNGOV_SYNC_CRON ?? defaultConfig.moderngovSyncCron,
    moderngovTimeoutMs: Number(e.MODERNGOV_TIMEOUT_MS ?? defaultConfig.moderngovTimeoutMs),
    webhookRetentionDays: Number(e.WEBHOOK_RETENTION_DAYS ?? defaultConfig.webhookRetentionDays),
  };
}
