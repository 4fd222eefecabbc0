import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The Modern.gov web service the bench's sync reads (issue 15), in a process of its own: every
// answer is built once at start, so what the bench times is the sync (its requests, parses,
// lookups and writes), not the XML generation of a service that in life runs on another host.
// `node --import tsx moderngov-service.ts COMMITTEES YEARS FIRST_YEAR` answers GetCommittees,
// GetMeetings and GetMeeting for COMMITTEES × YEARS of monthly meetings (five agenda items each,
// the last restricted, every one with minutes; one in seventeen cancelled), prints its URL on one
// line once listening, and stops on SIGTERM.

const [committees, years, firstYear] = process.argv.slice(2).map(Number) as [number, number, number];
if (![committees, years, firstYear].every((n) => Number.isInteger(n) && n > 0)) {
  process.stderr.write('usage: moderngov-service.ts COMMITTEES YEARS FIRST_YEAR\n');
  process.exit(2);
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const pad = (n: number) => String(n).padStart(2, '0');

const meetingsOf = (c: number) =>
  Array.from({ length: years * 12 }, (_, i) => ({
    id: c * 10_000 + i,
    date: `${pad(8 + (c % 14))}/${pad((i % 12) + 1)}/${firstYear + Math.floor(i / 12)}`,
    status: i % 17 === 5 ? 'Cancelled' : 'Confirmed',
  }));

function meetingXml(m: { id: number; date: string; status: string }) {
  const items = Array.from({ length: 5 }, (_, k) =>
    `<agendaitem><agendaitemid>${m.id * 10 + k}</agendaitemid><agendaitemtitle>Item ${k + 1} of meeting ${m.id}</agendaitemtitle><fulldisplaynumberformat>${k + 1}</fulldisplaynumberformat>` +
    `<minutesnonemptyhtmlbody>${esc(`<p>The committee considered item ${k + 1}.</p><p>Members requested an update be provided to the next meeting on topic ${k + 1}.</p><p><strong>RESOLVED:</strong> That the report be noted.</p>`)}</minutesnonemptyhtmlbody>` +
    `<isrestricted>${k === 4 ? 'True' : 'False'}</isrestricted>${k === 4 ? '<linkeddocuments><linkeddoc><restrictionsRef>Paragraph 3</restrictionsRef></linkeddoc></linkeddocuments>' : ''}</agendaitem>`);
  return `<?xml version="1.0" encoding="utf-8"?><meeting><meetingid>${m.id}</meetingid><meetingdate>${m.date}</meetingdate><meetingstatus>${m.status}</meetingstatus><meetingtime>6.30 pm</meetingtime><meetinglocation>Council Chamber</meetinglocation><agendaitems>${items.join('')}</agendaitems></meeting>`;
}

/** Every answer by operation and its id parameter. */
const answers = new Map<string, Buffer>();
answers.set('GetCommittees', Buffer.from(`<?xml version="1.0"?><committees><committeescount>${committees}</committeescount>${Array.from({ length: committees }, (_, c) =>
  `<committee><committeeid>${c + 1}</committeeid><committeetitle>Scrutiny Committee ${c + 1}</committeetitle><committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>`).join('')}</committees>`));
for (let c = 1; c <= committees; c++) {
  const meetings = meetingsOf(c);
  answers.set(`GetMeetings ${c}`, Buffer.from(`<?xml version="1.0"?><getmeetings><committee><committeeid>${c}</committeeid><committeemeetings>${meetings
    .map((m) => `<meeting><meetingid>${m.id}</meetingid><meetingdate>${m.date}</meetingdate><meetingstatus>${m.status}</meetingstatus><meetingtime>6.30 pm</meetingtime></meeting>`).join('')}</committeemeetings></committee></getmeetings>`));
  for (const m of meetings) answers.set(`GetMeeting ${m.id}`, Buffer.from(meetingXml(m)));
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bench');
  const op = url.pathname.split('/').pop() ?? '';
  const id = op === 'GetMeetings' ? url.searchParams.get('lCommitteeId') : op === 'GetMeeting' ? url.searchParams.get('lMeetingId') : null;
  const body = answers.get(id === null ? op : `${op} ${id}`);
  if (!body) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('no such operation or id');
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length }).end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
