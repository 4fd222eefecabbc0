import { loadConfig } from '../src/config.js';
import { openEngine } from '../src/db/engine.js';
import { isLocalDate } from '../src/domain/local-date.js';
import { createServices } from '../src/services.js';
import { args, execute, isEntryPoint, processIo, UsageError, type CommandIo } from './cli.js';

// The Modern.gov sync from the command line: the same code as the server's schedule and
// POST /v1/syncs/moderngov, printing the summary as JSON. Exit 0 when every request worked,
// 1 when any error is in the summary (each also a line on stderr), 2 for bad usage.

const usage = 'npm run sync:moderngov -- [--url URL] [--committee EXTERNAL_ID]... [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--dry-run]';

export function main(argv: string[], io: CommandIo, options: { timeoutMs?: number } = {}): Promise<number> {
  let failed = false;
  return execute('sync:moderngov', usage, io, async () => {
    failed = await sync(argv, io, options);
  }).then((code) => (code === 0 && failed ? 1 : code));
}

async function sync(argv: string[], io: CommandIo, options: { timeoutMs?: number }): Promise<boolean> {
  const { values } = args({
    url: { type: 'string' },
    committee: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  }, false, argv);
  for (const flag of ['from', 'to'] as const) {
    const value = values[flag];
    if (value !== undefined && !isLocalDate(value)) throw new UsageError(`--${flag} must be a date, YYYY-MM-DD: ${value}`);
  }
  if (values.from && values.to && values.from > values.to) throw new UsageError('--to must not be before --from');
  if (values.url !== undefined && !/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(values.url)) throw new UsageError(`--url must be an http(s) URL: ${values.url}`);
  const config = loadConfig(io.env);
  const url = values.url ?? config.moderngovUrl;
  if (!url) throw new UsageError('no Modern.gov site: set MODERNGOV_URL or give --url');
  const engine = await openEngine(config);
  const services = createServices(engine, { moderngov: { url, timeoutMs: options.timeoutMs ?? config.moderngovTimeoutMs, immediate: engine.kind === 'sqlite' } });
  try {
    const summary = await services.moderngovSync.run({
      url, committees: values.committee, from: values.from, to: values.to, dryRun: values['dry-run'],
    });
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    for (const e of summary.errors) {
      io.stderr.write(`sync:moderngov: ${e.url ?? ''}${e.status ? ` HTTP ${e.status}` : ''}: ${e.error}${e.body ? ` ${JSON.stringify(e.body.slice(0, 80))}` : ''}\n`);
    }
    return summary.errors.length > 0;
  } finally {
    services.mailer.close();
    await engine.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2), processIo());
