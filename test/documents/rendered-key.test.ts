import t from 'tap';
import { trackerKey } from '../../src/modules/tracker/rendered.js';

// The rendered-tracker cache's key (modules/tracker/rendered.ts): two requests share an entry
// only when they would get the same document, so no input of the document may be left out of it.

const base = { asOf: '2024-08-23', status: 'open', since: undefined } as const;
const key = (over: Partial<{ committeeId: number; asOf: string; status: 'open' | 'all'; since: string; visibilities: ('public' | 'exempt' | 'confidential')[]; format: 'json' | 'docx' }> = {}) =>
  trackerKey(over.committeeId ?? 1, { ...base, ...over }, { visibilities: over.visibilities ?? ['public'] }, over.format ?? 'json');

t.test('every input of the document makes a different key', async (t) => {
  const variants = [
    key(), key({ committeeId: 2 }), key({ asOf: '2024-08-24' }), key({ status: 'all' }), key({ since: '2024-01-01' }),
    key({ visibilities: ['public', 'exempt'] }), key({ format: 'docx' }),
  ];
  t.equal(new Set(variants).size, variants.length);
});

t.test('the same document by different spellings shares one key', async (t) => {
  t.equal(trackerKey(1, { asOf: '2024-08-23' }, { visibilities: ['public'] }, 'json'), key(), 'status defaults to open');
  t.equal(key({ visibilities: ['exempt', 'public'] }), key({ visibilities: ['public', 'exempt'] }), 'visibilities in any order');
});
