import { DateTime } from 'luxon';
import t from 'tap';
import { localDayOf } from '../../src/documents/words.js';

// The day a progress update is dated in a committee's zone: the same as luxon's answer for every
// hour around the clock changes, where a day's offset is not one offset all day.

t.test('localDayOf agrees with luxon through the clock changes and on ordinary days', async (t) => {
  const zones = ['Europe/London', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'UTC'];
  const days = ['2024-03-30', '2024-03-31', '2024-04-01', '2024-04-06', '2024-04-07', '2024-10-26', '2024-10-27', '2024-10-28', '2024-11-03', '2024-09-29', '2025-01-15'];
  let checked = 0;
  for (const timeZone of zones) {
    for (const day of days) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
        const at = DateTime.fromISO(`${day}T00:00:00Z`).plus({ minutes });
        for (const instant of [at.toUTC().toISO()!, at.setZone('+05:30').toISO()!, at.setZone('-03:00').toISO({ suppressMilliseconds: true })!]) {
          const expected = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone).toISODate();
          if (localDayOf(instant, timeZone) !== expected) t.fail(`${instant} in ${timeZone}: ${localDayOf(instant, timeZone)}, not ${expected}`);
          checked++;
        }
      }
    }
  }
  t.ok(checked > 10_000, `${checked} instants checked`);
  t.equal(localDayOf('2024-10-27T00:30:00+01:00', 'Europe/London'), '2024-10-27');
  t.equal(localDayOf('2024-10-26T23:30:00Z', 'Europe/London'), '2024-10-27', 'half past midnight, British Summer Time');
  t.equal(localDayOf('2024-10-27T23:30:00Z', 'Europe/London'), '2024-10-27', 'half past eleven, GMT again');
});
