import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import t from 'tap';
import { pgDialect } from '../../src/db/pg/dialect.js';
import { skipWithoutPostgres, testDatabase } from '../pg.js';

// PostgreSQL's fragments of the engine-specific SQL (src/db/pg/dialect.ts), run on the real
// server; SQLite's run through every query of the suite's SQLite run.

const skip = await skipWithoutPostgres();
const render = new PgDialect();

t.test('the PostgreSQL fragments mean what SQLite\'s do', { skip }, async (t) => {
  const { pool } = await testDatabase(t);
  const value = async (fragment: SQL) => {
    const query = render.sqlToQuery(sql`SELECT ${fragment} AS v`);
    return (await pool.query<{ v: unknown }>(query.sql, query.params)).rows[0]!.v;
  };
  const search = (text: string, words: string[]) =>
    value(sql`to_tsvector('scrutiny', ${text}) @@ to_tsquery('scrutiny', ${pgDialect.searchTerms(words)})`);

  t.equal(await search('Report on the housing repairs backlog', ['hous', 'repair']), true, 'prefix terms, all of them');
  t.equal(await search('Report on the housing repairs backlog', ['housing', 'parking']), false, 'every word must match');
  t.equal(await search('Café opening hours', ['cafe']), true, 'accents folded, as in the index');
  t.equal(await search("Letter to O'Brien about parking", ['O', 'Brien']), true);
  // Words come from the user: quotes, backslashes and tsquery operators are text, never syntax.
  for (const hostile of ["it's", 'a\\b', '!', '&|', ':*']) {
    t.equal(await search('nothing here', [hostile]), false, `searching ${JSON.stringify(hostile)} is a plain (failed) search`);
  }
  t.equal(await value(pgDialect.likeInsensitive(sql`${'ÉLAN Smith'}::text`, '%élan%')), true, 'ILIKE folds case beyond ASCII');
  t.equal(await value(pgDialect.likeInsensitive(sql`${'50 percent'}::text`, '%50\\%%')), false, 'an escaped % is a percent sign');
  t.equal(await value(pgDialect.greatest(sql`${3}::int`, 5)), 5);
  t.equal(await value(pgDialect.least(sql`${3}::int`, 5)), 3);
  t.equal(await value(sql`coalesce(NULL::boolean, ${pgDialect.falseValue})`), false);
  t.equal(await value(pgDialect.idIn(sql`${2}::int`, sql.param(pgDialect.idList([1, 2, 3])))), true);
  t.equal(await value(pgDialect.idIn(sql`${4}::int`, sql.param(pgDialect.idList([1, 2, 3])))), false);
});
