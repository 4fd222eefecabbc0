import t from 'tap';
import { main } from '../../scripts/api-key.js';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { skipWithoutPostgres, testDatabase } from '../pg.js';
import { callMain, spawnScript } from './command.js';

// The first admin key of a PostgreSQL deployment comes from the command line, as on SQLite:
// `DATABASE_URL=… npm run api-key -- create …` writes it to PostgreSQL, and the server on the same
// database accepts it.

const skip = await skipWithoutPostgres();

t.test('npm run api-key with DATABASE_URL makes, lists and revokes keys in PostgreSQL', { skip }, async (t) => {
  const { url } = await testDatabase(t);
  const env = { DATABASE_URL: url };
  const created = await spawnScript('scripts/api-key.ts', ['create', '--name', 'First admin', '--scopes', 'admin'], env);
  t.equal(created.code, 0, created.stderr);
  t.match(created.stdout, /^st_[A-Za-z0-9_-]+\n$/, 'only the key on stdout');
  const key = created.stdout.trim();

  const app = await buildApp({ ...defaultConfig, scheduler: false, scanOnStart: false, databaseUrl: url }, { logger: false });
  t.teardown(() => app.close());
  const asKey = () => app.inject({ url: '/v1/api-keys', headers: { authorization: `Bearer ${key}` } });
  const listedByApi = await asKey();
  t.equal(listedByApi.statusCode, 200, 'the server on the same database accepts the key');
  t.same(listedByApi.json().data.map((k: { name: string }) => k.name), ['First admin']);

  const listed = await callMain(main, ['list'], env);
  t.equal(listed.code, 0, listed.stderr);
  const [only] = JSON.parse(listed.stdout);
  t.equal(only.name, 'First admin');
  const revoked = await callMain(main, ['revoke', String(only.id)], env);
  t.equal(revoked.code, 0, revoked.stderr);
  t.ok(JSON.parse(revoked.stdout).revokedAt);
  t.equal((await asKey()).statusCode, 401, 'revoked through the command line: refused by the server');
});
