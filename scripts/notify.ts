import { loadConfig } from '../src/config.js';
import { openEngine } from '../src/db/engine.js';
import { isLocalDate } from '../src/domain/local-date.js';
import { createServices } from '../src/services.js';
import { args, execute, isEntryPoint, processIo, UsageError, type CommandIo } from './cli.js';

// The notification pass from cron: the same code as POST /v1/notifications/run, printing what
// it sent (or, --dry-run, would send) as JSON. Safe beside a running server: what was notified is
// recorded under a unique index, so the same day twice sends nothing new.

const usage = 'npm run notify -- [--as-of YYYY-MM-DD] [--dry-run]';

/** The command, given its arguments (after the script's name): returns its exit code. */
export function main(argv: string[], io: CommandIo): Promise<number> {
  return execute('notify', usage, io, () => notify(argv, io));
}

async function notify(argv: string[], io: CommandIo) {
  const { values } = args({ 'as-of': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } }, false, argv);
  const asOf = values['as-of'];
  if (asOf !== undefined && !isLocalDate(asOf)) throw new UsageError(`--as-of must be a date, YYYY-MM-DD: ${asOf}`);
  // The mail and link settings come from the environment, as the server's do.
  const config = loadConfig(io.env);
  const engine = await openEngine(config);
  const services = createServices(engine, {
    responseLinks: { publicBaseUrl: config.publicBaseUrl, days: config.responseLinkDays, secret: config.linkSecret },
    mail: { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom },
  });
  try {
    const result = await services.notificationPass.run({ asOf, dryRun: values['dry-run'] });
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    services.mailer.close();
    await engine.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2), processIo());
