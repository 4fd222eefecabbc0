import t from 'tap';
import { columnsOfLimit, committeesOfLimit, isWithinLimit, limitOfColumns, type CouncilLimit } from '../../src/domain/council-limit.js';
import { seesCommittee } from '../../src/domain/visibility.js';

// Who may grant what (DESIGN.md "One deployment for many councils"): a limited admin grants no
// more than it has itself, now or after committees are added to an authority.

const authorities = new Map<number, string | null>([
  [1, 'Halton Borough Council'],
  [2, 'Halton Borough Council'],
  [3, 'Warrington Borough Council'],
  [4, null],
]);
const authorityOf = (id: number) => authorities.get(id);
const halton: CouncilLimit = { authority: 'Halton Borough Council' };

t.test('what is within a limit', async (t) => {
  const cases: [string, CouncilLimit | undefined, CouncilLimit | undefined, boolean][] = [
    ['anything within no limit', { committeeIds: [3] }, undefined, true],
    ['no limit within no limit', undefined, undefined, true],
    ['no limit is within no limit but a limited one', undefined, halton, false],
    ['the same authority', halton, halton, true],
    ['another authority', { authority: 'Warrington Borough Council' }, halton, false],
    ['committees of the authority', { committeeIds: [1, 2] }, halton, true],
    ['a committee of another authority', { committeeIds: [1, 3] }, halton, false],
    ['a committee of no authority', { committeeIds: [4] }, halton, false],
    ['a subset of the committees', { committeeIds: [2] }, { committeeIds: [1, 2] }, true],
    ['a committee outside the list', { committeeIds: [2, 3] }, { committeeIds: [1, 2] }, false],
    // The authority's committees grow: an authority is never within a list, even one holding all of them today.
    ['an authority within a list of all its committees', halton, { committeeIds: [1, 2] }, false],
  ];
  for (const [name, inner, outer, within] of cases) t.equal(isWithinLimit(inner, outer, authorityOf), within, name);
});

t.test('a limit round-trips through its columns and covers its committees', async (t) => {
  for (const limit of [undefined, halton, { committeeIds: [3, 1] }] as (CouncilLimit | undefined)[]) {
    const { limitAuthority, limitCommitteeIds } = columnsOfLimit(limit);
    const back = limitOfColumns(limitAuthority, limitCommitteeIds);
    t.same(back, limit && 'committeeIds' in limit ? { committeeIds: [1, 3] } : limit, JSON.stringify(limit));
  }
  t.same(committeesOfLimit(halton, (a) => [...authorities].filter(([, of]) => of === a).map(([id]) => id)), [1, 2]);
  t.same(committeesOfLimit({ committeeIds: [3] }, () => []), [3]);
  t.ok(seesCommittee({ visibilities: ['public'] }, 3), 'an unlimited reader sees every committee');
  t.notOk(seesCommittee({ visibilities: ['public'], committeeIds: [1, 2] }, 3), 'a limited one only its own');
});
