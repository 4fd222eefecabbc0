import { parseArgs } from 'node:util';

// The command line of `npm run bench`, checked before anything is built or generated: a
// function of argv so tests can check every refusal without starting the command.

export const USAGE = `npm run bench -- [options]
  --actions N     actions in the generated database (default 200000; issue 6's large run: 1000000)
  --duration S    seconds measured per scenario and round (default 5; the rendered tracker at least 15)
  --warmup S      seconds of warm-up before each (default 1)
  --runs N        rounds; the table shows each figure's median (default 3)
  --json FILE     also write the table as JSON
  --only REGEX    only the scenarios whose name matches (the bare route always runs; 'minutes import' for the import's parse times,
                  'spreadsheets' for the CSV export and import, 'webhooks' for POST with three webhooks against none,
                  'notification pass' for the pass with /healthz beside it)
  --engine E      sqlite (default) or postgres: the latter also copies the database into a fresh PostgreSQL
                  database (BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/postgres), starts a
                  second server on it, and measures the HTTP scenarios there too, beside SQLite's in the same table
  --cpu-prof DIR  write the server's CPU profiles (node --cpu-prof) into DIR
  --no-build      measure the existing build instead of building first
  --help          this text`;

const options = {
    actions: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    engine: { type: 'string', default: 'sqlite' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
} as const;

class BenchUsageError extends Error {}

/** The parsed options, or what to print (stdout for --help, stderr otherwise) and the exit code. */
export function benchOptions(argv: string[]) {
  try {
    return parsedOptions(argv);
  } catch (err) {
    if (err instanceof HelpRequested) return { exitCode: 0 as const, message: `${USAGE}\n` };
    if (err instanceof BenchUsageError) return { exitCode: 2 as const, message: `bench: ${err.message}\n${USAGE}\n` };
    throw err;
  }
}

class HelpRequested extends Error {}

function usageError(message: string): never {
  throw new BenchUsageError(message);
}

function parsedOptions(argv: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
  try {
    parsed = parseArgs({ args: argv, options });
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
  const { values } = parsed;
  if (values.help) throw new HelpRequested();
  for (const name of ['actions', 'duration', 'runs'] as const) {
    if (!/^[1-9][0-9]*$/.test(values[name])) usageError(`--${name} must be a whole number above 0, not ${JSON.stringify(values[name])}`);
  }
  if (values.engine !== 'sqlite' && values.engine !== 'postgres') usageError(`--engine must be sqlite or postgres, not ${JSON.stringify(values.engine)}`);
  if (!/^[0-9]+$/.test(values.warmup)) usageError(`--warmup must be a whole number of seconds, not ${JSON.stringify(values.warmup)}`);
  let only: RegExp | undefined;
  try {
    only = values.only ? new RegExp(values.only, 'i') : undefined;
  } catch {
    usageError(`--only is not a regular expression: ${values.only}`);
  }
  return { values, actions: Number(values.actions), duration: Number(values.duration), warmup: Number(values.warmup), runs: Number(values.runs), only };
}
