import { readFileSync } from 'node:fs';
import { scriptActor } from '../src/domain/actor.js';
import { MINUTES_TEXT_MAX_CHARS, parseMinutes } from '../src/import/index.js';
import { args, execute, isEntryPoint, openAnyServices, processIo, UsageError, withFlags, type CommandIo } from './cli.js';

// Prints the draft read from a minutes text file; with --commit, saves it against a committee
// through the same code as POST /v1/imports/minutes.

const usage = 'npm run import-minutes -- FILE [--committee ID] [--commit] [--starts-at ISO]';

/** The file's text; like the API, refuses rather than silently cuts text past the parser's limit. */
function readMinutes(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new Error(`cannot read ${file}: ${reason}`);
  }
  if (text.length > MINUTES_TEXT_MAX_CHARS) {
    throw new Error(`${file} is ${text.length} characters long; at most ${MINUTES_TEXT_MAX_CHARS} can be imported at once: split it`);
  }
  return text;
}

/** The command, given its arguments (after the script's name): returns its exit code. */
export function main(argv: string[], io: CommandIo): Promise<number> {
  return execute('import-minutes', usage, io, () => importMinutes(argv, io));
}

async function importMinutes(argv: string[], io: CommandIo) {
  const { values, positionals } = args(
    { committee: { type: 'string' }, commit: { type: 'boolean', default: false }, 'starts-at': { type: 'string' } },
    true,
    argv,
  );
  const [file] = positionals;
  if (!file) throw new UsageError('give the minutes file');
  if (values.committee !== undefined && !/^[1-9][0-9]{0,14}$/.test(values.committee)) {
    throw new UsageError(`--committee must be a committee id: ${values.committee}`);
  }
  if (values.commit && values.committee === undefined) throw new UsageError('--commit needs --committee ID');
  const draft = parseMinutes(readMinutes(file));
  if (!values.commit) {
    io.stdout.write(`${JSON.stringify({ draft, committed: null }, null, 2)}\n`);
    return;
  }
  const { engine, services, writing } = await openAnyServices(io.env);
  try {
    // Parsed above, before the database was opened: the write lock is held only to save.
    const flags = { committeeId: '--committee', startsAt: '--starts-at', text: file };
    const committed = await writing(() =>
      withFlags(flags, () =>
        engine.run(services.programs.imports.commit(scriptActor('import-minutes'), draft, {
          committeeId: Number(values.committee),
          startsAt: values['starts-at'],
        })),
      ),
    );
    io.stdout.write(`${JSON.stringify({ draft, committed }, null, 2)}\n`);
  } finally {
    await engine.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2), processIo());
