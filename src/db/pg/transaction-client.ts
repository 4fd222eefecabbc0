import type pg from 'pg';

// A transaction's connection, where what needs no answer waits to go out with the next statement
// that does. Each statement sent is a write to the socket, and on this kind of machine the write
// (the kernel's work for a loopback packet and the wake-up of the PostgreSQL backend) cost more of
// the API process's CPU than anything else on a write request. So the transaction's BEGIN is not
// sent on its own: it goes out in front of the transaction's first statement, in the same write
// (a transaction in which nothing is asked sends nothing at all). Nor is a row that nothing reads
// before the commit (an audit event, audited.ts): its INSERT goes out in front of the next
// statement, or of COMMIT. The pool's clients are in pg's pipeline mode (engine.ts), so
// statements written together are not held back by each other's answers, which come back in
// order. A failure of a statement sent unanswered is thrown by the next statement asked (which
// PostgreSQL refuses anyway, the transaction being aborted) or by COMMIT, so nothing is committed
// without it: the transaction fails as if the statement had been awaited where it was made, only
// later. Without pipeline mode (a pool made elsewhere) each waits for the one before: slower, the
// same outcome.

type QueryConfig = string | pg.QueryConfig | pg.QueryArrayConfig;

export class TransactionClient {
  private began = false;
  /** Statements to send in front of the next one asked: BEGIN, and rows nothing reads before the commit. */
  private deferred: [QueryConfig, unknown[] | undefined][] = [];
  /** Statements sent whose answers nobody awaits: their failure is the transaction's. */
  private unanswered: Promise<unknown>[] = [];
  private failure: unknown;

  /** `opening`: BEGIN and the transaction's settings (SET LOCAL …), one simple query. */
  constructor(readonly client: pg.PoolClient, private readonly opening: string) {}

  /** A statement whose answer is needed: sent behind everything deferred, the first failure among them thrown. */
  async query(config: QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    this.begin();
    let result: pg.QueryResult;
    try {
      result = await this.sendWithDeferred(config, values);
    } catch (err) {
      await this.settle();
      // The statement an earlier one's failure made PostgreSQL refuse: that failure is the cause.
      throw this.failure ?? err;
    }
    await this.settle();
    if (this.failure !== undefined) throw this.failure;
    return result;
  }

  /** A statement nothing reads the outcome of before the commit: sent with the next one asked. */
  send(config: QueryConfig, values?: unknown[]): void {
    this.begin();
    this.deferred.push([config, values]);
  }

  /**
   * COMMIT (nothing to commit if nothing was asked). Throws when the transaction had failed: a
   * statement sent unanswered, or a transaction PostgreSQL had aborted (its COMMIT is then a
   * ROLLBACK), so that nothing is taken for committed that was not.
   */
  async commit(): Promise<void> {
    if (!this.began) return;
    const result = await this.query('COMMIT');
    this.began = false;
    if (result.command !== 'COMMIT') throw new Error(`the transaction had failed: its COMMIT was a ${result.command}`);
  }

  /** ROLLBACK of everything sent (nothing to send if nothing was); the next statement begins a new transaction. */
  async rollback(): Promise<void> {
    if (!this.began) return;
    this.began = false;
    const sent = this.deferred[0]?.[0] !== this.opening;
    this.deferred = [];
    if (!sent) return;
    const answer = this.client.query('ROLLBACK');
    await this.settle();
    this.failure = undefined;
    await answer;
  }

  /**
   * ROLLBACK TO SAVEPOINT: what failed after it (unanswered or not) is undone, and the transaction
   * goes on. (A failure from before it was thrown by the SAVEPOINT statement itself.)
   */
  async rollbackTo(savepoint: string): Promise<void> {
    const answer = this.sendWithDeferred(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    await this.settle();
    this.failure = undefined;
    await answer;
  }

  private begin(): void {
    if (this.began) return;
    this.began = true;
    this.deferred.push([this.opening, undefined]);
  }

  /**
   * Holds back what is written to the connection until the returned function is called, then
   * writes it at once: for statements asked one after another in the same turn (together()'s),
   * which would otherwise be a write each. Holds may nest.
   */
  hold(): () => void {
    const stream = (this.client as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
    stream?.cork?.();
    return () => stream?.uncork?.();
  }

  /** The deferred statements, then this one, written to the socket at once. */
  private sendWithDeferred(config: QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    if (this.deferred.length === 0) return this.client.query(config as pg.QueryConfig, values);
    const release = this.hold();
    try {
      for (const [c, v] of this.deferred.splice(0)) {
        this.unanswered.push(this.client.query(c as pg.QueryConfig, v).catch((err: unknown) => {
          this.failure ??= err;
        }));
      }
      return this.client.query(config as pg.QueryConfig, values);
    } finally {
      release();
    }
  }

  /** Every unanswered statement answered (they come back in order: before the one just awaited). */
  private async settle(): Promise<void> {
    if (this.unanswered.length === 0) return;
    const waiting = this.unanswered;
    this.unanswered = [];
    await Promise.all(waiting);
  }
}
