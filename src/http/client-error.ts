import type { FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problem, PROBLEM_CONTENT_TYPE } from './problem.js';

// Requests Node's HTTP parser refuses (malformed request lines, headers over the size limit, a
// request that took too long) never reach Fastify's routes or error handler: Node emits
// `clientError` with the bare socket. They are answered in the one error shape all the same,
// written as a raw HTTP response, and the connection is closed (its framing cannot be trusted).

function statusOf(code: string | undefined): { status: number; detail: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, detail: 'The request headers are too large' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, detail: 'The request was not received in time' };
  return { status: 400, detail: 'The request is not valid HTTP' };
}

/** For Fastify's `clientErrorHandler` option; called with the app as `this`. */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = statusOf(error.code);
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(problem(status, detail, status === 400 ? 'SCRUTINY_MALFORMED_REQUEST' : undefined));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
