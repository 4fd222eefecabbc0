import t, { type Test } from 'tap';
import net from 'node:net';
import { build, committee, meeting, until } from '../helper.js';
import { onPostgres, recordPgStatements, testDatabase, type SentStatement } from '../pg.js';

// What a write request costs PostgreSQL, in statements and in round trips (src/db/pg/
// transaction-client.ts, db/program.ts together()): on this kind of machine each round trip (a
// write to the socket, the backend woken) cost more of the API process's CPU than anything else
// in the request, so a change that adds one shows here. Pinned for the writes the bench measures:
// POST /v1/actions and PATCH /v1/actions/{id}.

const skip = onPostgres() ? false : 'PostgreSQL run only';

/**
 * How many writes are made to the sockets `sent`'s statements went out on from now until the test
 * ends: each a system call. Statements written together (corked, transaction-client.ts) are one
 * write.
 */
function countSocketWrites(t: Test, sent: SentStatement[]): { count: number } {
  const counted = { count: 0 };
  const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  const originals = { _write: proto._write, _writev: proto._writev };
  for (const name of ['_write', '_writev'] as const) {
    proto[name] = function (this: net.Socket, ...args: unknown[]) {
      if (sent.some((s) => s.socket === this)) counted.count++;
      return originals[name].apply(this, args);
    };
  }
  t.teardown(() => Object.assign(proto, originals));
  return counted;
}

/** How a statement is shown: its prepared name, or its text. */
const shown = (s: SentStatement) => s.name ?? s.text;

/** The statements as round trips: each line one, its statements joined by " + ". */
const roundTrips = (sent: SentStatement[]) => sent.reduce<string[]>((trips, s) => (s.pipelined && trips.length > 0 ? [...trips.slice(0, -1), `${trips.at(-1)} + ${shown(s)}`] : [...trips, shown(s)]), []);

t.test('a POST and a PATCH of an action: their statements and round trips', { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const key = (await api.request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'clerk', scopes: ['write'] } })).json().key as string;
  const c = await committee(api);
  const m = await meeting(api, c, { startsAt: '2024-09-02T17:30:00Z' });
  await meeting(api, c, { startsAt: '2024-10-07T17:30:00Z' });
  const post = () => api.request({ method: 'POST', url: '/v1/actions', as: key, payload: { meetingId: m, kind: 'information', title: 'Breakdown by ward', ownerText: 'Head of Housing' } });
  // The first of each prepares its statements; the second is the one every later request is.
  await post();
  // The key's use, written soon after its first request in a transaction of its own (at most once
  // a minute): written before the requests counted, so that none of its statements is among theirs.
  await until(async () => (await db.pool.query("SELECT last_used_at FROM api_keys WHERE name = 'clerk'")).rows[0]?.last_used_at != null, "the key's use recorded");
  const sent = recordPgStatements(t);
  const writes = countSocketWrites(t, sent);
  const created = await post();
  t.equal(created.statusCode, 201);
  const postTrips = roundTrips(sent);
  t.comment(`POST: ${sent.length} statements, ${postTrips.length} round trips\n${postTrips.join('\n')}`);
  t.equal(sent.length, 9, 'POST: key, BEGIN, meeting, schedule, webhooks, counter, insert, audit, COMMIT');
  t.equal(postTrips.length, 4, 'POST: the key; BEGIN with the reads; the counter with the insert; the audit row with COMMIT');
  t.match(postTrips[1], /^BEGIN.* \+ q_\w+ \+ q_\w+ \+ q_\w+$/, "BEGIN goes out with the checks' reads, together");
  t.match(postTrips[2], /^q_\w+ \+ q_\w+$/, "the insert goes out with the counter's move (the counter's row is locked from then to the commit)");
  t.match(postTrips[3], /^q_\w+ \+ COMMIT$/, 'the audit row goes out with COMMIT');
  t.equal(writes.count, postTrips.length, `POST: a write to the socket per round trip (${writes.count}), not one per statement`);

  sent.length = 0;
  writes.count = 0;
  const patched = await api.request({ method: 'PATCH', url: `/v1/actions/${created.json().id}`, as: key, headers: { 'if-match': created.headers.etag as string }, payload: { rag: 'red', detail: 'Progress reviewed' } });
  t.equal(patched.statusCode, 200);
  const patchTrips = roundTrips(sent);
  t.comment(`PATCH: ${sent.length} statements, ${patchTrips.length} round trips\n${patchTrips.join('\n')}`);
  t.equal(sent.length, 7, 'PATCH: key, BEGIN, the action, webhooks, update, audit, COMMIT');
  t.equal(patchTrips.length, 4, 'PATCH: the key; BEGIN with the reads; the update; the audit row with COMMIT');
  t.equal(writes.count, patchTrips.length, `PATCH: a write to the socket per round trip (${writes.count}), not one per statement`);
  t.equal(sent.filter((s) => !/^(BEGIN|COMMIT)/.test(shown(s)) && !/^q_/.test(shown(s))).length, 0, 'every other statement a named, prepared one');
});

t.test('a POST whose audit row fails (sent unanswered, with COMMIT) is refused, and nothing of it is kept', { skip }, async (t) => {
  const db = await testDatabase(t);
  const api = await build(t, { databaseUrl: db.url });
  const c = await committee(api, { name: 'Housing Scrutiny Committee', referencePrefix: 'H' });
  const m = await meeting(api, c, { startsAt: '2024-07-15T18:30:00+01:00' });
  const create = (title: string) => api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: m, kind: 'information', title } });
  t.equal((await create('Breakdown by ward')).json().reference, 'H (24/25) 01');
  // A fault the request cannot foresee, in the one statement nobody waits for.
  await db.pool.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.after::text LIKE '%Refused by the audit%' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`);
  await db.pool.query('CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()');

  const refused = await create('Refused by the audit');
  t.ok(refused.statusCode >= 500, `refused (${refused.statusCode}), not answered as created`);
  const titles = (await api.request({ method: 'GET', url: `/v1/actions?committeeId=${c}` })).json().data.map((a: { title: string }) => a.title);
  t.same(titles, ['Breakdown by ward'], 'no action of it');
  t.equal((await db.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'action'")).rows[0].n, 1, 'no audit event of it');
  t.equal((await create('Figures by month')).json().reference, 'H (24/25) 02', "nor its reference number: the counter's move was undone too");
});
