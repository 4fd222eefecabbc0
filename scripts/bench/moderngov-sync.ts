import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../src/db/engine.js';
import { createServices } from '../../src/services.js';
import type { Row } from './table.js';

// The Modern.gov sync's cost (issue 15): 50 committees × 10 years of monthly meetings (each with
// five agenda items, the past ones with minutes) from a local web service of the bench's own,
// synced into a fresh database file: the first sync (everything created and drafted) ≤ 30 s, a
// second with nothing changed (nothing written) ≤ 5 s.

export const MODERNGOV_SYNC = 'Modern.gov sync';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const pad = (n: number) => String(n).padStart(2, '0');

/** A web service answering GetCommittees, GetMeetings and GetMeeting for `committees` × `years`. */
async function startService(committees: number, years: number, firstYear: number) {
  const meetingsOf = (c: number) =>
    Array.from({ length: years * 12 }, (_, i) => ({
      id: String(c * 10_000 + i), date: `${pad(8 + (c % 14))}/${pad((i % 12) + 1)}/${firstYear + Math.floor(i / 12)}`,
      status: i % 17 === 5 ? 'Cancelled' : 'Confirmed',
    }));
  const meetingXml = (id: number) => {
    const c = Math.floor(id / 10_000);
    const m = meetingsOf(c)[id % 10_000]!;
    const items = Array.from({ length: 5 }, (_, k) =>
      `<agendaitem><agendaitemid>${id * 10 + k}</agendaitemid><agendaitemtitle>Item ${k + 1} of meeting ${id}</agendaitemtitle><fulldisplaynumberformat>${k + 1}</fulldisplaynumberformat>` +
      `<minutesnonemptyhtmlbody>${esc(`<p>The committee considered item ${k + 1}.</p><p>Members requested an update be provided to the next meeting on topic ${k + 1}.</p><p><strong>RESOLVED:</strong> That the report be noted.</p>`)}</minutesnonemptyhtmlbody>` +
      `<isrestricted>${k === 4 ? 'True' : 'False'}</isrestricted>${k === 4 ? '<linkeddocuments><linkeddoc><restrictionsRef>Paragraph 3</restrictionsRef></linkeddoc></linkeddocuments>' : ''}</agendaitem>`);
    return `<?xml version="1.0" encoding="utf-8"?><meeting><meetingid>${id}</meetingid><meetingdate>${m.date}</meetingdate><meetingstatus>${m.status}</meetingstatus><meetingtime>6.30 pm</meetingtime><meetinglocation>Council Chamber</meetinglocation><agendaitems>${items.join('')}</agendaitems></meeting>`;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bench');
    const op = url.pathname.split('/').pop();
    let xml = '';
    if (op === 'GetCommittees') {
      xml = `<?xml version="1.0"?><committees><committeescount>${committees}</committeescount>${Array.from({ length: committees }, (_, c) =>
        `<committee><committeeid>${c + 1}</committeeid><committeetitle>Scrutiny Committee ${c + 1}</committeetitle><committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>`).join('')}</committees>`;
    } else if (op === 'GetMeetings') {
      const c = Number(url.searchParams.get('lCommitteeId'));
      xml = `<?xml version="1.0"?><getmeetings><committee><committeeid>${c}</committeeid><committeemeetings>${meetingsOf(c)
        .map((m) => `<meeting><meetingid>${m.id}</meetingid><meetingdate>${m.date}</meetingdate><meetingstatus>${m.status}</meetingstatus><meetingtime>6.30 pm</meetingtime></meeting>`).join('')}</committeemeetings></committee></getmeetings>`;
    } else {
      xml = meetingXml(Number(url.searchParams.get('lMeetingId')));
    }
    res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Rows for the table: the first sync and a second with nothing changed, seconds. */
export async function measureModernGovSync(log: (message: string) => void, committees = 50, years = 10): Promise<Row[]> {
  const firstYear = new Date().getUTCFullYear() - years + 1;
  const service = await startService(committees, years, firstYear);
  const dir = mkdtempSync(join(tmpdir(), 'scrutiny-bench-sync-'));
  const engine = await openEngine({ databasePath: join(dir, 'sync.sqlite'), databaseSynchronous: 'NORMAL' });
  const services = createServices(engine, { moderngov: { url: service.url } });
  try {
    const window = { from: `${firstYear}-01-01`, to: `${firstYear + years - 1}-12-31` };
    const timed = async () => {
      const started = performance.now();
      const summary = await services.moderngovSync.run(window);
      if (summary.errors.length > 0) throw new Error(`sync errors: ${JSON.stringify(summary.errors[0])}`);
      return { seconds: (performance.now() - started) / 1000, summary };
    };
    const first = await timed();
    log(`  ${MODERNGOV_SYNC} first: ${first.seconds.toFixed(1)} s, ${first.summary.meetings.created} meetings, ${first.summary.drafts.created} drafts`);
    const second = await timed();
    log(`  ${MODERNGOV_SYNC} unchanged: ${second.seconds.toFixed(1)} s`);
    const wrote = second.summary.meetings.created + second.summary.meetings.updated + second.summary.items.created + second.summary.items.updated + second.summary.drafts.created + second.summary.drafts.updated;
    const label = `${committees} committees × ${years} years`;
    return [
      { scenario: `${MODERNGOV_SYNC}, ${label}, first sync: s`, rps: null, p50: first.seconds, p99: first.seconds, ratio: null, target: '≤ 30 s', met: first.seconds <= 30 },
      { scenario: `${MODERNGOV_SYNC}, ${label}, nothing changed: s`, rps: null, p50: second.seconds, p99: second.seconds, ratio: null, target: '≤ 5 s', met: second.seconds <= 5 && wrote === 0, ...(wrote ? { note: `${wrote} writes` } : {}) },
    ];
  } finally {
    services.mailer.close();
    await engine.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
