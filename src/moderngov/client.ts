import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { compile } from 'html-to-text';
import { createAgents, GetFailed, httpGet, type Answer } from './http-get.js';

// A client for the three operations of Modern.gov's web service the sync reads (facts in
// ../shared/moderngov.md): GetCommittees, GetMeetings and GetMeeting, over plain HTTP GET with
// query parameters, answered in XML. Every field is treated as optional: installs differ.
// Requests time out, name the service in their User-Agent, go at most two at a time to one
// host, and are conditional (If-None-Match / If-Modified-Since) when the host sent validators.
// Anything but XML of the expected shape — a firewall's 403, an HTML challenge page, garbage,
// silence — is a ModernGovError naming the URL and what came back. A meeting whose XML is the
// same as last time is not parsed again: most of a sync's meetings have not changed since the last.

export const USER_AGENT = 'ScrutinyTracker-ModernGovSync/1.0 (+council scrutiny follow-ups)';
export const DEFAULT_TIMEOUT_MS = 30_000;
const PER_HOST = 2;
const FIRST_BYTES = 200;
/** Parsed meetings remembered by one client (a council lists a few thousand in a sync's window). */
const MAX_PARSED = 50_000;

export class ModernGovError extends Error {
  override name = 'ModernGovError';
  constructor(
    readonly url: string,
    /** The HTTP status, when an answer came. */
    readonly status: number | null,
    /** What was wrong: "HTTP 403", "not XML", "timed out after 30000 ms", a parse error. */
    readonly reason: string,
    /** The first bytes of what came back. */
    readonly body: string | null,
  ) {
    super(`GET ${url}: ${reason}${body ? `: ${JSON.stringify(body)}` : ''}`);
  }
}

export interface MgCommittee {
  id: string;
  title: string;
  deleted: boolean;
  expired: boolean;
  category: string | null;
}

export interface MgMeetingSummary {
  id: string;
  /** dd/mm/yyyy as given. */
  date: string | null;
  /** "6.30 pm" as given. */
  time: string | null;
  status: string | null;
}

export interface MgItem {
  id: string;
  title: string;
  number: string | null;
  /** The item's minutes as plain text (converted from the escaped HTML); '' when none. */
  minutes: string;
  restricted: boolean;
  /** The Schedule 12A paragraph its restriction names, if any. */
  exemptParagraph: number | null;
}

export interface MgMeeting extends MgMeetingSummary {
  location: string | null;
  minutesPublished: boolean;
  items: MgItem[];
}

export interface ModernGovClientOptions {
  timeoutMs?: number;
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Lists that may hold one element; GetMeeting's own <meeting> root is not one.
  isArray: (name, jPath) => ['committee', 'agendaitem', 'linkeddoc', 'attendee'].includes(name) || (name === 'meeting' && String(jPath) !== 'meeting'),
});

const textOf = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && '#text' in (value as Node)) return textOf((value as Node)['#text']);
  return null;
};
const boolOf = (value: unknown) => /^(true|1|yes)$/i.test(textOf(value) ?? '');
const listOf = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : value && typeof value === 'object' ? [value as Node] : []);

// Compiled once: html-to-text's convert() would compile its options on every call.
const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
});

/** Escaped HTML (already unescaped by the XML parser) as plain text, paragraphs kept. */
export function htmlToPlainText(html: string | null): string {
  if (!html) return '';
  return toText(html)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** "Paragraph 3", "para 3", "Information relating to … (Paragraph 3)": the paragraph, if one is named. */
export function paragraphIn(text: string | null): number | null {
  const m = /\bpara(?:graph)?s?\.?\s*([1-7])\b/i.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

/** At most `limit` tasks at once. */
function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export function createModernGovClient(baseUrl: string, options: ModernGovClientOptions = {}) {
  const base = baseUrl.replace(/\/+$/, '').replace(/\/mgWebService\.asmx$/i, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agents = createAgents(PER_HOST);
  const hosts = new Map<string, ReturnType<typeof limiter>>();
  /** The last answer per URL with its validators, for conditional GETs. */
  const cache = new Map<string, { etag: string | null; lastModified: string | null; body: string }>();
  /** The last meeting read per URL, by the hash of the XML it was read from. */
  const parsedMeetings = new Map<string, { hash: string; meeting: MgMeeting }>();

  const urlOf = (operation: string, params: Record<string, string>) =>
    `${base}/mgWebService.asmx/${operation}?${new URLSearchParams(params).toString()}`;

  /**
   * One GET, tried a second time when the connection was dropped without an answer: a kept-alive
   * connection the host closed just as it was reused (common under load) is no failure of the host.
   */
  async function getOnce(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    try {
      return await httpGet(url, headers, signal, agents);
    } catch (err) {
      if (signal.aborted || !(err instanceof GetFailed) || err.stage !== 'sent') throw err;
      return httpGet(url, headers, signal, agents);
    }
  }

  async function get(url: string): Promise<string> {
    const host = new URL(url).host;
    let limit = hosts.get(host);
    if (!limit) hosts.set(host, (limit = limiter(PER_HOST)));
    return limit(async () => {
      const cached = cache.get(url);
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'text/xml, application/xml' };
      if (cached?.etag) headers['if-none-match'] = cached.etag;
      if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        let response: Answer;
        try {
          response = await getOnce(url, headers, controller.signal);
        } catch (err) {
          if (err instanceof GetFailed && err.stage === 'cut') {
            throw new ModernGovError(url, null, controller.signal.aborted ? `timed out after ${timeoutMs} ms reading the answer` : 'the answer was cut off', null);
          }
          const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : `no answer (${(err as Error).message})`;
          throw new ModernGovError(url, null, reason, null);
        }
        const { status, body } = response;
        if (status === 304 && cached) return cached.body;
        if (status !== 200) {
          throw new ModernGovError(url, status, `HTTP ${status}${contentTypeOf(response)}`, body.slice(0, FIRST_BYTES));
        }
        const etag = headerOf(response, 'etag');
        const lastModified = headerOf(response, 'last-modified');
        if (etag || lastModified) cache.set(url, { etag, lastModified, body });
        return body;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  const headerOf = (response: Answer, name: string): string | null => {
    const value = response.headers[name];
    return (Array.isArray(value) ? value.join(', ') : value) ?? null;
  };

  const contentTypeOf = (response: Answer) => {
    const type = headerOf(response, 'content-type');
    return type ? ` (${type.split(';')[0]})` : '';
  };

  /** The XML's root element, checked: HTML, garbage or another shape is an error naming the URL. */
  async function rootOf(url: string, root: string): Promise<Node> {
    return rootIn(url, await get(url), root);
  }

  function rootIn(url: string, body: string, root: string): Node {
    const start = body.replace(/^\uFEFF/, '').trimStart();
    const first = body.slice(0, FIRST_BYTES);
    if (/^<!doctype html|^<html[\s>]/i.test(start)) throw new ModernGovError(url, 200, 'an HTML page, not XML (a firewall or challenge page?)', first);
    if (!start.startsWith('<')) throw new ModernGovError(url, 200, 'not XML', first);
    const valid = XMLValidator.validate(body);
    if (valid !== true) {
      throw new ModernGovError(url, 200, `malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`, first);
    }
    const doc = parser.parse(body) as Node;
    const node = doc[root];
    if (node === undefined) throw new ModernGovError(url, 200, `XML without <${root}>`, first);
    return (node && typeof node === 'object' ? node : {}) as Node;
  }

  const meetingSummary = (m: Node): MgMeetingSummary => ({
    id: textOf(m.meetingid) ?? '',
    date: textOf(m.meetingdate),
    time: textOf(m.meetingtime),
    status: textOf(m.meetingstatus),
  });

  return {
    baseUrl: base,

    async committees(): Promise<{ url: string; committees: MgCommittee[] }> {
      const url = urlOf('GetCommittees', { lDays: '0' });
      const root = await rootOf(url, 'committees');
      const committees = listOf(root.committee)
        .map((c) => ({
          id: textOf(c.committeeid) ?? '',
          title: textOf(c.committeetitle) ?? '',
          deleted: boolOf(c.committeedeleted),
          expired: boolOf(c.committeeexpired),
          category: textOf(c.committeecategory),
        }))
        .filter((c) => c.id !== '' && c.title !== '');
      return { url, committees };
    },

    /** Dates as dd/mm/yyyy; some installs ignore the range, so the caller filters too. */
    async meetings(committeeId: string, from: string, to: string): Promise<{ url: string; meetings: MgMeetingSummary[] }> {
      const url = urlOf('GetMeetings', { lCommitteeId: committeeId, sFromDate: from, sToDate: to });
      const root = await rootOf(url, 'getmeetings');
      const meetings = listOf(root.committee).flatMap((c) => {
        const holder = c.committeemeetings as Node | undefined;
        return listOf(holder?.meeting).map(meetingSummary);
      });
      return { url, meetings: meetings.filter((m) => m.id !== '') };
    },

    async meeting(meetingId: string): Promise<{ url: string; meeting: MgMeeting }> {
      const url = urlOf('GetMeeting', { lMeetingId: meetingId });
      const body = await get(url);
      const hash = createHash('sha1').update(body).digest('base64');
      const known = parsedMeetings.get(url);
      if (known?.hash === hash) return { url, meeting: known.meeting };
      const root = rootIn(url, body, 'meeting');
      const holder = root.agendaitems as Node | undefined;
      const items = listOf(holder?.agendaitem).map((item): MgItem => {
        const docs = listOf((item.linkeddocuments as Node | undefined)?.linkeddoc);
        const restrictions = [textOf(item.restrictionsref), textOf(item.restrictionsRef), ...docs.map((d) => textOf(d.restrictionsRef) ?? textOf(d.restrictionsref))];
        const number = textOf(item.fulldisplaynumberformat)
          ?? ([textOf(item.agendaitemnumber), textOf(item.agendaitemsubnumber)].filter(Boolean).join('') || null);
        return {
          id: textOf(item.agendaitemid) ?? '',
          title: htmlToPlainText(textOf(item.agendaitemtitle)) || 'Untitled item',
          number,
          minutes: htmlToPlainText(textOf(item.minutesnonemptyhtmlbody)),
          restricted: boolOf(item.isrestricted),
          exemptParagraph: restrictions.map(paragraphIn).find((p) => p !== null) ?? null,
        };
      });
      const meeting: MgMeeting = {
        ...meetingSummary(root),
        location: htmlToPlainText(textOf(root.meetinglocation)) || null,
        minutesPublished: boolOf(root.minutepublished),
        items: items.filter((i) => i.id !== ''),
      };
      if (parsedMeetings.size >= MAX_PARSED) parsedMeetings.clear();
      parsedMeetings.set(url, { hash, meeting });
      return { url, meeting };
    },
  };
}

export type ModernGovClient = ReturnType<typeof createModernGovClient>;
