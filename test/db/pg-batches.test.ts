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
