import t, { type Test } from 'tap';
import { onPostgres, skipWithoutPostgres } from '../pg.js';
import {
  getJson,
  PATIENT_MS,
  processDatabase,
  sleep,
  startServer,
  startWriteStream,
  within,
  type Acknowledged,
  type ProcessDatabase,
  type ServerProcess,
  until,
} from './helper.js';

// Issue 18, "Several API processes on one PostgreSQL": two real server processes on ONE
// PostgreSQL database. (a) overdue scans sent to both at the same moment record one flag per
// overdue action; (b) every write acknowledged through one process is read through the other on
// the next read, though the reading process had cached the record before (the caches are stamped
// with the database's snapshot on PostgreSQL, src/db/pg/run.ts);
// (c) kill -9 of one process while writes are in flight loses nothing it acknowledged, and leaves
// nothing half-written. "Today" is injected (the scan's asOf), not waited for. Only in the suite's
// PostgreSQL run: on SQLite a database file has one API process.

const skip = onPostgres()
  ? await skipWithoutPostgres()
  : 'PostgreSQL only: two API processes share a database only on PostgreSQL (run with SCRUTINY_TEST_ENGINE=postgres)';

/** The day the scans run as of, and the meetings around it. */
const AS_OF = '2024-03-01';
const HELD = '2024-01-15T18:30:00Z';
const NEXT = '2024-03-11T18:30:00Z';
const OVERDUE = '2024-02-01';
const NOT_YET_DUE = '2024-04-30';

async function send(url: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // an empty 204
  }
  return { status: res.status, body: parsed };
}

async function created(url: string, key: string, path: string, body: unknown): Promise<number> {
  const res = await send(url, key, 'POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: number }).id;
}

/** Runs `work(i)` for i in 0..count-1, `concurrency` at a time. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function twoServers(t: Test): Promise<{ database: ProcessDatabase; key: string; servers: [ServerProcess, ServerProcess] }> {
  const database = await processDatabase(t, { postgres: true });
  const key = await database.adminKey('two-servers');
  // Started together: both migrate (under the migration lock) and listen on ports of their own.
  const env = database.env();
  const servers = await Promise.all([startServer(t, env), startServer(t, env)]);
  t.not(servers[0].url, servers[1].url, `two processes: ${servers[0].url} and ${servers[1].url}`);
  return { database, key, servers: servers as [ServerProcess, ServerProcess] };
}

t.test('two server processes on one PostgreSQL database', { skip }, async (t) => {
  await t.test('overdue scans sent to both at the same moment record one flag per overdue action', async (t) => {
    const { database, key, servers } = await twoServers(t);
    const [a, b] = servers;
    const overdue = new Set<number>();
    const notDue = new Set<number>();

    // Two committees, each with a held meeting that raised the actions and a next meeting after AS_OF.
    const committees: Array<{ id: number; held: number; next: number }> = [];
    for (const [i, server] of servers.entries()) {
      const id = await created(server.url, key, '/v1/committees', { name: `Scan Committee ${i + 1}`, kind: 'scrutiny' });
      const held = await created(server.url, key, `/v1/committees/${id}/meetings`, { startsAt: HELD, status: 'held' });
      const next = await created(server.url, key, `/v1/committees/${id}/meetings`, { startsAt: NEXT, status: 'scheduled' });
      committees.push({ id, held, next });
    }
    /** `count` new actions, written through both processes in turn, due on `dueDate`. */
    const addActions = (round: number, count: number, dueDate: string, into: Set<number>) =>
      pool(count, 4, async (i) => {
        const server = servers[i % 2]!;
        const committee = committees[Math.floor(i / 2) % 2]!;
        into.add(await created(server.url, key, '/v1/actions', { meetingId: committee.held, kind: 'information', title: `Round ${round} figures ${i}`, dueDate }));
      });

    const ROUNDS = 4;
    for (let round = 1; round <= ROUNDS; round++) {
      await addActions(round, round === 1 ? 30 : 10, OVERDUE, overdue);
      await addActions(round, 4, NOT_YET_DUE, notDue);
      // Both processes, twice each, at the same moment.
      const scans = await Promise.all([a, b, a, b].map((server) => send(server.url, key, 'POST', '/v1/scans/overdue', { asOf: AS_OF })));
      t.same(scans.map((s) => s.status), [200, 200, 200, 200], `round ${round}: every scan answered 200`);
      t.ok(scans.every((s) => (s.body as { asOf?: string }).asOf === AS_OF), `round ${round}: every scan ran as of ${AS_OF}`);

      // Through the API of each process: one flag per overdue action, none for the others.
      for (const server of servers) {
        const flags = await getJson(`${server.url}/v1/flags?limit=200`, key);
        t.equal(flags.status, 200);
        const data = (flags.body as { data: Array<{ actionId: number; meetingId: number }> }).data;
        const perAction = new Map<number, number>();
        for (const flag of data) perAction.set(flag.actionId, (perAction.get(flag.actionId) ?? 0) + 1);
        t.same([...perAction.entries()].filter(([, n]) => n !== 1), [], `round ${round}, ${server.url}: no action flagged twice`);
        t.same([...perAction.keys()].sort((x, y) => x - y), [...overdue].sort((x, y) => x - y), `round ${round}, ${server.url}: every overdue action (${overdue.size}) is flagged, and nothing else`);
        const nextMeetings = new Set(committees.map((c) => c.next));
        t.ok(data.every((f) => nextMeetings.has(f.meetingId)), `round ${round}, ${server.url}: each flag is against its committee's next meeting`);
      }
    }

    // In the database itself, read from outside both processes.
    const duplicates = await database.rows('SELECT action_id, CAST(count(*) AS integer) AS n FROM overdue_flags GROUP BY action_id HAVING count(*) > 1');
    t.same(duplicates, [], 'the database holds no second flag for any action');
    const [total] = await database.rows<{ n: number }>('SELECT CAST(count(*) AS integer) AS n FROM overdue_flags');
    t.equal(total?.n, overdue.size, `the database holds ${overdue.size} flags: one per overdue action`);
    const stray = await database.rows('SELECT action_id FROM overdue_flags WHERE action_id = ANY(?::int[])', [...notDue]);
    t.same(stray, [], 'no flag for an action not yet due');
    // Each flag was recorded by exactly one scan: the two processes' counts add up to the flags.
    const scanLines = () => servers.flatMap((s) => s.logs).filter((l) => l.msg === 'overdue scan run');
    // Each process logs its scans before answering; the lines reach this process through a pipe.
    await until(() => scanLines().length === ROUNDS * 4, `the log lines of ${ROUNDS * 4} scans`, PATIENT_MS);
    const recorded = scanLines().reduce((sum, l) => sum + Number(l.flagsRecorded), 0);
    t.equal(recorded, overdue.size, 'the scans of both processes together recorded each flag once');
  });

  await t.test('every write acknowledged through one process is read through the other on the next read', async (t) => {
    const { key, servers } = await twoServers(t);
    const mismatches: string[] = [];
    const check = (what: string, ok: boolean) => {
      if (!ok) mismatches.push(what);
    };
    const held = await created(servers[0].url, key, `/v1/committees/${await created(servers[0].url, key, '/v1/committees', { name: 'Cross-read Committee', kind: 'scrutiny' })}/meetings`, { startsAt: HELD, status: 'held' });
    let writes = 0;

    // Both directions at once, four requests in flight each way.
    await Promise.all(
      [0, 1].map((from) =>
        pool(40, 4, async (i) => {
          const writer = servers[from]!;
          const reader = servers[1 - from]!;
          const label = `${from === 0 ? 'A' : 'B'} ${i}`;

          // A new record: by id and in the list, through the other process.
          const name = `Committee written through ${label}`;
          const id = await created(writer.url, key, '/v1/committees', { name, kind: 'scrutiny' });
          const byId = await getJson(`${reader.url}/v1/committees/${id}`, key);
          check(`committee ${id} (${label}) by id: ${byId.status}`, byId.status === 200 && (byId.body as { name: string }).name === name);
          const list = await getJson(`${reader.url}/v1/committees?sort=-id&limit=200`, key);
          check(`committee ${id} (${label}) in the list`, (list.body as { data: Array<{ id: number }> }).data.some((c) => c.id === id));

          // A change: made through the other process, seen back through the first.
          const renamed = `${name}, renamed`;
          const patched = await send(reader.url, key, 'PATCH', `/v1/committees/${id}`, { name: renamed });
          check(`committee ${id} (${label}) renamed: ${patched.status}`, patched.status === 200);
          const reread = await getJson(`${writer.url}/v1/committees/${id}`, key);
          check(`committee ${id} (${label}) rename seen`, (reread.body as { name: string }).name === renamed);

          // An action (the rendered-action cache on SQLite): created, then changed, across the two.
          const title = `Action written through ${label}`;
          const actionId = await created(writer.url, key, '/v1/actions', { meetingId: held, kind: 'information', title, dueDate: NOT_YET_DUE });
          const action = await getJson(`${reader.url}/v1/actions/${actionId}`, key);
          check(`action ${actionId} (${label}) by id: ${action.status}`, action.status === 200 && (action.body as { title: string }).title === title);
          // Read through the first first, so that its caches hold the action and a list page.
          const listed = `/v1/actions?meetingId=${held}&limit=100`;
          check(`action ${actionId} (${label}) read back`, (await getJson(`${writer.url}/v1/actions/${actionId}`, key)).status === 200);
          await getJson(`${writer.url}${listed}`, key);
          const changed = await send(reader.url, key, 'PATCH', `/v1/actions/${actionId}`, { rag: 'amber' });
          check(`action ${actionId} (${label}) changed: ${changed.status}`, changed.status === 200);
          const after = await getJson(`${writer.url}/v1/actions/${actionId}`, key);
          check(`action ${actionId} (${label}) change seen`, (after.body as { rag: string }).rag === 'amber');
          const page = (await getJson(`${writer.url}${listed}`, key)).body as { data: Array<{ id: number; rag: string | null }> };
          check(`action ${actionId} (${label}) change seen in the list`, page.data.find((a) => a.id === actionId)?.rag === 'amber');
          writes += 4;
        }),
      ),
    );
    t.same(mismatches, [], `all ${writes} acknowledged writes were read through the other process on the next read`);

    // API keys (cached per process on SQLite): made through one, used through the other; revoked
    // through the other, refused by the first at once.
    const made = await send(servers[0].url, key, 'POST', '/v1/api-keys', { name: 'cross-process reader', scopes: ['read'] });
    t.equal(made.status, 201);
    const { id: keyId, key: secret } = made.body as { id: number; key: string };
    t.equal((await getJson(`${servers[1].url}/v1/committees`, secret)).status, 200, 'a key made through A works through B');
    t.equal((await getJson(`${servers[0].url}/v1/committees`, secret)).status, 200, 'and through A');
    t.equal((await send(servers[1].url, key, 'DELETE', `/v1/api-keys/${keyId}`)).status, 204, 'revoked through B');
    t.equal((await getJson(`${servers[0].url}/v1/committees`, secret)).status, 401, 'refused through A on its next use');
    t.equal((await getJson(`${servers[1].url}/v1/committees`, secret)).status, 401, 'and through B');
  });

  await t.test('kill -9 of one process while writes are in flight loses no acknowledged write', async (t) => {
    const { database, key, servers } = await twoServers(t);
    const [victim, survivor] = servers;

    const toVictim = startWriteStream(victim.url, key, { label: 'Victim', concurrency: 8, max: 5000 });
    const toSurvivor = startWriteStream(survivor.url, key, { label: 'Survivor', concurrency: 4, max: 5000 });
    await within(Promise.all([toVictim.firstAck, toSurvivor.firstAck]), PATIENT_MS, 'the first acknowledged write through each process');
    await within(
      (async () => {
        while (toVictim.acked.size < 50) await sleep(5);
      })(),
      PATIENT_MS,
      'fifty acknowledged writes through the process to be killed',
    );
    const delay = Math.floor(Math.random() * 300);
    await sleep(delay);
    victim.child.kill('SIGKILL');
    const exit = await victim.exited;
    t.equal(exit.signal, 'SIGKILL', `the process died by SIGKILL, ${delay} ms after its fiftieth acknowledged write`);
    await toVictim.done;
    t.ok(toVictim.failed > 0, `${toVictim.failed} writes were in flight when it died (unanswered)`);
    // The other process goes on acknowledging writes after its neighbour's death.
    const ackedAtKill = toSurvivor.acked.size;
    await within(
      (async () => {
        while (toSurvivor.acked.size < ackedAtKill + 20) await sleep(10);
      })(),
      PATIENT_MS,
      'twenty more writes through the surviving process',
    );
    await toSurvivor.stop();

    t.same(toVictim.unexpected, [], 'the killed process answered nothing but 201 before it died');
    t.same(toSurvivor.unexpected, [], 'the surviving process answered nothing but 201');
    t.equal(toSurvivor.failed, 0, 'no request to the surviving process failed');
    t.ok(toVictim.acked.size > 0, `${toVictim.acked.size} writes acknowledged by the killed process`);
    t.ok(toSurvivor.acked.size > ackedAtKill, `${toSurvivor.acked.size} writes acknowledged by the surviving one (${toSurvivor.acked.size - ackedAtKill} after the kill)`);

    // Every acknowledged write, read through the surviving process.
    const acked: Acknowledged[] = [...toVictim.acked.values(), ...toSurvivor.acked.values()];
    const missing: number[] = [];
    await pool(acked.length, 8, async (i) => {
      const { id, body } = acked[i]!;
      const read = await getJson(`${survivor.url}/v1/committees/${id}`, key);
      const row = read.body as { name?: string; kind?: string; authority?: string };
      if (read.status !== 200 || row.name !== body.name || row.kind !== body.kind || row.authority !== body.authority) missing.push(id);
    });
    t.same(missing, [], `all ${acked.length} acknowledged writes are read through the surviving process, as sent`);

    // Nothing half-written: each stored committee has the audit event of its own transaction, and
    // nothing is stored that was not sent.
    const [orphans] = await database.rows<{ n: number }>(
      `SELECT CAST(count(*) AS integer) AS n FROM committees c WHERE NOT EXISTS (
         SELECT 1 FROM audit_events a WHERE a.entity_type = 'committee' AND a.entity_id = CAST(c.id AS TEXT) AND a.operation = 'create')`,
    );
    t.equal(orphans?.n, 0, 'every stored committee has its create audit event');
    const [events] = await database.rows<{ n: number }>(
      `SELECT CAST(count(*) AS integer) AS n FROM audit_events a WHERE a.entity_type = 'committee' AND a.operation = 'create'
         AND NOT EXISTS (SELECT 1 FROM committees c WHERE CAST(c.id AS TEXT) = a.entity_id)`,
    );
    t.equal(events?.n, 0, 'every create audit event has its committee');
    const stored = await database.rows<{ id: number; name: string }>('SELECT id, name FROM committees');
    t.ok(stored.every((row) => /^(Victim|Survivor) committee \d+$/.test(row.name)), 'every stored committee is one of the writes sent');
    t.ok(stored.length >= acked.length, `${stored.length} stored, ${acked.length} acknowledged (some unanswered writes may have committed before the kill)`);

    // The survivor is still sound: it shuts down cleanly.
    survivor.child.kill('SIGTERM');
    t.same(await survivor.exited, { code: 0, signal: null }, 'the surviving process shuts down cleanly');
  });
});
