import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { main } from '../../scripts/api-key.js';
import { build, scriptArgs, sqliteOnly, sqlRows } from '../helper.js';
import { callMain } from '../scripts/command.js';

t.test('admins create, list and revoke keys; a revoked key stops working at once', async (t) => {
  const api = await build(t);
  const created = await api.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'Clerk', scopes: ['write'] } });
  t.equal(created.statusCode, 201);
  const { key, id, prefix } = created.json();
  t.match(key, /^st_[A-Za-z0-9_-]{40,}$/);
  t.ok(key.startsWith(prefix));
  t.equal(created.headers['cache-control'], 'no-store');

  const listed = await api.request({ method: 'GET', url: '/v1/api-keys' });
  t.notOk(listed.body.includes(key), 'the secret is never listed');
  t.ok(listed.json().data.some((k: { id: number }) => k.id === id));

  const [stored] = await sqlRows<{ hash: string }>(api.app, 'SELECT hash FROM api_keys WHERE id = ?', id);
  t.ok(stored, 'stored');
  t.not(stored!.hash, key, 'stored hashed');

  const use = () => api.request({ method: 'POST', url: '/v1/committees', payload: { name: 'Audit', kind: 'other' }, as: key });
  t.equal((await use()).statusCode, 201);
  t.equal((await api.request({ method: 'DELETE', url: `/v1/api-keys/${id}` })).statusCode, 204);
  t.equal((await use()).statusCode, 401, 'revoked');
});

t.test('key management needs admin; scopes are checked', async (t) => {
  const api = await build(t);
  t.equal((await api.request({ method: 'GET', url: '/v1/api-keys', as: api.keys.writer })).statusCode, 403);
  t.equal((await api.request({ method: 'GET', url: '/v1/api-keys', as: null })).statusCode, 401);
  const bad = await api.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x', scopes: ['superuser'] } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().errors[0].pointer, /^\/body\/scopes/);
});

t.test('anonymous reads follow PUBLIC_READ', async (t) => {
  const open = await build(t);
  t.equal((await open.request({ method: 'GET', url: '/v1/committees', as: null })).statusCode, 200);
  const closed = await build(t, { publicRead: false });
  const res = await closed.request({ method: 'GET', url: '/v1/committees', as: null });
  t.equal(res.statusCode, 401);
  t.match(res.headers['www-authenticate'], /^Bearer/);
  t.equal((await closed.request({ method: 'GET', url: '/v1/committees', as: closed.keys.reader })).statusCode, 200);
});

t.test('npm run api-key prints the new key alone on stdout', {
  skip: sqliteOnly('the command on a SQLite file (with DATABASE_URL: test/scripts/api-key-postgres.test.ts)'),
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, DATABASE_PATH: join(dir, 'db.sqlite') };
  // Creating runs the real command, for what a shell sees; the rest call its main() in-process.
  const created = spawnSync(process.execPath, [...scriptArgs('scripts/api-key.ts'), 'create', '--name', 'Nightly cron', '--scopes', 'admin'], { env, encoding: 'utf8' });
  t.equal(created.status, 0, created.stderr);
  t.match(created.stdout, /^st_[A-Za-z0-9_-]+\n$/, 'only the key');
  const cli = (...args: string[]) => callMain(main, args, env);
  const list = await cli('list');
  t.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout);
  t.equal(listed[0].name, 'Nightly cron');
  t.notOk(JSON.stringify(listed).includes(created.stdout.trim()));
  const bad = await cli('create', '--name', 'x', '--scopes', 'root');
  t.not(bad.code, 0);
  t.equal(bad.stdout, '');
  t.match(bad.stderr, /scopes/);
  const revoked = await cli('revoke', String(listed[0].id));
  t.equal(revoked.code, 0);
  t.ok(JSON.parse(revoked.stdout).revokedAt);
});

t.test('a key read inside a transaction that rolls back is not remembered as it was there', {
  skip: sqliteOnly('a raw SQLite transaction around the key cache (group commit); PostgreSQL runs without caches'),
}, async (t) => {
  // Inside a group commit a revocation (or a new key) is uncommitted until the group commits; if
  // the group fails, neither may outlive it in the authentication cache.
  const api = await build(t);
  const keys = api.app.services.apiKeys;
  const { key, id } = await keys.create(scriptActor('test'), 'Clerk', ['write']);
  t.ok(await keys.authenticate(key), 'works, and is remembered');
  const sqlite = api.app.db.$client;
  sqlite.exec('BEGIN IMMEDIATE');
  await keys.revoke(scriptActor('test'), id);
  t.equal(await keys.authenticate(key), undefined, 'revoked as the transaction sees it');
  const phantom = await keys.create(scriptActor('test'), 'Never committed', ['read']);
  // Twice: the first use also records the key's use (a write); the second changes nothing, so a
  // cache that kept it would still match after the rollback.
  t.ok(await keys.authenticate(phantom.key));
  t.ok(await keys.authenticate(phantom.key));
  sqlite.exec('ROLLBACK');
  t.ok(await keys.authenticate(key), 'the revocation was rolled back: the key works again');
  t.equal(await keys.authenticate(phantom.key), undefined, 'the key created in it never existed');
});
