import type { FastifyReply } from 'fastify';
import { extensions, renderDocument, type DocumentFormat } from '../../documents/formats.js';
import type { DocumentModel } from '../../documents/model.js';

/**
 * A document in a format other than JSON. HTML is sent under its own Content-Security-Policy
 * (its stylesheet allowed by hash, still nothing else), replacing the API's `default-src 'none'`
 * that would leave it unstyled; Word comes as a download named after the document.
 */
export async function sendDocument(reply: FastifyReply, model: DocumentModel, format: Exclude<DocumentFormat, 'json'>, name: string) {
  const rendered = await renderDocument(model, format);
  reply.header('vary', 'accept');
  if (rendered.contentSecurityPolicy) reply.raw.setHeader('Content-Security-Policy', rendered.contentSecurityPolicy);
  if (format === 'docx') reply.header('content-disposition', `attachment; filename="${name}.${extensions[format]}"`);
  return reply.type(rendered.contentType).send(rendered.body);
}
