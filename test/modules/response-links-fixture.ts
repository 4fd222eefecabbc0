import type { TestApp } from '../helper.js';
import { committee, meeting } from '../helper.js';

/** A committee, two meetings, an owner and an action owned by them; ids returned. */
export async function linkedAction(api: TestApp, action: Record<string, unknown> = {}, committeeName = 'Health Scrutiny Committee') {
  const committeeId = await committee(api, { name: committeeName });
  const raisedAt = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
  await meeting(api, committeeId, { startsAt: '2024-09-16T18:30:00+01:00' });
  const person = async (name: string) => {
    const res = await api.request({ method: 'POST', url: '/v1/people', payload: { name, kind: 'officer', email: `${name.split(' ')[0]!.toLowerCase()}@example.gov.uk` } });
    return res.json().id as number;
  };
  const ownerId = await person('Jane Officer');
  const otherId = await person('Sam Other');

  const res = await api.request({
    method: 'POST',
    url: '/v1/actions',
    payload: { meetingId: raisedAt, kind: 'update', title: 'Update on school transport', detail: 'Members asked for figures.', ownerId, ...action },
  });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return { committeeId, raisedAt, ownerId, otherId, actionId: res.json().id as number };
}

export async function issueLink(api: TestApp, actionId: number, personId: number) {
  const res = await api.request({ method: 'POST', url: `/v1/actions/${actionId}/response-links`, payload: { personId } });
  if (res.statusCode !== 201) throw new Error(`link: ${res.statusCode} ${res.body}`);
  const body = res.json() as { id: number; url: string; expiresAt: string };
  return { ...body, path: new URL(body.url).pathname };
}

/** The hidden nonce and check of the page's first form. */
export function formFields(html: string): { nonce: string; check: string } {
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1];
  const check = /name="check" value="([^"]+)"/.exec(html)?.[1];
  if (!nonce || !check) throw new Error('no form token on the page');
  return { nonce, check };
}

export function form(fields: Record<string, string>) {
  return { payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}
