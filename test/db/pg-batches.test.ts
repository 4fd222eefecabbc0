import { AsyncLocalStorage } from 'node:async_hooks';
import t from 'tap';
import type { Batched, Program } from '../../src/db/program.js';
import { createBatches } from '../../src/db/pg/batches.js';

// db/pg/batches.ts: reads by key asked for together go as one statement (`many`), each caller
// gets its own key's value, and no read is sent before it was asked for. The reads here are
// programs without statements, so what was sent and when is exact.

function fakeReads(values: Record<number, string>, fail?: Error) {
  const sent: (number | number[])[] = [];
  const reads: Batched<number, string> = {
    // eslint-disable-next-line require-yield -- a stand-in for a read: no database work
    *one(key: number): Program<string | undefined> {
      sent.push(key);
      return values[key];
    },
    // eslint-disable-next-line require-yield -- as above
    *many(keys: readonly number[]): Program<ReadonlyMap<number, string>> {
      sent.push([...keys]);
      if (fail) throw fail;
      return new Map(keys.filter((k) => k in values).map((k) => [k, values[k]!]));
    },
  };
  return { reads: reads as Batched<unknown, unknown>, sent };
}

/** Runs a program that yields no operation. */
const drive = async <T>(program: Program<T>): Promise<T> => {
  const step = program.next();
  if (!step.done) throw new Error('the fake reads send no statements');
  return step.value;
};

t.test('reads asked for together go as one, each caller given its own value', async (t) => {
  const batches = createBatches(drive);
  const { reads, sent } = fakeReads({ 1: 'one', 2: 'two', 3: 'three' });
  const answers = await Promise.all([batches.read(reads, 2), batches.read(reads, 1), batches.read(reads, 2), batches.read(reads, 9)]);
  t.same(answers, ['two', 'one', 'two', undefined], 'a key without a value: undefined (not found)');
  t.same(sent, [[2, 1, 9]], 'one read, each key once');
});

t.test('a read alone goes alone; one asked for after a flush goes in the next', async (t) => {
  const batches = createBatches(drive);
  const { reads, sent } = fakeReads({ 1: 'one', 2: 'two' });
  t.equal(await batches.read(reads, 1), 'one');
  t.same(sent, [1], 'the single read');
  const first = batches.read(reads, 2);
  t.same(sent, [1], 'nothing sent at once: the batch waits for the turn to end');
  await first;
  const second = batches.read(reads, 1);
  t.equal(await second, 'one');
  t.same(sent, [1, 2, 1], 'asked for after the read before was sent: a read of its own');
});

t.test('reads of different kinds (another reader\'s visibility) never share a statement', async (t) => {
  const batches = createBatches(drive);
  const publicReads = fakeReads({ 1: 'public view' });
  const allReads = fakeReads({ 1: 'confidential view', 2: 'other' });
  const answers = await Promise.all([batches.read(publicReads.reads, 1), batches.read(allReads.reads, 1), batches.read(allReads.reads, 2)]);
  t.same(answers, ['public view', 'confidential view', 'other']);
  t.same([publicReads.sent, allReads.sent], [[1], [[1, 2]]]);
});

t.test('a failed read fails its own callers, not the next batch', async (t) => {
  const batches = createBatches(drive);
  const { reads } = fakeReads({ 1: 'one' }, new Error('connection lost'));
  const failing = [batches.read(reads, 1), batches.read(reads, 2)];
  for (const read of failing) await t.rejects(read, /connection lost/);
  t.equal(await batches.read(reads, 1), 'one', 'alone, afterwards: read again');
});

t.test("a batch runs in the batches' own context, not in that of the caller who asked first", async (t) => {
  const requests = new AsyncLocalStorage<string>();
  const seen: (string | undefined)[] = [];
  const batches = createBatches(async (program) => {
    seen.push(requests.getStore());
    return drive(program);
  });
  const { reads } = fakeReads({ 1: 'one', 2: 'two' });
  const answers = await Promise.all([requests.run('request A', () => batches.read(reads, 1)), requests.run('request B', () => batches.read(reads, 2))]);
  t.same(answers, ['one', 'two']);
  t.same(seen, [undefined], "one statement, in neither request's context");
});

t.test('a read keyed by its stamp (joinsInFlight) shares one of the same key already sent; other reads never do', async (t) => {
  // Reads held in flight until released: what is asked meanwhile is asked while one is on its way.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const batches = createBatches(async (program) => {
    await held;
    return drive(program);
  });
  const stamped = fakeReads({ 1: 'zones under stamp 1', 2: 'zones under stamp 2' });
  const joining = { ...(stamped.reads as Batched<number, string>), joinsInFlight: true } as Batched<unknown, unknown>;
  const byId = fakeReads({ 1: 'action 1' });

  const first = batches.read(joining, 1);
  const firstById = batches.read(byId.reads, 1);
  await new Promise((resolve) => setImmediate(resolve)); // flushed: both on their way
  const joined = batches.read(joining, 1);
  const otherStamp = batches.read(joining, 2);
  const secondById = batches.read(byId.reads, 1);
  release();
  t.same(await Promise.all([first, joined, otherStamp]), ['zones under stamp 1', 'zones under stamp 1', 'zones under stamp 2']);
  t.same(stamped.sent, [1, 2], 'stamp 1 read once, shared by the caller who asked while it was on its way; stamp 2 read on its own');
  t.same(await Promise.all([firstById, secondById]), ['action 1', 'action 1']);
  t.same(byId.sent, [1, 1], 'a read by id asked while one was on its way is sent again: the one on its way may be older than its stamp');

  t.equal(await batches.read(joining, 1), 'zones under stamp 1');
  t.same(stamped.sent, [1, 2, 1], 'once answered, the next read of stamp 1 is sent anew');
});
