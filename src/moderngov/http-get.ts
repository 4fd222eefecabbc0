import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

// The Modern.gov client's GET, on node:http(s) with kept-alive connections rather than the global
// fetch: a sync asks one host for a few thousand small documents, and fetch's machinery (WHATWG
// streams, Request and Response objects per call) cost about three times the processor time of
// node:http for the same requests, which with nothing changed was most of a sync. It does what
// fetch did for the client: follows redirects (hosts move), asks for and undoes gzip, deflate and
// br, and reads the body as UTF-8 (a byte-order mark dropped).

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Why a GET got no complete answer: none came (`sent`), or it stopped part way (`cut`). */
export class GetFailed extends Error {
  constructor(readonly stage: 'sent' | 'cut', override readonly cause: Error) {
    super(cause.message);
  }
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Kept-alive connections, at most `perHost` to one host. */
export function createAgents(perHost: number) {
  const options = { keepAlive: true, maxSockets: perHost };
  return { http: new HttpAgent(options), https: new HttpsAgent(options) };
}

export type Agents = ReturnType<typeof createAgents>;

function bodyOf(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return res.pipe(createGunzip());
  if (encoding === 'deflate') return res.pipe(createInflate());
  if (encoding === 'br') return res.pipe(createBrotliDecompress());
  return res;
}

function once(url: URL, headers: Record<string, string>, signal: AbortSignal, agents: Agents): Promise<{ res: IncomingMessage; body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(url, { headers: { ...headers, 'accept-encoding': 'gzip, deflate, br' }, agent: https ? agents.https : agents.http, signal });
    req.once('error', (err) => reject(new GetFailed('sent', err)));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      const body = new Promise<string>((done, fail) => {
        const stream = bodyOf(res);
        const cut = (err?: Error) => fail(new GetFailed('cut', err ?? new Error('the answer was cut off')));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.once('error', cut);
        res.once('error', cut);
        res.once('aborted', () => cut());
        stream.once('end', () => (res.complete ? done(new TextDecoder('utf-8').decode(Buffer.concat(chunks))) : cut()));
      });
      // Nobody waits on a redirect's body: its failure is no one's.
      body.catch(() => undefined);
      resolve({ res, body });
    });
    req.end();
  });
}

/** GET `url`, following redirects; rejects with GetFailed when no complete answer came. */
export async function httpGet(url: string, headers: Record<string, string>, signal: AbortSignal, agents: Agents): Promise<Answer> {
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    const { res, body } = await once(target, headers, signal, agents);
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && location && hop < MAX_REDIRECTS) {
      res.resume();
      target = new URL(location, target);
      continue;
    }
    return { status: res.statusCode ?? 0, headers: res.headers, body: await body };
  }
}
