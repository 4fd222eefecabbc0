import { scriptActor } from '../src/domain/actor.js';
import { scopes, type Scope } from '../src/modules/api-keys/repository.js';
import { args, execute, isEntryPoint, openServices, processIo, UsageError, writing, type CommandIo } from './cli.js';

const usage = 'npm run api-key -- create --name NAME --scopes read,write | list | revoke ID';

/** The command, given its arguments (after the script's name): returns its exit code. */
export function main(argv: string[], io: CommandIo): Promise<number> {
  return execute('api-key', usage, io, () => manageKeys(argv, io));
}

function manageKeys(argv: string[], io: CommandIo) {
  const { values, positionals } = args({ name: { type: 'string' }, scopes: { type: 'string' } }, true, argv);
  const [command, id] = positionals;
  const actor = scriptActor('api-key');
  const { db, services } = openServices(io.env);
  try {
    if (command === 'create') {
      const name = values.name?.trim();
      if (!name) throw new UsageError('--name is required');
      const wanted = (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = wanted.filter((s) => !(scopes as readonly string[]).includes(s));
      if (wanted.length === 0 || unknown.length > 0) {
        throw new UsageError(`--scopes must be a comma list of ${scopes.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
      }
      const created = writing(db, () => services.apiKeys.create(actor, name, wanted as Scope[]));
      // The key alone on stdout, so `KEY=$(npm run -s api-key -- create …)` works; it is never shown again.
      io.stdout.write(`${created.key}\n`);
      io.stderr.write(`Created API key ${created.id} "${created.name}" with scopes ${created.scopes.join(',')}. Store it now: it cannot be shown again.\n`);
    } else if (command === 'list') {
      io.stdout.write(`${JSON.stringify(services.apiKeys.list(), null, 2)}\n`);
    } else if (command === 'revoke') {
      if (!id || !/^[1-9][0-9]*$/.test(id)) throw new UsageError('revoke needs the key id');
      const revoked = writing(db, () => services.apiKeys.revoke(actor, Number(id)));
      io.stdout.write(`${JSON.stringify(revoked, null, 2)}\n`);
    } else {
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    }
  } finally {
    db.$client.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2), processIo());
