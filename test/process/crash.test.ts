import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import { getJson, PATIENT_MS, processDatabase, sleep, startServer, startWriteStream, within, type Acknowledged, type ProcessDatabase } from './helper.js';

// DESIGN/issue 4: an abrupt kill of the server during a stream of writes loses no write that had
// been acknowledged, and leaves a database that passes integrity_check. Run against the real
// process, killed with SIGKILL at a random moment, five times over the same database. In the
// suite's PostgreSQL run the server runs on a PostgreSQL database (DATABASE_URL) instead.

const ROUNDS = 5;

async function checkDatabase(t: Test, database: ProcessDatabase, acked: Map<number, Acknowledged>) {
  if (database.kind === 'sqlite') {
    const db = new Database(database.path);
    try {
      t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'integrity_check is ok');
    } finally {
      db.close();
    }
  }
  const rows = await database.rows<{ id: number; name: string; kind: string; authority: string }>('SELECT id, name, kind, authority FROM committees');
  const stored = new Map(rows.map((row) => [Number(row.id), row]));
  const lost: number[] = [];
  const wrong: number[] = [];
  for (const { id, body } of acked.values()) {
    const row = stored.get(id);
    if (!row) lost.push(id);
    else if (row.name !== body.name || row.kind !== body.kind || row.authority !== body.authority) wrong.push(id);
  }
  t.same(lost, [], `none of ${acked.size} acknowledged writes is lost`);
  t.same(wrong, [], 'every acknowledged write has the data that was sent');
  // The audit event is written in the same transaction as the record: both or neither.
  const [orphans] = await database.rows<{ n: number }>(
    `SELECT CAST(count(*) AS integer) AS n FROM committees c WHERE NOT EXISTS (
       SELECT 1 FROM audit_events a WHERE a.entity_type = 'committee' AND a.entity_id = CAST(c.id AS TEXT) AND a.operation = 'create')`,
  );
  t.equal(orphans?.n, 0, 'every stored committee has its create audit event');
}

t.test('SIGKILL during a stream of writes loses no acknowledged write', async (t) => {
  const database = await processDatabase(t);
  const env = database.env();
  const key = await database.adminKey('crash-test');
  const everAcked = new Map<number, Acknowledged>();

  for (let round = 1; round <= ROUNDS; round++) {
    await t.test(`round ${round}`, async (t) => {
      // Every start after the first is a start on a database whose writer was SIGKILLed.
      const server = await startServer(t, env);
      const ready = await getJson(`${server.url}/readyz`);
      t.equal(ready.status, 200, 'the server is ready on the database it was killed over');

      const stream = startWriteStream(server.url, key, { label: `Round ${round}`, concurrency: 8, max: 3000 });
      await within(stream.firstAck, PATIENT_MS, 'the first acknowledged write');
      const delay = 50 + Math.floor(Math.random() * 350);
      await sleep(delay);
      server.child.kill('SIGKILL');
      const exit = await server.exited;
      t.equal(exit.signal, 'SIGKILL', `the server died by SIGKILL ${delay} ms into the stream`);
      await stream.done;

      t.same(stream.unexpected, [], 'no write was answered with anything but 201 before the kill');
      t.ok(stream.acked.size > 0, `${stream.acked.size} writes acknowledged in this round`);
      for (const [id, ack] of stream.acked) everAcked.set(id, ack);
      // Every acknowledgement from every round so far: a later crash must not lose earlier writes.
      await checkDatabase(t, database, everAcked);
    });
  }

  await t.test('after the last kill the server starts and serves what was acknowledged', async (t) => {
    const server = await startServer(t, env);
    const last = [...everAcked.values()].at(-1)!;
    const read = await getJson(`${server.url}/v1/committees/${last.id}`, key);
    t.equal(read.status, 200);
    t.match(read.body, { id: last.id, name: last.body.name, authority: last.body.authority });
    server.child.kill('SIGTERM');
    t.same(await server.exited, { code: 0, signal: null }, 'and shuts down cleanly');
  });
});
