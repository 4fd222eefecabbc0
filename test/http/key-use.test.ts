import t from 'tap';
import { keyUseRecorder, USE_RETRY_MAX_MS, USE_RETRY_MS, type Timers } from '../../src/http/key-use.js';

// Writing when keys were last used (src/http/key-use.ts), on timers the test holds: what is
// written when, after a write finds the lock taken, and after writes that fail.

/** Timers that run only when the test says: each set is kept with its delay. */
function heldTimers() {
  const pending: { run: () => void; ms: number; cleared: boolean }[] = [];
  const timers: Timers = {
    set: (run, ms) => {
      const timer = { run, ms, cleared: false };
      pending.push(timer);
      return timer;
    },
    clear: (handle) => void ((handle as { cleared: boolean }).cleared = true),
  };
  return {
    timers,
    /** The delays of the timers set and not yet run or cleared. */
    waiting: () => pending.filter((p) => !p.cleared).map((p) => p.ms),
    /** Runs the one timer waiting, then lets its write end. */
    async fire() {
      const waiting = pending.filter((p) => !p.cleared);
      if (waiting.length !== 1) throw new Error(`${waiting.length} timers waiting, not one`);
      pending.splice(pending.indexOf(waiting[0]!), 1);
      waiting[0]!.run();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Keys whose writes answer, in turn, as `answers` says: true (written), false (lock taken) or an error. */
function keys(answers: (boolean | Error)[]) {
  let unrecorded = true;
  const calls: string[] = [];
  return {
    calls,
    source: {
      recordUse: async () => {
        const answer = answers.shift() ?? true;
        calls.push(answer instanceof Error ? 'failed' : answer ? 'written' : 'locked');
        if (answer instanceof Error) throw answer;
        if (answer) unrecorded = false;
        return answer;
      },
      hasUnrecordedUse: () => unrecorded,
      note: () => void (unrecorded = true),
    },
  };
}

t.test('a use is written once, soon after the request, and not again until there is more', async (t) => {
  const clock = heldTimers();
  const { source, calls } = keys([true]);
  const recorder = keyUseRecorder(source, () => t.fail('no warning'), clock.timers);
  recorder.used();
  recorder.used();
  t.same(clock.waiting(), [0], 'one write scheduled, at once, for two requests');
  await clock.fire();
  t.same(calls, ['written']);
  t.same(clock.waiting(), [], 'nothing more to write: nothing scheduled');
  recorder.used();
  t.same(clock.waiting(), [], 'a request with no new use schedules nothing');
});

t.test('a write that finds the lock taken is tried a second later', async (t) => {
  const clock = heldTimers();
  const { source, calls } = keys([false, true]);
  const recorder = keyUseRecorder(source, () => t.fail('no warning'), clock.timers);
  recorder.used();
  await clock.fire();
  t.same(clock.waiting(), [USE_RETRY_MS]);
  await clock.fire();
  t.same(calls, ['locked', 'written']);
  t.same(clock.waiting(), []);
});

t.test('writes that fail are tried twice as long after each time, up to a minute, and after a success from the start', async (t) => {
  const clock = heldTimers();
  const failure = new Error('the database has gone');
  const { source, calls } = keys([...Array<Error>(9).fill(failure), true, failure]);
  const warnings: unknown[] = [];
  const recorder = keyUseRecorder(source, (err) => warnings.push(err), clock.timers);
  recorder.used();
  const delays: number[] = [];
  for (let i = 0; i < 10; i++) {
    await clock.fire();
    delays.push(...clock.waiting());
  }
  t.same(delays, [1000, 2000, 4000, 8000, 16000, 32000, USE_RETRY_MAX_MS, USE_RETRY_MAX_MS, USE_RETRY_MAX_MS], 'doubling to a minute, then nothing once written');
  t.equal(warnings.length, 9, 'a warning for each failed write');
  t.equal(calls.at(-1), 'written');
  source.note();
  recorder.used();
  await clock.fire();
  t.same(clock.waiting(), [USE_RETRY_MS], 'the next failure waits a second again');
});

t.test('closing clears the timer and writes what is left, once', async (t) => {
  const clock = heldTimers();
  const { source, calls } = keys([true]);
  const recorder = keyUseRecorder(source, () => t.fail('no warning'), clock.timers);
  recorder.used();
  await recorder.close();
  t.same(clock.waiting(), [], 'the scheduled write is cleared');
  t.same(calls, ['written'], 'and made by close');
  source.note();
  recorder.used();
  t.same(clock.waiting(), [], 'nothing is scheduled once closed');
});
