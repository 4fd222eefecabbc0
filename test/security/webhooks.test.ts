import t from 'tap';
import { WEBHOOK_EVENTS, type ReadScope } from '../../src/domain/webhooks.js';
import { build } from '../helper.js';
import { receiver, type Receiver } from '../modules/webhooks/receiver.js';
import { LEVEL_MARKER, levels, seedBusiness, type Level } from './seed.js';

// The leak matrix for webhook payloads: a webhook sees only the levels its scopes can read. Three
// webhooks subscribed to every event watch the whole seed being written (actions, progress
// updates with a RAG, the scan's flags) and a meeting being changed; no payload one receives
// carries the marker of a level it may not read, and each receives every level it may.

const subscribers: { name: string; scopes: ReadScope[]; sees: Level[] }[] = [
  { name: 'public', scopes: ['read'], sees: ['public'] },
  { name: 'exempt', scopes: ['read', 'read:exempt'], sees: ['public', 'exempt'] },
  { name: 'confidential', scopes: ['read:confidential'], sees: ['public', 'exempt', 'confidential'] },
];

t.test('webhook payloads carry nothing of business their scopes cannot read', async (t) => {
  const api = await build(t);
  const inboxes = new Map<string, Receiver>();
  for (const { name, scopes } of subscribers) {
    const inbox = await receiver(t);
    inboxes.set(name, inbox);
    const res = await api.request({ method: 'POST', url: '/v1/webhooks', payload: { url: inbox.url, events: [...WEBHOOK_EVENTS], scopes } });
    t.equal(res.statusCode, 201);
  }
  const seed = await seedBusiness(api);
  const venue = await api.request({ method: 'PATCH', url: `/v1/meetings/${seed.meetings.raisedAt}`, payload: { venue: 'Committee Room 2' } });
  t.equal(venue.statusCode, 200);
  await api.app.services.webhookDeliveries.tick();

  for (const { name, sees } of subscribers) {
    const received = inboxes.get(name)!.received;
    const bodies = received.map((r) => r.body.toString('utf8'));
    for (const level of levels) {
      const carrying = bodies.filter((body) => body.includes(LEVEL_MARKER[level])).length;
      if (sees.includes(level)) t.ok(carrying > 0, `${name} receives ${level} business`);
      else t.equal(carrying, 0, `${name} receives nothing ${level}`);
    }
    const types = new Set(received.map((r) => r.json.type));
    for (const type of ['action.created', 'action.updated', 'action.flagged', 'meeting.updated', 'scan.completed']) {
      t.ok(types.has(type), `${name} receives ${type}`);
    }
    // The scan's summary counts public flags alone, whoever receives it.
    const scan = received.find((r) => r.json.type === 'scan.completed')!;
    t.equal(scan.json.data.flagsRecorded, Object.values(seed.actions).filter((a) => a.level === 'public').length);
  }
});
