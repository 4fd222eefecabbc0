import t from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build } from '../helper.js';
import { LEVEL_MARKER, levels, seedBusiness, type Level } from './seed.js';

// The leak matrix for POST /v1/imports/actions (visibility.test.ts probes the CSV export with
// the other reads): a write key's import answers, dry run or not, carry nothing of business it
// may not read, and a hidden item or a hidden action's reference is answered as a missing one
// would be, so the answers cannot be used to probe for exempt business.

/** An answer with its numbers out: the item numbers guessed, and the row numbers. */
const numbersOut = (body: string) => body.replace(/\d+/g, 'N');

const writers: { name: string; scopes: string[]; sees: Level[] }[] = [
  { name: 'writer', scopes: ['write'], sees: ['public'] },
  { name: 'exemptClerk', scopes: ['write', 'read:exempt'], sees: ['public', 'exempt'] },
  { name: 'confidentialClerk', scopes: ['write', 'read:confidential'], sees: ['public', 'exempt', 'confidential'] },
];

t.test('import answers show each write key only what it may read', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const committee = 'Children and Young People Scrutiny Committee';
  const csv = (rows: string[]) => ['reference,committee,raised_at,item,title,status', ...rows].join('\r\n');
  const post = (key: string, body: string, query = '') =>
    api.request({ method: 'POST', url: `/v1/imports/actions${query}`, as: key, payload: body, headers: { 'content-type': 'text/csv' } });

  for (const writer of writers) {
    const key = (await api.app.services.apiKeys.create(scriptActor('test'), writer.name, writer.scopes as never)).key;
    const hidden = levels.filter((l) => !writer.sees.includes(l));
    const leaks = (body: string) => hidden.filter((l) => body.includes(LEVEL_MARKER[l]));

    // Items 2 and 3 of the July meeting are exempt and confidential; 9 does not exist.
    const byItem = (number: string) => post(key, csv([`NEW ${number},${committee},15/07/2024,${number},A question on item ${number},open`]), '?dryRun=true');
    const missing = await byItem('9');
    for (const [number, level] of [['2', 'exempt'], ['3', 'confidential']] as const) {
      const res = await byItem(number);
      t.same(leaks(res.body), [], `${writer.name}: item ${number}: no hidden marker`);
      if (writer.sees.includes(level)) t.equal(res.statusCode, 200, `${writer.name} may file under the ${level} item`);
      else t.equal(numbersOut(res.body), numbersOut(missing.body), `${writer.name}: the ${level} item is answered as a missing one`);
    }

    // Every seeded action's reference, as a row that would update it: a hidden one is refused
    // without a word of the action, as a reference taken by another action is through the API.
    for (const [name, action] of Object.entries(seed.actions)) {
      const reference = `Ref ${action.marker}`;
      const res = await post(key, csv([`${reference},${committee},15/07/2024,,Changed title,open`]), '?dryRun=true');
      const answer = res.body.replaceAll(reference, '{reference}');
      t.same(leaks(answer), [], `${writer.name}: reference of ${name}: no hidden marker besides what was sent`);
      if (writer.sees.includes(action.level)) t.equal(res.json().results[0].result, 'updated', `${writer.name} may update ${name}`);
      else {
        t.equal(res.statusCode, 422, `${writer.name}: ${name} is not updated`);
        t.match(res.json().errors[0], { column: 'reference', detail: /already used by another action/ });
        t.notOk(answer.includes(String(action.id)) && res.json().results[0].id !== undefined, 'no id of the hidden action');
      }
    }
  }
});
