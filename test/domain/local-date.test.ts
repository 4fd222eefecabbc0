import t from 'tap';
import {
  addDays,
  daysFromTo,
  instantMillis,
  isInstant,
  isLocalDate,
  localDateOf,
} from '../../src/domain/local-date.js';

t.test('localDateOf: the calendar date in the committee time zone', async (t) => {
  const cases: Array<[instant: string, zone: string, expected: string, why: string]> = [
    ['2024-07-15T18:30:00+01:00', 'Europe/London', '2024-07-15', 'evening meeting in BST'],
    ['2024-07-15T17:30:00Z', 'Europe/London', '2024-07-15', 'the same meeting written in UTC'],
    ['2024-07-15T23:30:00Z', 'Europe/London', '2024-07-16', 'UTC late evening is past midnight in BST'],
    ['2024-01-15T23:30:00Z', 'Europe/London', '2024-01-15', 'in GMT, UTC is local time'],
    // Clocks go forward at 01:00 UTC on the last Sunday of March (2024-03-31).
    ['2024-03-30T23:30:00Z', 'Europe/London', '2024-03-30', 'Saturday night before spring forward'],
    ['2024-03-31T00:30:00Z', 'Europe/London', '2024-03-31', 'still GMT at 00:30 UTC'],
    ['2024-03-31T23:30:00Z', 'Europe/London', '2024-04-01', 'BST from 01:00 UTC: 00:30 on Monday'],
    ['2024-04-01T18:30:00+01:00', 'Europe/London', '2024-04-01', 'Monday evening after spring forward'],
    // Clocks go back at 01:00 UTC on the last Sunday of October (2024-10-27).
    ['2024-10-26T23:30:00Z', 'Europe/London', '2024-10-27', 'BST still: 00:30 Sunday'],
    ['2024-10-27T00:30:00Z', 'Europe/London', '2024-10-27', '01:30 BST, the first of two 01:30s'],
    ['2024-10-27T23:30:00Z', 'Europe/London', '2024-10-27', 'GMT again: still Sunday'],
    ['2024-10-28T18:30:00+00:00', 'Europe/London', '2024-10-28', 'Monday evening after fall back'],
    ['2024-10-28T00:30:00+01:00', 'Europe/London', '2024-10-27', 'stale BST offset: 23:30 GMT Sun'],
    ['2024-07-15T18:30:00', 'Europe/London', '2024-07-15', 'no offset: wall-clock time in the zone'],
    ['2024-07-15T23:30:00Z', 'America/New_York', '2024-07-15', 'another zone'],
  ];
  for (const [instant, zone, expected, why] of cases) {
    t.equal(localDateOf(instant, zone), expected, `${instant} in ${zone}: ${why}`);
  }
});

t.test('localDateOf rejects what it cannot read', async (t) => {
  t.throws(() => localDateOf('15/07/2024 18:30', 'Europe/London'), RangeError);
  t.throws(() => localDateOf('2024-07-15T18:30:00Z', 'Europe/Atlantis'), RangeError);
});

t.test('instantMillis orders instants, not strings', async (t) => {
  // As strings "01:10+01:00" sorts after "00:30+00:00", but it is 00:10 UTC: the earlier instant.
  t.ok(instantMillis('2024-10-27T01:10:00+01:00') < instantMillis('2024-10-27T00:30:00+00:00'));
  t.equal(instantMillis('2024-10-27T01:30:00+01:00'), instantMillis('2024-10-27T00:30:00Z'));
  t.throws(() => instantMillis('not a time'), RangeError);
});

t.test('date helpers', async (t) => {
  t.equal(isLocalDate('2024-02-29'), true, 'leap day');
  t.equal(isLocalDate('2023-02-29'), false, 'no leap day in 2023');
  t.equal(isLocalDate('2024-7-5'), false, 'unpadded');
  t.equal(isLocalDate('2024-07-05T00:00:00Z'), false, 'an instant is not a date');
  t.equal(addDays('2024-03-30', 2), '2024-04-01', 'across the clock change, whole days');
  t.equal(addDays('2024-10-26', 2), '2024-10-28');
  t.equal(daysFromTo('2024-02-28', '2024-03-01'), 2, 'leap year');
  t.equal(daysFromTo('2024-03-01', '2024-02-28'), -2);
  t.equal(daysFromTo('2024-03-30', '2024-10-28'), 212);
});

t.test('isInstant: the one date-time the service takes in (API and command line)', async (t) => {
  for (const ok of ['2024-07-15T18:30:00+01:00', '2024-07-15T17:30:00Z', '2024-07-15T17:30:00.123Z', '2024-02-29T00:00:00-05:00']) {
    t.equal(isInstant(ok), true, ok);
  }
  for (const bad of [
    '2024-12-31T23:59:60Z', // a leap second: luxon has none
    '2024-06-01 10:00:00Z', // a space for the T
    '2024-06-01T10:00Z', // no seconds
    '2024-06-01T10:00:00', // no offset
    '2024-06-01T24:00:00Z',
    '2023-02-29T10:00:00Z', // no such day
    '2024-06-01T10:00:00+25:00',
  ]) {
    t.equal(isInstant(bad), false, bad);
  }
});
