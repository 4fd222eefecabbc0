import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import t from 'tap';
import { csvRows } from '../../src/jobs/report-formats.js';

// Every export's CSV lines are written by csvRows; they must be exactly what csv-stringify (with
// the formula guard) writes, whatever the cells hold.

const inert = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
const reference = (rows: unknown[][]) => stringify(rows, { cast: { string: inert } });

t.test('csvRows writes what csv-stringify writes, byte for byte', async (t) => {
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', '\t', '=', '+', '-', '@', ';', "'", 'é', '😀') }),
    fc.string({ unit: 'grapheme' }),
  );
  const cell = fc.oneof(text, fc.integer(), fc.double({ noNaN: true }), fc.constant(null), fc.constant(undefined));
  fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 6 }), (rows) => {
    t.equal(csvRows(rows), reference(rows));
  }), { numRuns: 2000 });
  const hostile = [['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tTAB', '\rCR', 'plain', 'a,b', 'say "hi"', 'two\nlines', '', 0, -1.5, null]];
  t.equal(csvRows(hostile), reference(hostile));
  t.equal(csvRows([[true, new Date(0)]]), reference([[true, new Date(0)]]), 'other types as csv-stringify casts them');
});
