import Fastify from 'fastify';
import { ActionSchema } from '../../src/modules/actions/schemas.js';

// The framework ceiling: a bare Fastify route that validates the id and serialises an
// action-shaped object from memory with the real response schema. No database, no hooks.

const action = {
  id: 1, reference: 'CYPF (24/25) 07', committeeId: 3, meetingId: 120, itemId: 961, resolutionId: 1433, kind: 'update',
  title: 'An update be provided to the committee on damp and mould: the action plan',
  detail: 'Members were concerned about the pace of improvement and asked for figures by ward. The Director agreed to bring the figures to the next meeting.',
  requestedById: 40, ownerId: 7, ownerText: null, dueRule: 'next_meeting', dueMeetingId: 121,
  dueDate: '2024-07-05', dueQuarter: null, status: 'open', rag: 'amber', response: null,
  respondedOn: null, respondedMeetingId: null, visibility: 'public', directedTo: null,
  receivedOn: null, noticeOn: null, responseDueOn: null, executiveResponse: null,
  responseReason: null, overdue: false, timesFlagged: 0, version: 2,
  createdAt: '2024-06-10T17:30:00.000Z', updatedAt: '2024-06-20T16:00:00.000Z',
};

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get<{ Params: { id: number } }>('/v1/actions/:id', {
  schema: {
    params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
    response: { 200: ActionSchema },
  },
}, async (request) => ({ ...action, id: request.params.id }));

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
