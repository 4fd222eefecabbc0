import { SQL } from 'drizzle-orm';

// Everything this project knows about drizzle beyond its documented API, in one place.
// test/db/drizzle-internals.test.ts fails if an installed drizzle no longer has these shapes.
//
// 1. A drizzle database and every transaction made from it share one `session` object, and the
//    better-sqlite3 session keeps the client it was given as `session.client`.
// 2. That session uses only `prepare(sql)` and `transaction(fn)` of the client (so a small
//    object offering both, over a real connection, can stand in for it: see connection.ts);
//    drizzle() takes an instance of a class (not a plain object, which it reads as a config) as
//    that client.
// 3. An sql`` expression keeps the decoder `.mapWith()` gave it as `decoder`.

interface SessionOwner {
  session: { client: unknown };
}

/** The client drizzle was built over (connection.ts's DrizzleClient), from the database or any of its transactions. */
export function drizzleClientOf(dbOrTx: object): unknown {
  return (dbOrTx as SessionOwner).session.client;
}

export type Decoder = { mapFromDriverValue(value: unknown): unknown };

/** The decoder drizzle's own row mapping uses for an sql`` expression. */
export function decoderOfSql(expression: SQL): Decoder {
  return (expression as unknown as { decoder: Decoder }).decoder;
}
