import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, sqliteOnly } from '../helper.js';

// A write handler must not await before it writes (db/sqlite/group-commit.ts): the group it joined
// commits once the turn of the event loop is over, and a write after that runs outside any group.
// The test app (test/helper.ts) turns on the edge's check (http/database.ts), so every write route
// the suite calls is held to the rule; here, routes that break it are caught.

const actor = scriptActor('write-handler-test');
/** Routes here must name an operation, as every route of the app does (http/openapi.ts). */
const named = (operationId: string) => ({ schema: { operationId, hide: true } });
const person = (name: string) => ({ name, kind: 'officer' as const });

t.test('a write route that writes at once is answered, its write in the group', async (t) => {
  const api = await build(t);
  api.app.post('/test/writes-at-once', named('testWritesAtOnce'), async () => api.app.services.people.create(actor, person('Jo Bloggs')));
  const res = await api.request({ method: 'POST', url: '/test/writes-at-once' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().name, 'Jo Bloggs');
});

t.test('a write route that awaits before it writes fails loudly', { skip: sqliteOnly('the group commit\'s check (PostgreSQL gives each write request its own transaction, with no group to outlive)') }, async (t) => {
  const api = await build(t);
  api.app.post('/test/awaits-then-writes', named('testAwaitsThenWrites'), async () => {
    await sleep(5);
    return api.app.services.people.create(actor, person('Sam Late'));
  });
  const res = await api.request({ method: 'POST', url: '/test/awaits-then-writes' });
  t.equal(res.statusCode, 500, 'the handler outlived the group it joined');
  t.match(res.headers['content-type'], /problem\+json/);
});

t.test('a route that awaits after its write is caught as well: the group committed under it', { skip: sqliteOnly('the group commit\'s check (PostgreSQL gives each write request its own transaction, with no group to outlive)') }, async (t) => {
  const api = await build(t);
  api.app.delete('/test/writes-then-awaits', named('testWritesThenAwaits'), async () => {
    const row = api.app.services.people.create(actor, person('Alex Early'));
    await sleep(5);
    return row;
  });
  t.equal((await api.request({ method: 'DELETE', url: '/test/writes-then-awaits' })).statusCode, 500);
});

t.test('awaiting what settles at once (no I/O) is no harm, and reads are not checked', async (t) => {
  const api = await build(t);
  api.app.patch('/test/awaits-a-resolved-promise', named('testAwaitsResolved'), async () => {
    await Promise.resolve();
    return api.app.services.people.create(actor, person('Kim Prompt'));
  });
  api.app.get('/test/reads-slowly', named('testReadsSlowly'), async () => {
    await sleep(5);
    return { ok: true };
  });
  t.equal((await api.request({ method: 'PATCH', url: '/test/awaits-a-resolved-promise' })).statusCode, 200);
  t.equal((await api.request({ method: 'GET', url: '/test/reads-slowly' })).statusCode, 200);
});
