import type { FastifyReply } from 'fastify';
import { extensions, type DocumentFormat, type RenderedDocument } from '../../documents/formats.js';

/**
 * A rendered document. HTML is sent under its own Content-Security-Policy (its stylesheet
 * allowed by hash, still nothing else), replacing the API's `default-src 'none'` that would leave
 * it unstyled; Word comes as a download named after the document.
 */
export function sendDocument(reply: FastifyReply, rendered: RenderedDocument, format: DocumentFormat, name: string) {
  reply.header('vary', 'accept');
  if (rendered.contentSecurityPolicy) reply.raw.setHeader('Content-Security-Policy', rendered.contentSecurityPolicy);
  if (format === 'docx') reply.header('content-disposition', `attachment; filename="${name}.${extensions[format]}"`);
  return reply.type(rendered.contentType).send(rendered.body);
}
