import t from 'tap';
import { applyAttendanceSentences, extractAttendance, parsePerson, splitNameList } from '../../src/import/attendance.js';

t.test('name lists split at commas and "and", not inside brackets', async (t) => {
  t.same(splitNameList('Councillors CD Banks, Maguire, Murphy MBE, Osundeko and Sweeney'), ['Councillors CD Banks', 'Maguire', 'Murphy MBE', 'Osundeko', 'Sweeney']);
  t.same(splitNameList('Mr C Williams (Church, Diocese and Schools) and Ms B'), ['Mr C Williams (Church, Diocese and Schools)', 'Ms B']);
});

t.test('one person', async (t) => {
  t.same(parsePerson('Councillor T Long (Chair)', { status: 'present' }, false)?.entry, { name: 'T Long', status: 'present', kind: 'councillor' });
  t.same(parsePerson('Mr C Williams (Roman Catholic Church Representative)', { status: 'present' }, false)?.entry, {
    name: 'Mr C Williams',
    status: 'present',
    kind: 'co_optee',
    represents: 'Roman Catholic Church Representative',
  });
  t.same(parsePerson('Councillor A Rusk (substitute for Councillor J Moran)', { status: 'present' }, false)?.entry, {
    name: 'A Rusk',
    status: 'substitute',
    substituteFor: 'J Moran',
    kind: 'councillor',
  });
  t.equal(parsePerson('None', { status: 'apologies' }, false), null);
});

t.test('labelled sections in a header', async (t) => {
  const list = extractAttendance([
    '(Present) Councillor T Long (Chair)',
    'Councillors Banks and Sweeney',
    '(Not Present) Councillors Greaves and Sims',
    'Mr D Thorpe (Church of England Representative)',
    'Substitutes: Councillor P Quinn (for Councillor Sims)',
    'Officers: H Ibbotson (Head of Service)',
    'Also in attendance: Dr R Bhattacharya, NHS Mersey Vale ICB',
  ]);
  t.same(
    list.map((p) => [p.name, p.status, p.kind ?? null]),
    [
      ['T Long', 'present', 'councillor'],
      ['Banks', 'present', 'councillor'],
      ['Sweeney', 'present', 'councillor'],
      ['Greaves', 'absent', 'councillor'],
      ['Sims', 'absent', 'councillor'],
      ['Mr D Thorpe', 'absent', 'co_optee'],
      ['P Quinn', 'substitute', 'councillor'],
      ['H Ibbotson', 'present', 'officer'],
      ['Dr R Bhattacharya', 'present', 'partner'],
    ],
  );
  t.equal(list[6]?.substituteFor, 'Sims');
  t.equal(list[8]?.represents, 'NHS Mersey Vale ICB');
});

t.test('apologies and substitutions stated in sentences', async (t) => {
  const list = extractAttendance(['Present: Councillors Greaves and Long']);
  applyAttendanceSentences(list, [
    'Apologies for absence were received from Councillors Greaves, van der Burg and Mr Thorpe.',
    'Councillor Mbeki attended as a substitute for Councillor Tennant.',
    'There were no apologies.',
  ]);
  t.same(list.map((p) => [p.name, p.status]), [['Greaves', 'apologies'], ['Long', 'present'], ['van der Burg', 'apologies'], ['Mr Thorpe', 'apologies'], ['Mbeki', 'substitute']]);
  t.equal(list[4]?.substituteFor, 'Tennant');
});
