import pg from 'pg';
import type { TestApp } from './helper.js';

type Method = 'get' | 'all' | 'iterate';

/**
 * Runs `work` while watching every statement the app's engine runs, on any of its connections:
 * `seen(sql, result)` for each, with its SQL (on PostgreSQL the text sent through a pooled
 * pg.Client; on SQLite the prepared statement's source, every better-sqlite3 statement sharing
 * one prototype) and what it returned (pg's promise of the result; better-sqlite3's row, rows or
 * iterator). For tests that count what a request reads.
 */
export async function watchStatements(api: TestApp, seen: (sql: string, result: unknown) => void, work: () => Promise<unknown>): Promise<void> {
  const { engine } = api.app;
  if (engine.kind === 'postgres') {
    const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = client.query;
    client.query = function (this: unknown, ...args: unknown[]) {
      const result = query.apply(this, args);
      const config = args[0];
      seen(typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? ''), result);
      return result;
    };
    try {
      await work();
    } finally {
      client.query = query;
    }
    return;
  }
  const statement = Object.getPrototypeOf(engine.db.$client.prepare('SELECT 1')) as Record<Method, (...args: unknown[]) => unknown>;
  const original = { get: statement.get, all: statement.all, iterate: statement.iterate };
  for (const method of ['get', 'all', 'iterate'] as const) {
    statement[method] = function (this: { source: string }, ...args: unknown[]) {
      const result = original[method].apply(this, args);
      seen(this.source, result);
      return result;
    };
  }
  try {
    await work();
  } finally {
    Object.assign(statement, original);
  }
}
