import { committee, meeting, sqlRun, type TestApp } from '../helper.js';

// A committee's agenda-pack material for the document tests: a held meeting that raised actions
// (one with a long text and detail, one in an exempt item, one confidential), the next meeting,
// progress updates, RAG ratings and flags at three meetings.

export const AS_OF = '2024-08-23';
export const LONG_TITLE =
  'That the Director of Children\'s Services provide a written update on home-to-school transport for pupils with special ' +
  'educational needs, including the number of routes retendered since April, the cost per pupil and the complaints received';
export const DETAIL = 'Members asked in particular about routes in Widnes & Runcorn, and <b>why</b> costs rose by 12%.';
export const EXEMPT_TITLE = 'Confidential figures on the Part 2 property disposal';
export const CONFIDENTIAL_TITLE = 'Legal advice on the disputed contract';

export async function seedDocuments(api: TestApp) {
  const committeeId = await committee(api, { name: 'Children and Young People Policy and Performance Board', authority: 'Halton Borough Council' });
  const june = await meeting(api, committeeId, { startsAt: '2024-06-10T18:30:00+01:00', status: 'held' });
  const july = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00', status: 'held' });
  const may = await meeting(api, committeeId, { startsAt: '2024-05-13T18:30:00+01:00', status: 'held' });
  const september = await meeting(api, committeeId, { startsAt: '2024-09-02T18:30:00+01:00', venue: 'Council Chamber, Municipal Building' });
  const item = async (meetingId: number, body: Record<string, unknown>) =>
    (await api.request({ method: 'POST', url: `/v1/meetings/${meetingId}/items`, payload: body })).json().id as number;
  const publicItem = await item(july, { number: '16', title: 'Home to school transport' });
  const exemptItem = await item(july, { number: '24', title: 'Property disposal', visibility: 'exempt', exemptParagraph: 3 });
  const owner = (await api.request({ method: 'POST', url: '/v1/people', payload: { name: 'Jane Officer', kind: 'officer', role: 'Director of Children\'s Services' } })).json().id as number;
  const post = async (body: Record<string, unknown>) => {
    const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId: july, kind: 'update', ...body } });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().id as number;
  };
  const transport = await post({ title: LONG_TITLE, detail: DETAIL, itemId: publicItem, ownerId: owner });
  const figures = await post({ title: 'Attendance figures by school', dueDate: '2024-08-01', ownerText: 'Head of Education', rag: 'red' });
  const later = await post({ title: 'Youth service review', dueQuarter: '2024-25 Q3' });
  const exempt = await post({ title: EXEMPT_TITLE, itemId: exemptItem });
  const confidential = await post({ title: CONFIDENTIAL_TITLE, visibility: 'confidential' });
  const closed = await post({ title: 'Closed question on libraries' });
  await api.request({ method: 'PATCH', url: `/v1/actions/${closed}`, payload: { status: 'responded', response: 'Answered.' } });
  await api.request({ method: 'PATCH', url: `/v1/actions/${closed}`, payload: { status: 'closed' } });
  for (const [text, rag] of [['Routes are being retendered.', 'red'], ['Retendering complete; figures follow in September.', 'amber']] as const) {
    const res = await api.request({ method: 'POST', url: `/v1/actions/${transport}/updates`, payload: { text, rag } });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  // Flagged at three meetings: written as the scans of those meetings would have.
  for (const [i, meetingId] of [may, june, july].entries()) {
    await sqlRun(api.app, 'INSERT INTO overdue_flags (action_id, meeting_id, flagged_on, reason) VALUES (?, ?, ?, ?)', transport, meetingId, `2024-0${5 + i}-01`, 'test');
  }
  return { committeeId, july, september, transport, figures, later, exempt, confidential, closed };
}
