import t from 'tap';
import { build } from '../helper.js';
import { unfoldCalendar } from './probe.js';
import { LEVEL_MARKER, levels, seedBusiness, type Level } from './seed.js';

// The calendar feeds as a calendar app fetches them: by URL, the key in `?key=`. The leak
// matrix (visibility.test.ts) probes them with the key in the header; here the same seeded
// business through the URL: hidden actions never appear, a write or admin key is refused and
// its refusal names no business.

const readOnly: { name: string; key: (keys: Awaited<ReturnType<typeof build>>['keys']) => string | null; sees: Level[] }[] = [
  { name: 'anonymous', key: () => null, sees: ['public'] },
  { name: 'reader', key: (k) => k.reader, sees: ['public'] },
  { name: 'exempt', key: (k) => k.exempt, sees: ['public', 'exempt'] },
  { name: 'confidential', key: (k) => k.confidential, sees: ['public', 'exempt', 'confidential'] },
];

t.test('calendar feeds fetched with ?key= show each caller only what it may read', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const feeds = [`/v1/people/${seed.personId}/calendar.ics`, `/v1/committees/${seed.committeeId}/calendar.ics`];

  for (const caller of readOnly) {
    const key = caller.key(api.keys);
    for (const feed of feeds) {
      const url = key ? `${feed}?key=${key}` : feed;
      const res = await api.app.inject({ method: 'GET', url });
      t.equal(res.statusCode, 200, `${caller.name} ${feed}`);
      const text = unfoldCalendar(res.body);
      for (const level of levels) {
        if (!caller.sees.includes(level)) t.notOk(text.includes(LEVEL_MARKER[level]), `${caller.name} ${feed}: no ${level} marker`);
      }
    }
    const personal = unfoldCalendar((await api.app.inject({ method: 'GET', url: key ? `${feeds[0]}?key=${key}` : feeds[0]! })).body);
    for (const action of Object.values(seed.actions)) {
      t.equal(personal.includes(action.marker), caller.sees.includes(action.level), `${caller.name}: ${action.level} action ${caller.sees.includes(action.level) ? 'shown' : 'hidden'}`);
      t.equal(personal.includes(`action-${action.id}@`), caller.sees.includes(action.level), `${caller.name}: UID of the ${action.level} action only if visible`);
    }
  }

  for (const [name, key] of [['writer', api.keys.writer], ['admin', api.keys.admin]] as const) {
    for (const feed of feeds) {
      const res = await api.app.inject({ method: 'GET', url: `${feed}?key=${key}` });
      t.equal(res.statusCode, 403, `${name} key in the URL of ${feed}: refused`);
      for (const level of levels) t.notOk(res.body.includes(LEVEL_MARKER[level]), `${name} ${feed}: no ${level} marker in the refusal`);
    }
  }
});
