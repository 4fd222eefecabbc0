import t from 'tap';
import { InvalidFieldError, invalidField } from '../../src/errors.js';
import { withFlags } from '../../scripts/cli.js';

// A command names a field the services refuse by the flag that carried it, and by the service's
// own name for it when no flag did.

t.test('withFlags renames the fields its flags carry and keeps the others', async (t) => {
  const refused = new InvalidFieldError([
    { field: 'startsAt', detail: 'must be in the years 1900–2999' },
    { field: 'dueQuarter', detail: 'must look like "2024-25 Q3"' },
    { field: 'constructor', detail: 'is not a flag' },
  ]);
  const flags = { startsAt: '--starts-at', committeeId: '--committee' };
  t.throws(() => withFlags(flags, () => { throw refused; }), {
    message: '--starts-at: must be in the years 1900–2999; dueQuarter: must look like "2024-25 Q3"; constructor: is not a flag',
  });
  const other = new Error('Committee 9 was not found');
  t.throws(() => withFlags(flags, () => { throw other; }), other, 'other errors pass through');
  t.equal(withFlags(flags, () => 42), 42);
  t.throws(() => withFlags({}, () => { throw invalidField('asOf', 'must be a date'); }), { message: 'asOf: must be a date' });
});
