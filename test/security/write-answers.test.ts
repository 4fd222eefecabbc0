import type { LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import { build, buildOnFile, sqliteOnly, sqlRows, type TestApp } from '../helper.js';
import { isProblem, maskedProblem } from './probe.js';
import { LEVEL_MARKER, levels, seedBusiness, type ActionKey, type Level, type Seed } from './seed.js';

// The leak matrix for what writes answer (visibility.test.ts probes the reads): the minutes
// import's drafts, warnings, "already imported" answers and refusals, a refused delete, the
// writes of notifications, webhooks, subscriptions and response links, and the 429 and 503 that
// come before any record is looked at. A write key sees only the levels it may
// read: no answer carries another level's marker, and none depends on hidden business.

const writerScopes = { writer: ['write'], exemptClerk: ['write', 'read:exempt'] } as const;
type WriterName = keyof typeof writerScopes;
const sees: Record<WriterName, Level[]> = { writer: ['public'], exemptClerk: ['public', 'exempt'] };

/**
 * The title of the one item of each hidden-only meeting. The exempt one carries no marker: a
 * title with the word "exempt" in it is drafted as exempt business, so a write key's guess of it
 * would be refused for that alone, and the guess below would test nothing.
 */
const ONLY_TITLE = { exempt: 'LAND DISPOSAL AT MILL LANE', confidential: `Item ${LEVEL_MARKER.confidential}-only` };

/** The levels `who` may not read whose markers (or hidden-only titles) appear in `res`. */
const hiddenIn = (who: WriterName, res: LightMyRequestResponse) =>
  levels.filter((level) => !sees[who].includes(level) && (res.body.includes(LEVEL_MARKER[level]) || (level !== 'public' && res.body.includes(ONLY_TITLE[level]))));

/** The July meeting of the seed starts then: it holds a public, an exempt and a confidential item. */
const RAISED_AT = '2024-07-15T18:30:00+01:00';
/** Meetings the test adds, each holding one item of one level, and an action on it. */
const ONLY_AT: Record<'exempt' | 'confidential', string> = { exempt: '2024-11-18T18:30:00Z', confidential: '2024-11-25T18:30:00Z' };

const minutes = (titles: string[], body = 'Members asked for a note on the figures.') =>
  `CHILDREN AND YOUNG PEOPLE SCRUTINY COMMITTEE\n\nAt a meeting held on Monday, 18th November, 2024\n\n${titles
    .map((title, i) => `${i + 1} ${title}\n\n${body}\n`)
    .join('\n')}`;

interface Setting { api: TestApp; seed: Seed; keys: Record<WriterName, string>; hiddenOnly: Record<'exempt' | 'confidential', number> }

async function setting(t: Test): Promise<Setting> {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const keys = {
    writer: api.keys.writer,
    exemptClerk: (await api.app.services.apiKeys.create(scriptActor('test'), 'clerk', [...writerScopes.exemptClerk])).key,
  };
  const created = async (url: string, payload: Record<string, unknown>) => {
    const res = await api.request({ method: 'POST', url, payload });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.body}`);
    return res.json().id as number;
  };
  const hiddenOnly = { exempt: 0, confidential: 0 };
  for (const [level, paragraph] of [['exempt', 3], ['confidential', 1]] as const) {
    const meetingId = await created(`/v1/committees/${seed.committeeId}/meetings`, { startsAt: ONLY_AT[level] });
    const item = await created(`/v1/meetings/${meetingId}/items`, { title: ONLY_TITLE[level], visibility: level, exemptParagraph: paragraph });
    await created('/v1/actions', { meetingId, itemId: item, kind: 'task', title: `Action ${LEVEL_MARKER[level]}-only` });
    hiddenOnly[level] = meetingId;
  }
  return { api, seed, keys, hiddenOnly };
}

const importAs = (s: Setting, who: WriterName, body: Record<string, unknown>) =>
  s.api.request({ method: 'POST', url: '/v1/imports/minutes', as: s.keys[who], payload: { committeeId: s.seed.committeeId, ...body } });

/** The import's answer with what the caller sent it (its own text) and the ids left out. */
const answerOf = (res: LightMyRequestResponse) => {
  const body = res.json();
  if (isProblem(res)) return { status: res.statusCode, problem: body.errors ?? body.detail };
  return { status: res.statusCode, committed: body.committed && { ...body.committed, meetingId: undefined }, warnings: body.draft.warnings };
};

t.test('the minutes import answers a write key with nothing of business it cannot read', async (t) => {
  for (const who of Object.keys(writerScopes) as WriterName[]) {
    await t.test(who, async (t) => {
      const cases: [string, Record<string, unknown>][] = [
        ...(['exempt', 'confidential'] as const).flatMap((level): [string, Record<string, unknown>][] => {
          const startsAt = ONLY_AT[level];
          return [
            [`a draft of minutes for the meeting holding only ${level} business`, { text: minutes(['APOLOGIES FOR ABSENCE']), startsAt }],
            [`a commit into that ${level} meeting`, { text: minutes(['APOLOGIES FOR ABSENCE']), startsAt, commit: true }],
            [`a commit over the per-item cap into the ${level} meeting`, { text: minutes(['PERFORMANCE'], 'Members asked for a note on the figures. '.repeat(150)), startsAt, commit: true }],
            [`a commit of minutes marking an item exempt without a paragraph, into the ${level} meeting`, { text: minutes(['CONTRACT AWARD'], 'The press and public were excluded.'), startsAt, commit: true }],
          ];
        }),
        ['a commit of the July minutes as the key sees them', { text: minutes([`Item ${LEVEL_MARKER.public}-item`]), startsAt: RAISED_AT, commit: true }],
        ['a commit of the July minutes with other titles', { text: minutes(['ANY OTHER BUSINESS']), startsAt: RAISED_AT, commit: true }],
        ['a commit of minutes with confidential business', { text: minutes(['CARE PACKAGE'], 'This item involved confidential information as defined in paragraph 1 of Schedule 12A. The press and public were excluded.'), startsAt: RAISED_AT, commit: true }],
      ];
      const s = await setting(t);
      for (const [name, body] of cases) {
        const res = await importAs(s, who, body);
        t.ok(res.statusCode < 500, `${name}: answered ${res.statusCode}`);
        t.same(hiddenIn(who, res), [], `${name}: no hidden marker in ${res.body.slice(0, 200)}`);
      }

      // Guessing a hidden item's title right is answered as a wrong guess is, each on a fresh copy.
      for (const level of (['exempt', 'confidential'] as const).filter((l) => !sees[who].includes(l))) {
        for (const [startsAt, known] of [[ONLY_AT[level], []], [RAISED_AT, [`Item ${LEVEL_MARKER.public}-item`]]] as const) {
          const answers = [];
          for (const guess of [ONLY_TITLE[level], `${ONLY_TITLE[level]} WEST`]) {
            const fresh = await setting(t);
            const res = await importAs(fresh, who, { text: minutes([...known, guess]), startsAt, commit: true });
            answers.push(JSON.stringify(answerOf(res)).replaceAll(guess, '{guess}'));
          }
          t.equal(answers[0], answers[1], `a right guess of the ${level} item's title at ${startsAt} is answered as a wrong one`);
        }
      }
    });
  }
});

t.test('a refused delete names no hidden business, and says nothing more for it', async (t) => {
  const s = await setting(t);
  const del = (url: string) => s.api.request({ method: 'DELETE', url, as: s.keys.writer });
  const res = await del(`/v1/meetings/${s.hiddenOnly.exempt}`);
  t.equal(res.statusCode, 409);
  t.same(hiddenIn('writer', res), []);
  t.match(res.json().detail, /while other records refer to it$/);

  // A meeting at which only a hidden action falls due, and one with a visible and a hidden one.
  const meetingAt = async (startsAt: string) =>
    (await s.api.request({ method: 'POST', url: `/v1/committees/${s.seed.committeeId}/meetings`, payload: { startsAt } })).json().id as number;
  const dueOnly = await meetingAt('2024-12-09T18:30:00Z');
  const action = (body: Record<string, unknown>) =>
    s.api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: s.seed.meetings.raisedAt, kind: 'task', title: 'Report back', ...body } });
  t.equal((await action({ itemId: s.seed.ids.item.exempt, dueMeetingId: dueOnly })).statusCode, 201);
  const dueHidden = await del(`/v1/meetings/${dueOnly}`);
  t.equal(dueHidden.statusCode, 409);
  t.match(dueHidden.json().detail, /while other records refer to it$/, 'a hidden action due at it is not named');

  const mixed = await meetingAt('2025-01-13T18:30:00Z');
  const mixedTwin = await meetingAt('2025-02-10T18:30:00Z');
  t.equal((await action({ dueMeetingId: mixed })).statusCode, 201);
  t.equal((await action({ dueMeetingId: mixedTwin })).statusCode, 201);
  t.equal((await action({ itemId: s.seed.ids.item.exempt, dueMeetingId: mixed })).statusCode, 201);
  const withHidden = await del(`/v1/meetings/${mixed}`);
  const without = await del(`/v1/meetings/${mixedTwin}`);
  t.equal(withHidden.statusCode, 409);
  t.same(maskedProblem(withHidden, mixed), maskedProblem(without, mixedTwin), 'refused for its visible action, in the same words whether or not a hidden one is there too');

  // A person: named by a visible action, and by a hidden one too or not.
  const person = async () => (await s.api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Sarah Jones', kind: 'officer' } })).json().id as number;
  const [named, namedTwin] = [await person(), await person()];
  t.equal((await action({ ownerId: named })).statusCode, 201);
  t.equal((await action({ ownerId: namedTwin })).statusCode, 201);
  t.equal((await action({ ownerId: named, itemId: s.seed.ids.item.exempt })).statusCode, 201);
  const [personHidden, personWithout] = [await del(`/v1/people/${named}`), await del(`/v1/people/${namedTwin}`)];
  t.equal(personHidden.statusCode, 409);
  t.same(maskedProblem(personHidden, named), maskedProblem(personWithout, namedTwin), 'a person: the same words whether or not a hidden action names them too');
});

t.test('subscriptions, response links, webhooks and the notification pass answer a write key as for a missing action where it may not read', async (t) => {
  const s = await setting(t);
  const MISSING = 999999;
  const personId = s.seed.personId;
  type Write = [method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>];
  for (const who of Object.keys(writerScopes) as WriterName[]) {
    await t.test(who, async (t) => {
      const send = ([method, url, payload]: Write) => s.api.request({ method, url, payload, as: s.keys[who] });

      // Admin's alone: refused before anything is looked at, whatever the id.
      const adminOnly: Write[] = [
        ['POST', '/v1/webhooks', { url: 'https://receiver.example.gov.uk/hooks', events: ['action.created'], scopes: ['read', 'read:exempt'] }],
        ['PATCH', `/v1/webhooks/${s.seed.webhookId}`, { enabled: true }],
        ['DELETE', `/v1/webhooks/${s.seed.webhookId}`],
        ['POST', `/v1/webhooks/${s.seed.webhookId}/deliveries/1/retry`],
        ['POST', `/v1/webhooks/${MISSING}/deliveries/1/retry`],
        ['POST', '/v1/notifications/run', { asOf: '2024-08-23', dryRun: true }],
      ];
      for (const write of adminOnly) {
        const res = await send(write);
        t.equal(res.statusCode, 403, `${write[0]} ${write[1]}: 403`);
        t.ok(isProblem(res));
        t.same(hiddenIn(who, res), []);
      }

      const onAction = (actionId: number): Write[] => [
        ['PUT', `/v1/actions/${actionId}/subscribers/${personId}`],
        ['DELETE', `/v1/actions/${actionId}/subscribers/${personId}`],
        ['POST', `/v1/actions/${actionId}/response-links`, { personId }],
        ['DELETE', `/v1/actions/${actionId}/response-links/1`],
      ];
      for (const key of Object.keys(s.seed.actions) as ActionKey[]) {
        const { id, level } = s.seed.actions[key];
        if (sees[who].includes(level)) {
          // Business the key may read: the writes work, and their answers name nothing hidden.
          const [subscribe, unsubscribe, link] = onAction(id);
          t.equal((await send(subscribe!)).statusCode, 204, `${key}: subscribed`);
          t.equal((await send(unsubscribe!)).statusCode, 204, `${key}: unsubscribed`);
          const issued = await send(link!);
          t.equal(issued.statusCode, 201, `${key}: a link for its owner`);
          t.same(hiddenIn(who, issued), []);
          continue;
        }
        const missing = onAction(MISSING);
        for (const [i, write] of onAction(id).entries()) {
          const [hidden, absent] = [await send(write), await send(missing[i]!)];
          t.equal(hidden.statusCode, 404, `${key} (${level}): ${write[0]} ${write[1]} is a 404`);
          t.same(hiddenIn(who, hidden), []);
          t.same(maskedProblem(hidden, id), maskedProblem(absent, MISSING), `${key}: ${write[0]} ${write[1]} answers as for a missing action`);
        }
      }
    });
  }
  t.equal((await sqlRows<{ n: number }>(s.api.app, 'SELECT CAST(count(*) AS integer) AS n FROM action_subscribers'))[0]!.n, 0, 'every subscription made was ended; none made on hidden business');
  const links = (await sqlRows<{ action_id: number }>(s.api.app, 'SELECT action_id FROM response_links')).map((r) => r.action_id);
  const readable = new Set(Object.values(s.seed.actions).filter((a) => a.level !== 'confidential').map((a) => a.id));
  t.ok(links.length > 0 && links.every((id) => readable.has(id)), 'links only on business some write key could read');

  // A person subscribed to hidden business is deleted in the same words as one who is not.
  const person = async () => (await s.api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Sam Subscriber', kind: 'officer' } })).json().id as number;
  const [subscribed, twin] = [await person(), await person()];
  t.equal((await s.api.request({ method: 'PUT', url: `/v1/actions/${s.seed.actions.public.id}/subscribers/${twin}` })).statusCode, 204);
  for (const key of ['public', 'exempt', 'confidential'] as const) {
    t.equal((await s.api.request({ method: 'PUT', url: `/v1/actions/${s.seed.actions[key].id}/subscribers/${subscribed}` })).statusCode, 204);
  }
  const [withHidden, without] = [
    await s.api.request({ method: 'DELETE', url: `/v1/people/${subscribed}`, as: s.keys.writer }),
    await s.api.request({ method: 'DELETE', url: `/v1/people/${twin}`, as: s.keys.writer }),
  ];
  t.equal(withHidden.statusCode, without.statusCode, 'the same status');
  if (isProblem(withHidden)) t.same(maskedProblem(withHidden, subscribed), maskedProblem(without, twin), 'and the same words');
});

const MISSING = 999999;
const patch = (api: TestApp, id: number, as: string) => api.request({ method: 'PATCH', url: `/v1/items/${id}`, as, payload: { title: 'Renamed' } });

t.test('a 429 comes before any record is looked at: the same for hidden and missing ids', async (t) => {
  const limited = await build(t, { rateLimitPerMinute: 1 });
  // Seeded through a fresh admin key per request: the limit counts per key.
  const seed = await seedBusiness({
    ...limited,
    request: async ({ as, ...options }) =>
      limited.request({ ...options, as: as === undefined ? (await limited.app.services.apiKeys.create(scriptActor('test'), 'seeder', ['admin'])).key : as }),
  });
  const writer = limited.keys.writer;
  await limited.request({ method: 'GET', url: '/v1/committees', as: writer });
  const [hidden, missing] = [await patch(limited, seed.ids.item.exempt, writer), await patch(limited, MISSING, writer)];
  t.equal(hidden.statusCode, 429);
  t.ok(isProblem(hidden));
  t.same(hiddenIn('writer', hidden), []);
  t.same(maskedProblem(hidden, seed.ids.item.exempt), maskedProblem(missing, MISSING), '429: the same problem');
});

t.test('a 503 comes before any record is looked at: the same for hidden and missing ids', {
  skip: sqliteOnly('the database is made busy by a second SQLite connection holding the write lock on its file'),
}, async (t) => {
  const { api, other } = await buildOnFile(t);
  const onFile = await seedBusiness(api);
  api.app.db.$client.pragma('busy_timeout = 100');
  other.exec('BEGIN IMMEDIATE');
  const busy = [await patch(api, onFile.ids.item.exempt, api.keys.writer), await patch(api, MISSING, api.keys.writer)];
  other.exec('COMMIT');
  t.equal(busy[0]!.statusCode, 503);
  t.ok(isProblem(busy[0]!));
  t.same(hiddenIn('writer', busy[0]!), []);
  t.same(maskedProblem(busy[0]!, onFile.ids.item.exempt), maskedProblem(busy[1]!, MISSING), '503: the same problem');
  t.equal(busy[0]!.headers['retry-after'], busy[1]!.headers['retry-after']);
});
