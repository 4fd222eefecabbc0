import { scriptActor } from '../src/domain/actor.js';
import type { CouncilLimit } from '../src/domain/council-limit.js';
import { scopes, type Scope } from '../src/modules/api-keys/repository.js';
import { args, execute, isEntryPoint, openAnyServices, processIo, UsageError, type CommandIo } from './cli.js';

const usage = 'npm run api-key -- create --name NAME --scopes read,write [--authority NAME | --committees 1,2] | list | revoke ID';

/** The command, given its arguments (after the script's name): returns its exit code. */
export function main(argv: string[], io: CommandIo): Promise<number> {
  return execute('api-key', usage, io, () => manageKeys(argv, io));
}

async function manageKeys(argv: string[], io: CommandIo) {
  const { values, positionals } = args({ name: { type: 'string' }, scopes: { type: 'string' }, authority: { type: 'string' }, committees: { type: 'string' } }, true, argv);
  const [command, id] = positionals;
  const actor = scriptActor('api-key');
  // On either engine: the first admin key of a PostgreSQL deployment is made here too.
  const { engine, services, writing } = await openAnyServices(io.env);
  try {
    if (command === 'create') {
      const name = values.name?.trim();
      if (!name) throw new UsageError('--name is required');
      const wanted = (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = wanted.filter((s) => !(scopes as readonly string[]).includes(s));
      if (wanted.length === 0 || unknown.length > 0) {
        throw new UsageError(`--scopes must be a comma list of ${scopes.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
      }
      const created = await writing(() => services.apiKeys.create(actor, name, wanted as Scope[], limitOf(values.authority, values.committees)));
      // The key alone on stdout, so `KEY=$(npm run -s api-key -- create …)` works; it is never shown again.
      io.stdout.write(`${created.key}\n`);
      io.stderr.write(`Created API key ${created.id} "${created.name}" with scopes ${created.scopes.join(',')}. Store it now: it cannot be shown again.\n`);
    } else if (command === 'list') {
      io.stdout.write(`${JSON.stringify(await services.apiKeys.list(), null, 2)}\n`);
    } else if (command === 'revoke') {
      if (!id || !/^[1-9][0-9]*$/.test(id)) throw new UsageError('revoke needs the key id');
      const revoked = await writing(() => services.apiKeys.revoke(actor, Number(id)));
      io.stdout.write(`${JSON.stringify(revoked, null, 2)}\n`);
    } else {
      throw new UsageError(`unknown command ${command ?? '(none)'}`);
    }
  } finally {
    await engine.close();
  }
}

/** The council a new key is limited to: `--authority NAME` or `--committees 1,2`; neither: unlimited. */
function limitOf(authority: string | undefined, committees: string | undefined): CouncilLimit | undefined {
  if (authority !== undefined && committees !== undefined) throw new UsageError('give --authority or --committees, not both');
  if (authority !== undefined) {
    if (!authority.trim()) throw new UsageError('--authority needs the authority\'s name');
    return { authority: authority.trim() };
  }
  if (committees === undefined) return undefined;
  const ids = committees.split(',').map((s) => s.trim());
  if (ids.some((id) => !/^[1-9][0-9]*$/.test(id))) throw new UsageError('--committees must be a comma list of committee ids');
  return { committeeIds: ids.map(Number) };
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2), processIo());
