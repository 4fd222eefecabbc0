// One read of something that only moves forward (the database's snapshot, run.ts), shared by
// every caller who asked for it before it was sent. Each read request on PostgreSQL takes the
// snapshot before it reads anything, and a read must see every commit acknowledged before the
// request arrived (a write through another process, then a read here: test/process/two-servers).
// A snapshot read already on its way may have been taken before that commit, so a caller never
// joins it: it waits for the next one. At most one read is in flight; whoever asks meanwhile
// waits for the next, sent as soon as the current one is answered and shared by all who asked
// before then. Under load one round trip then serves every request that arrived during the last.

interface Waiting<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function waiting<T>(): Waiting<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** `read`, sent after each call to the returned function, but at most one at a time. */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight = false;
  let next: Waiting<T> | undefined;

  function send(): Promise<T> {
    inFlight = true;
    const answer = read();
    answer.then(sendNext, sendNext);
    return answer;
  }

  function sendNext(): void {
    inFlight = false;
    const callers = next;
    if (callers === undefined) return;
    next = undefined;
    send().then(callers.resolve, callers.reject);
  }

  return () => {
    if (!inFlight) return send();
    next ??= waiting<T>();
    return next.promise;
  };
}
