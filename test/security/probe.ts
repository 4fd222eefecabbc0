import type { LightMyRequestResponse } from 'fastify';
import JSZip from 'jszip';
import type { Test } from 'tap';
import type { TestApp } from '../helper.js';
import { LEVEL_MARKER, levels, type Level, type Seed } from './seed.js';
import type { Probe } from './visibility-table.js';

// Callers of the leak matrix, with what DESIGN.md says each may do and see — written out here,
// not derived from src/http/auth.ts, so a change to scope expansion shows up as a failure.

export type CallerName = 'anonymous' | 'reader' | 'writer' | 'exempt' | 'confidential' | 'admin';

export interface Caller {
  /** A CallerName in the visibility matrix; other matrices name their own. */
  name: CallerName | (string & {});
  key: (api: TestApp) => string | null;
  scopes: readonly string[];
  sees: readonly Level[];
}

export const callers: readonly Caller[] = [
  { name: 'anonymous', key: () => null, scopes: ['read'], sees: ['public'] },
  { name: 'reader', key: (api) => api.keys.reader, scopes: ['read'], sees: ['public'] },
  { name: 'writer', key: (api) => api.keys.writer, scopes: ['read', 'write'], sees: ['public'] },
  { name: 'exempt', key: (api) => api.keys.exempt, scopes: ['read', 'read:exempt'], sees: ['public', 'exempt'] },
  {
    name: 'confidential', key: (api) => api.keys.confidential,
    scopes: ['read', 'read:exempt', 'read:confidential'], sees: ['public', 'exempt', 'confidential'],
  },
  {
    name: 'admin', key: (api) => api.keys.admin,
    scopes: ['read', 'read:exempt', 'read:confidential', 'write', 'admin'], sees: ['public', 'exempt', 'confidential'],
  },
];

export function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(params[name]));
  });
}

/** A cursor is opaque to clients but readable to a leak hunter: base64url JSON. */
function decodedCursor(cursor: unknown): string {
  return typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
}

export interface Fetched {
  first: LightMyRequestResponse;
  /** Every page's body, headers and decoded cursor: all the text a caller received. */
  text: string;
  /** Parsed JSON of every page (empty unless the response was JSON). */
  pages: unknown[];
}

/** iCalendar text with its folded lines joined again (a CRLF followed by a space or tab). */
export function unfoldCalendar(text: string): string {
  return text.replace(/\r\n[ \t]/g, '');
}

const isWord = (res: LightMyRequestResponse) =>
  String(res.headers['content-type'] ?? '').startsWith('application/vnd.openxmlformats-officedocument.wordprocessingml.document');

/** A Word file's text as its parts hold it: every XML part of the (zip) package, decompressed. */
async function wordText(res: LightMyRequestResponse): Promise<string> {
  const zip = await JSZip.loadAsync(res.rawPayload);
  const parts = await Promise.all(Object.values(zip.files).filter((f) => f.name.endsWith('.xml')).map((f) => f.async('string')));
  return parts.join('\n');
}

/** GETs a URL and, for a JSON list, follows `nextCursor` to the end. */
export async function fetchAll(
  api: TestApp,
  url: string,
  as: string | null,
  headers: Record<string, string> = {},
): Promise<Fetched> {
  const first = await api.request({ method: 'GET', url, as, headers });
  const texts: string[] = [];
  const pages: unknown[] = [];
  let res = first;
  let current = url;
  for (let page = 0; page < 50; page++) {
    // Markdown backslash-escapes punctuation in user text (report-formats.ts): the text as a
    // reader sees it, so that an escaped marker still counts as shown, or as leaked.
    const isMarkdown = String(res.headers['content-type'] ?? '').startsWith('text/markdown');
    // iCalendar folds lines longer than 75 octets (RFC 5545 §3.1): unfolded, as a calendar app reads it.
    const isCalendar = String(res.headers['content-type'] ?? '').startsWith('text/calendar');
    const body = isMarkdown ? res.body.replace(/\\([!-/:-@[-`{-~])/g, '$1') : isCalendar ? unfoldCalendar(res.body) : isWord(res) ? await wordText(res) : res.body;
    texts.push(body, JSON.stringify(res.headers));
    const isJson = String(res.headers['content-type'] ?? '').includes('json');
    const json: unknown = isJson ? res.json() : undefined;
    if (isJson) pages.push(json);
    const cursor = res.statusCode === 200 && isJson ? (json as { nextCursor?: unknown }).nextCursor : undefined;
    texts.push(decodedCursor(cursor));
    if (typeof cursor !== 'string') break;
    const next = new URL(current, 'http://x');
    next.searchParams.set('cursor', cursor);
    current = `${next.pathname}${next.search}`;
    res = await api.request({ method: 'GET', url: current, as, headers });
    if (res.statusCode !== 200) throw new Error(`page ${page + 2} of ${url}: ${res.statusCode} ${res.body}`);
  }
  return { first, text: texts.join('\n'), pages };
}

/** A problem body with the record's id masked, to compare "hidden" with "missing". */
export function maskedProblem(res: LightMyRequestResponse, id: string | number): unknown {
  const body = res.json() as Record<string, unknown>;
  const mask = (v: unknown) => (typeof v === 'string' ? v.replace(new RegExp(`(^|[^0-9])${id}(?![0-9])`, 'g'), '$1{id}') : v);
  const errors = Array.isArray(body.errors)
    ? body.errors.map((e: Record<string, unknown>) => ({ ...e, detail: mask(e.detail) }))
    : body.errors;
  const instance = typeof body.instance === 'string' ? body.instance.replace(new RegExp(`/${id}(?=[/?]|$)`), '/{id}') : body.instance;
  return { ...body, detail: mask(body.detail), instance, errors };
}

const VOLATILE_HEADERS = new Set(['date', 'x-request-id', 'content-length', 'ratelimit', 'ratelimit-policy', 'ratelimit-remaining', 'ratelimit-reset', 'x-ratelimit-remaining', 'x-ratelimit-reset']);

/** The header names of a response, without those whose presence varies by request. */
export function headerNames(res: LightMyRequestResponse): string[] {
  return Object.keys(res.headers).filter((h) => !VOLATILE_HEADERS.has(h)).sort();
}

export function isProblem(res: LightMyRequestResponse): boolean {
  if (!String(res.headers['content-type'] ?? '').startsWith('application/problem+json')) return false;
  const body = res.json() as Record<string, unknown>;
  return (
    typeof body.type === 'string' && typeof body.title === 'string' &&
    body.status === res.statusCode && typeof body.detail === 'string'
  );
}

// The matrix's check of one probe, shared by the visibility and the council matrices.

export const MISSING_ID = 999999;

export type Operation = { 'x-required-scope'?: string };
type OpenApi = { paths: Record<string, Record<string, Operation>> };

export async function openApiGets(api: TestApp): Promise<Map<string, Operation>> {
  const res = await api.request({ method: 'GET', url: '/openapi.json', as: null });
  const doc = res.json() as OpenApi;
  return new Map(
    Object.entries(doc.paths).flatMap(([path, item]) => (item.get ? [[path, item.get] as const] : [])),
  );
}

function describe(caller: Caller, url: string, probe: Probe) {
  return `${caller.name} GET ${url}${probe.headers ? ` ${JSON.stringify(probe.headers)}` : ''}`;
}

/**
 * `alsoHidden`: text that must appear in no response to this caller whatever its scopes (another
 * council's markers, to a key limited to a council).
 */
export async function checkProbe(t: Test, api: TestApp, seed: Seed, caller: Caller, template: string, op: Operation, probe: Probe, alsoHidden: readonly string[] = []) {
  const as = caller.key(api);
  const query = probe.query ? `?${probe.query}` : '';
  const url = `${fillPath(template, probe.params)}${query}`;
  const where = describe(caller, url, probe);
  const { first, text, pages } = await fetchAll(api, url, as, probe.headers);

  for (const level of levels) {
    if (!caller.sees.includes(level)) t.notOk(text.includes(LEVEL_MARKER[level]), `${where}: no ${level} marker`);
  }
  for (const hidden of alsoHidden) t.notOk(text.includes(hidden), `${where}: no ${hidden}`);

  const scope = op['x-required-scope'];
  if (scope && !caller.scopes.includes(scope)) {
    t.equal(first.statusCode, as === null ? 401 : 403, `${where}: refused without ${scope}`);
    t.ok(isProblem(first), `${where}: refusal is problem+json`);
    return;
  }

  if (probe.addresses && !caller.sees.includes(probe.addresses)) {
    const id = probe.params?.id;
    const missing = await api.request({
      method: 'GET', url: `${fillPath(template, { ...probe.params, id: MISSING_ID })}${query}`, as, headers: probe.headers,
    });
    t.equal(first.statusCode, 404, `${where}: hidden ${probe.addresses} record is 404`);
    t.equal(missing.statusCode, 404, `${where}: a missing id is 404 too`);
    t.ok(isProblem(first), `${where}: 404 is problem+json`);
    t.equal(first.headers['content-type'], missing.headers['content-type'], `${where}: same content type as missing`);
    t.same(headerNames(first), headerNames(missing), `${where}: same headers as missing`);
    t.same(maskedProblem(first, id!), maskedProblem(missing, MISSING_ID), `${where}: same problem as missing`);
    return;
  }

  t.equal(first.statusCode, 200, `${where}: 200`);
  if (first.statusCode !== 200) {
    t.comment(first.body);
    return;
  }
  for (const key of probe.shows ?? []) {
    const record = seed.records[key];
    if (caller.sees.includes(record.level)) t.ok(text.includes(record.marker), `${where}: shows ${key}`);
  }
  if (probe.actionIds) {
    const got = pages.flatMap((page) => probe.actionIds!.pick(page)).sort((a, b) => a - b);
    const want = probe.actionIds.of
      .map((k) => seed.actions[k])
      .filter((a) => caller.sees.includes(a.level))
      .map((a) => a.id)
      .sort((a, b) => a - b);
    t.same(got, want, `${where}: exactly the visible actions`);
  }
}

