import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Test } from 'tap';
import { build, committee, meeting, type TestApp } from '../../helper.js';

// A real SMTP server in the test's process on 127.0.0.1 (port 0), closed when the test ends, and
// the committee the notification tests share.

export interface Received {
  to: string[];
  mail: ParsedMail;
}

export interface SmtpServer {
  url: string;
  received: Received[];
  /** The next `n` messages are refused with this SMTP reply (e.g. 554). */
  refuseNext(n: number, code?: number): void;
}

export async function smtpServer(t: Test): Promise<SmtpServer> {
  const received: Received[] = [];
  let refusals = 0;
  let refusalCode = 554;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        if (refusals > 0) {
          refusals--;
          const err = Object.assign(new Error('Mailbox unavailable'), { responseCode: refusalCode });
          return callback(err);
        }
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, received, refuseNext: (n, code = 554) => { refusals = n; refusalCode = code; } };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = new SMTPServer({ logger: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** "Today" for the app: Friday 19 July 2024. */
export const clock = () => new Date('2024-07-19T08:00:00Z');

export async function person(api: TestApp, name: string, extra: Record<string, unknown> = {}): Promise<number> {
  const email = `${name.split(' ')[0]!.toLowerCase()}@example.gov.uk`;
  const res = await api.request({ method: 'POST', url: '/v1/people', payload: { name, kind: 'officer', email, ...extra } });
  if (res.statusCode !== 201) throw new Error(`person: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function action(api: TestApp, meetingId: number, body: Record<string, unknown>): Promise<{ id: number; reference: string }> {
  const res = await api.request({ method: 'POST', url: '/v1/actions', payload: { meetingId, kind: 'update', ...body } });
  if (res.statusCode !== 201) throw new Error(`action: ${res.statusCode} ${res.body}`);
  return { id: res.json().id, reference: res.json().reference };
}

/**
 * The app with SMTP_URL on `smtpUrl`, a committee (contact officer, chair), three meetings and
 * actions: two public ones owned by Jane due soon as of 19 July; an exempt one owned by Olive;
 * a public and an exempt one with no owner; one owned by Pat (opted out), one by Nora (no email).
 */
export async function notificationFixture(t: Test, smtpUrl: string | undefined, config: { databasePath?: string } = {}) {
  const api = await build(t, { smtpUrl, publicBaseUrl: 'https://tracker.example.gov.uk', ...config }, { clock });
  const committeeId = await committee(api, { name: 'Health Scrutiny Committee', contactEmail: 'scrutiny@example.gov.uk' });
  const raisedAt = await meeting(api, committeeId, { startsAt: '2024-07-15T18:30:00+01:00' });
  await meeting(api, committeeId, { startsAt: '2024-09-16T18:30:00+01:00' });
  await meeting(api, committeeId, { startsAt: '2024-10-14T18:30:00+01:00' });
  const jane = await person(api, 'Jane Officer');
  const olive = await person(api, 'Olive Owner');
  const chloe = await person(api, 'Chloe Chair', { kind: 'councillor' });
  const pat = await person(api, 'Pat Optout', { notify: false });
  const nora = await person(api, 'Nora Noemail', { email: null });
  const member = await api.request({ method: 'PUT', url: `/v1/committees/${committeeId}/members/${chloe}`, payload: { role: 'chair' } });
  if (member.statusCode >= 300) throw new Error(`member: ${member.statusCode} ${member.body}`);
  const transport = await action(api, raisedAt, { title: 'Figures on school transport', ownerId: jane, dueDate: '2024-07-26' });
  const waiting = await action(api, raisedAt, { title: 'Waiting times at the walk-in centre', ownerId: jane, dueDate: '2024-07-29' });
  const exempt = await action(api, raisedAt, { title: 'Settlement with the care provider', ownerId: olive, dueDate: '2024-07-30', visibility: 'exempt' });
  const unowned = await action(api, raisedAt, { title: 'Dental access survey', dueDate: '2024-07-30' });
  const unownedExempt = await action(api, raisedAt, { title: 'Named staffing dispute', dueDate: '2024-07-30', visibility: 'exempt' });
  const optedOut = await action(api, raisedAt, { title: 'Pharmacy closures', ownerId: pat, dueDate: '2024-07-26' });
  const noEmail = await action(api, raisedAt, { title: 'GP list sizes', ownerId: nora, dueDate: '2024-07-26' });
  return { api, committeeId, people: { jane, olive, chloe, pat, nora }, actions: { transport, waiting, exempt, unowned, unownedExempt, optedOut, noEmail } };
}

export async function runPass(api: TestApp, body: Record<string, unknown>) {
  const res = await api.request({ method: 'POST', url: '/v1/notifications/run', payload: body });
  if (res.statusCode !== 200) throw new Error(`run: ${res.statusCode} ${res.body}`);
  return res.json() as { asOf: string; dryRun: boolean; emails: { personId: number | null; email: string | null; kinds: string[]; actionIds: number[]; subject: string; status: string; reason: string | null; recipientRoles: string[] }[] };
}

export async function scan(api: TestApp, asOf: string) {
  const res = await api.request({ method: 'POST', url: '/v1/scans/overdue', payload: { asOf } });
  if (res.statusCode !== 200) throw new Error(`scan: ${res.statusCode} ${res.body}`);
}
