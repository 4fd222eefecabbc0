import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Test } from 'tap';

// A fake Modern.gov web service of the project's own, on 127.0.0.1: GetCommittees, GetMeetings
// and GetMeeting over HTTP GET, answering XML written here in the shapes ../shared/moderngov.md
// describes. Tests change its state between syncs, and can make one URL answer as a firewall
// (403 HTML), with garbage, or not at all.

export interface FakeItem {
  id: string;
  title: string;
  number?: string;
  /** The item's minutes as HTML (sent escaped, as the service does). */
  minutesHtml?: string;
  restricted?: boolean;
  /** Sent on a linked document of the item, e.g. "Paragraph 3". */
  restrictionsRef?: string;
}

export interface FakeMeeting {
  id: string;
  /** dd/mm/yyyy */
  date: string;
  time: string;
  status: string;
  location?: string;
  items?: FakeItem[];
}

export interface FakeCommittee {
  id: string;
  title: string;
  deleted?: boolean;
  expired?: boolean;
  meetings: FakeMeeting[];
}

/**
 * `reset-once`: the connection is dropped without an answer the first time, as a kept-alive
 * socket the host has just closed. `moved`: a 301 to the same operation under /new/ (a host that
 * moved). `gzip`: the XML gzipped, as IIS sends it.
 */
export type Misbehaviour = 'waf' | 'html' | 'garbage' | 'hang' | 'truncated' | 'reset-once' | 'moved' | 'gzip';

export interface FakeModernGov {
  url: string;
  committees: FakeCommittee[];
  /** Misbehaviours by "Operation" or "Operation?param=value". */
  misbehave: Map<string, Misbehaviour>;
  /** Send ETag validators and answer 304 to a matching If-None-Match. */
  etags: boolean;
  requests: { path: string; userAgent: string | undefined; conditional: boolean }[];
  maxInFlight: number;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const tag = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${name}>${esc(typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value))}</${name}>`;

function committeesXml(committees: FakeCommittee[]) {
  return `<?xml version="1.0" encoding="utf-8"?>
<committees><committeescount>${committees.length}</committeescount>${committees
    .map((c) => `<committee>${tag('committeeid', c.id)}${tag('committeetitle', c.title)}${tag('committeedeleted', c.deleted ?? false)}${tag('committeeexpired', c.expired ?? false)}${tag('committeecategory', 'Scrutiny')}</committee>`)
    .join('\n')}</committees>`;
}

function meetingsXml(c: FakeCommittee) {
  return `<?xml version="1.0" encoding="utf-8"?>
<getmeetings><committee>${tag('committeeid', c.id)}${tag('committeetitle', c.title)}${tag('committeemeetingcount', c.meetings.length)}<committeemeetings>${c.meetings
    .map((m) => `<meeting>${tag('meetingid', m.id)}${tag('meetingdate', m.date)}${tag('meetingstatus', m.status)}${tag('meetingtime', m.time)}${tag('iswebcast', false)}</meeting>`)
    .join('\n')}</committeemeetings></committee></getmeetings>`;
}

function meetingXml(m: FakeMeeting) {
  const items = (m.items ?? []).map((item, i) => `<agendaitem>${tag('agendaitemid', item.id)}${tag('agendaitemtitle', item.title)}${tag('agendaitemnumber', item.number ?? String(i + 1))}${tag('agendaitemsubnumber', '')}${tag('fulldisplaynumberformat', item.number ?? String(i + 1))}${tag('agendatext', '<p>See the report.</p>')}${tag('minutesnonemptyhtmlbody', item.minutesHtml)}${tag('isrestricted', item.restricted ?? false)}${tag('isdecision', false)}${tag('iscallin', false)}${tag('declarationcount', 0)}<linkeddocuments>${item.restrictionsRef ? `<linkeddoc>${tag('title', 'Report')}${tag('url', 'https://example.invalid/doc.pdf')}${tag('isrestricted', true)}${tag('restrictionsRef', item.restrictionsRef)}</linkeddoc>` : ''}</linkeddocuments></agendaitem>`);
  return `<?xml version="1.0" encoding="utf-8"?>
<meeting>${tag('meetingid', m.id)}${tag('meetingdate', m.date)}${tag('meetingstatus', m.status)}${tag('meetingtime', m.time)}${tag('meetinglocation', m.location ?? 'Council Chamber, Town Hall')}${tag('agendapublished', true)}${tag('decisionpublished', false)}${tag('minutepublished', (m.items ?? []).some((i) => i.minutesHtml))}<agendaitems>${items.join('\n')}</agendaitems><attendees><attendee memberid="1" name="Councillor Example" roledescription="Chair" attendance="Present"/></attendees></meeting>`;
}

/** How long a request alone waits for a second before it is answered. */
const PAIR_WAIT_MS = 50;

export async function startFakeModernGov(t: Test, committees: FakeCommittee[] = []): Promise<FakeModernGov> {
  let inFlight = 0;
  const hanging = new Set<ServerResponse>();
  const fake: FakeModernGov = { url: '', committees, misbehave: new Map(), etags: false, requests: [], maxInFlight: 0 };

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const operation = url.pathname.replace(/^.*\/mgWebService\.asmx\//, '');
    fake.requests.push({ path: `${url.pathname}${url.search}`, userAgent: req.headers['user-agent'], conditional: Boolean(req.headers['if-none-match']) });
    const key = [...url.searchParams].map(([k, v]) => `${operation}?${k}=${v}`).find((k) => fake.misbehave.has(k)) ?? operation;
    const misbehaviour = fake.misbehave.get(key);
    if (misbehaviour === 'reset-once') {
      fake.misbehave.delete(key);
      req.socket.destroy();
      return;
    }
    if (misbehaviour === 'moved' && !url.pathname.startsWith('/new/')) {
      res.writeHead(301, { location: `/new${url.pathname}${url.search}`, 'content-type': 'text/html' }).end('<html><body>Moved</body></html>');
      return;
    }
    if (misbehaviour === 'hang') {
      hanging.add(res);
      return;
    }
    if (misbehaviour === 'waf') {
      res.writeHead(403, { 'content-type': 'text/html' }).end('<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator. Your support ID is: 1234</body></html>');
      return;
    }
    if (misbehaviour === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Checking your browser before accessing the site…</body></html>');
      return;
    }
    if (misbehaviour === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<?xml version="1.0"?><getmeetings><committee><committeeid>1</committee></getmeetings');
      return;
    }
    let xml: string | null = null;
    if (operation === 'GetCommittees') xml = committeesXml(fake.committees);
    if (operation === 'GetMeetings') {
      const c = fake.committees.find((x) => x.id === url.searchParams.get('lCommitteeId'));
      xml = c ? meetingsXml(c) : '<?xml version="1.0"?><getmeetings></getmeetings>';
    }
    if (operation === 'GetMeeting') {
      const m = fake.committees.flatMap((c) => c.meetings).find((x) => x.id === url.searchParams.get('lMeetingId'));
      xml = m ? meetingXml(m) : null;
    }
    if (xml === null) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Object reference not set to an instance of an object.');
      return;
    }
    if (misbehaviour === 'truncated') xml = xml.slice(0, Math.floor(xml.length / 2));
    if (fake.etags) {
      const etag = `"${Buffer.from(xml).toString('base64').length}-${xml.length}-${[...xml].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.setHeader('etag', etag);
    }
    if (misbehaviour === 'gzip') {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': 'gzip' }).end(gzipSync(xml));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(xml);
  };

  // Latency, so that concurrent requests overlap and the in-flight cap is tested: a request is
  // answered 2 ms after a second one arrives, or after PAIR_WAIT_MS if none does. A fixed 2 ms was
  // not enough on a loaded machine, where opening the second connection took longer.
  let alone: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const answerSoon = () => setTimeout(() => answer(req, res), 2);
    if (alone) {
      alone();
      alone = undefined;
      answerSoon();
      return;
    }
    const waiting = setTimeout(() => {
      alone = undefined;
      answer(req, res);
    }, PAIR_WAIT_MS);
    alone = () => {
      clearTimeout(waiting);
      answerSoon();
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return fake;
}
