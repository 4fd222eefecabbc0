import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { MalformedRequestError } from '../errors.js';
import { problem, problemOf, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

// Requests Node's HTTP parser refuses (malformed request lines, headers over the size limit, a
// request that took too long) never reach Fastify's routes or error handler: Node emits
// `clientError` with the bare socket. They are answered in the one error shape all the same,
// written as a raw HTTP response, and the connection is closed (its framing cannot be trusted).

function problemFor(code: string | undefined): Problem {
  if (code === 'HPE_HEADER_OVERFLOW') return problem(431, 'The request headers are too large');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return problem(408, 'The request was not received in time');
  return problemOf(new MalformedRequestError());
}

/** For Fastify's `clientErrorHandler` option; called with the app as `this`. */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body = problemFor(error.code);
  const { status } = body;
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        'Connection: close\r\n\r\n' +
        json,
    );
  }
  socket.destroy(error);
}
