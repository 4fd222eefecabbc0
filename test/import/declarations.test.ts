import t from 'tap';
import { declarationKind, extractDeclarations } from '../../src/import/declarations.js';

t.test('kinds of interest', async (t) => {
  t.equal(declarationKind('declared a disclosable pecuniary interest'), 'disclosable_pecuniary');
  t.equal(declarationKind('declared a personal and prejudicial interest'), 'disclosable_pecuniary');
  t.equal(declarationKind('declared an Other Registerable Interest'), 'other_registrable');
  t.equal(declarationKind('declared a personal interest'), 'other_registrable');
  t.equal(declarationKind('declared a Non-Registrable Interest'), 'non_registrable');
  t.equal(declarationKind('declared an interest'), 'non_registrable');
});

t.test('who declared what, in which item', async (t) => {
  const items = [
    { number: '2', title: 'Declarations of Interest', sentences: [
      'Councillor Greenwood declared an Other Registrable Interest in item 6 as a trustee of the Carers Centre.',
      'Councillors Ahmed and Fox declared personal interests in the following item as school governors.',
      'There were no other declarations of interest.',
    ] },
    { number: '3', title: 'School Places', sentences: ['Councillor Ridley declared a disclosable pecuniary interest in this item and left the room.'] },
    { number: '6', title: 'Carers', sentences: [] },
  ];
  const found = extractDeclarations(items).map((d) => [d.personName, d.itemIndex, d.itemNumber ?? null, d.kind, d.detail]);
  t.same(found, [
    ['Greenwood', 2, '6', 'other_registrable', 'a trustee of the Carers Centre'],
    ['Ahmed', 1, null, 'other_registrable', 'school governors'],
    ['Fox', 1, null, 'other_registrable', 'school governors'],
    ['Ridley', 1, null, 'disclosable_pecuniary', 'Councillor Ridley declared a disclosable pecuniary interest in this item and left the room'],
  ]);
  t.same(extractDeclarations([{ number: '22', title: 'DECLARATIONS OF INTEREST', sentences: ['No Declarations of Interest from Members were made.'] }]), []);
});

t.test('a list entry in the declarations item needs no verb', async (t) => {
  const found = extractDeclarations([
    { number: '3', title: 'Declarations of Interest', sentences: ['Councillor Ahmed – item 5 – personal interest as a school governor.'] },
    { number: '5', title: 'Schools', sentences: ['Councillor Ahmed spoke about interest rates.'] },
  ]);
  t.same(found.map((d) => [d.personName, d.itemIndex, d.kind]), [['Ahmed', 1, 'other_registrable']]);
});
