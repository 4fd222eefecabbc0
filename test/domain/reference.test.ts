import t from 'tap';
import { defaultReferencePrefix, formatReference, parseReference } from '../../src/domain/reference.js';

t.test("a committee's default prefix is the initials of its name's subject words", async (t) => {
  const cases: Array<[name: string, prefix: string]> = [
    ['Children, Young People and Families Scrutiny Committee', 'CYPF'], // DESIGN.md
    ['Children, Young People and Families Policy and Performance Board', 'CYPFPP'],
    ['Health and Adult Social Care Scrutiny Committee', 'HASC'],
    ['Policy and Performance Board', 'PP'],
    ["Children's Services Sub-Committee", 'CS'], // an apostrophe does not split a word
    ['Children’s Services Sub-Committee', 'CS'],
    ['Environment & Regeneration Scrutiny Panel', 'ER'],
    ['Scrutiny Committee for the Economy and Jobs', 'EJ'],
    // Fewer than two subject words: every word but the joining ones.
    ['Economy Scrutiny Committee', 'ESC'],
    ['Overview and Scrutiny Committee', 'OSC'],
    ['Overview and Scrutiny Management Board', 'OSMB'],
    ['Scrutiny Committee', 'SC'],
    ['Economy Committee', 'EC'],
    // One word: its first three letters.
    ['Cabinet', 'CAB'],
    ['Council', 'COU'],
    ['  council  ', 'COU'],
    ['—', 'REF'],
    ['The Committee', 'COM'],
  ];
  for (const [name, prefix] of cases) t.equal(defaultReferencePrefix(name), prefix, `${name} → ${prefix}`);
  t.equal(defaultReferencePrefix(Array.from({ length: 30 }, (_, i) => `Word${i}`).join(' ')).length, 20, 'at most 20 characters');
});

t.test('references are written and read back', async (t) => {
  t.equal(formatReference('CYPF', '24/25', 7), 'CYPF (24/25) 07');
  t.equal(formatReference('SR', '25/26', 1), 'SR (25/26) 01');
  t.equal(formatReference('SR', '25/26', 123), 'SR (25/26) 123', 'more digits when needed');
  t.same(parseReference('CYPF (24/25) 07', 'CYPF'), { municipalYear: '24/25', number: 7 });
  t.same(parseReference('CYPF (24/25) 123', 'CYPF'), { municipalYear: '24/25', number: 123 });
  t.same(parseReference('A B (99/00) 10', 'A B'), { municipalYear: '99/00', number: 10 });
  for (const other of ['CYPF 24/07', 'CYPF (24/26) 07', 'CYPF (24/25) 7', 'CYPF (24/25) 007', 'CYPF (24/25) 00', 'XCYPF (24/25) 07', 'CYP (24/25) 07', 'CYPF (24/25) 07 ', 'CYPF  (24/25) 07']) {
    t.equal(parseReference(other, 'CYPF'), undefined, `${JSON.stringify(other)} is not one of CYPF's generated references`);
  }
});
