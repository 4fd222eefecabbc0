import { negotiateAmong } from '../jobs/report-formats.js';
import { writeDocumentCsv } from './csv.js';
import { documentHtml } from './html.js';
import { documentMarkdown } from './markdown.js';
import type { DocumentModel } from './model.js';
import { ownBytes } from '../modules/shared/own-bytes.js';
import { bytesOf } from './utf8-writer.js';

// The formats every agenda-pack document comes in, chosen by ?format= or Accept.

export const DOCUMENT_FORMATS = ['json', 'csv', 'md', 'html', 'docx'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const documentContentTypes: Record<DocumentFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  docx: DOCX_TYPE,
};

/** The file name extension a download of the format gets. */
export const extensions: Record<DocumentFormat, string> = { json: 'json', csv: 'csv', md: 'md', html: 'html', docx: 'docx' };

export interface RenderedDocument {
  /** In memory of its own: a kept document holds no more than its bytes, and none of the heap. */
  body: Buffer;
  contentType: string;
  /** HTML only: the page's own Content-Security-Policy (its stylesheet allowed by hash). */
  contentSecurityPolicy?: string;
}

let wordQueue: Promise<unknown> = Promise.resolve();
let wordBuilding = 0;
let wordPeak = 0;

/**
 * Word documents are built one after another. Building one holds the docx library's object model
 * of the whole document and then its zip across many awaits: tens of megabytes for a long
 * tracker. Two dozen asked for at once filled the server's 160 MB heap in the bench and the
 * process died. One at a time costs no throughput: the work is on this one thread either way.
 */
function oneWordAtATime<T>(build: () => Promise<T>): Promise<T> {
  const built = wordQueue.then(async () => {
    wordPeak = Math.max(wordPeak, ++wordBuilding);
    try {
      return await build();
    } finally {
      wordBuilding--;
    }
  });
  wordQueue = built.catch(() => undefined);
  return built;
}

/** The most Word documents ever in the making at once since the last call (tests: never more than one). */
export function mostWordDocumentsAtOnce(): number {
  const most = wordPeak;
  wordPeak = wordBuilding;
  return most;
}

/** The model in a format (JSON: the model itself, as the route's schema describes it). */
export async function renderDocument(model: DocumentModel, format: DocumentFormat): Promise<RenderedDocument> {
  const contentType = documentContentTypes[format];
  switch (format) {
    // JSON.stringify's result, encoded once: written a row at a time it was no faster (docs/performance.md).
    case 'json': return { body: ownBytes(JSON.stringify(model)), contentType };
    case 'csv': return { body: bytesOf((out) => writeDocumentCsv(model, out)), contentType };
    case 'md': return { body: bytesOf((out) => documentMarkdown(model, out)), contentType };
    // The Word writer (the docx library) loads with the first Word document, not at start-up.
    case 'docx': return { body: await oneWordAtATime(async () => (await import('./docx.js')).documentDocx(model)), contentType };
    case 'html': {
      const page = documentHtml(model);
      return { body: bytesOf(page.write), contentType, contentSecurityPolicy: page.contentSecurityPolicy };
    }
  }
}

const DOCUMENT_MEDIA_TYPES: [string, DocumentFormat][] = [
  ['application/json', 'json'], ['text/csv', 'csv'], ['text/markdown', 'md'], ['text/html', 'html'], [DOCX_TYPE, 'docx'],
  ['*/*', 'json'], ['application/*', 'json'], ['text/*', 'html'],
];

/** ?format= wins; otherwise the Accept header (quality order); JSON by default. */
export function negotiateDocument(format: string | undefined, accept: string | undefined): DocumentFormat | undefined {
  return negotiateAmong(DOCUMENT_MEDIA_TYPES, format, accept);
}

/** The media types a document is offered in, for a 406's detail. */
export const offeredTypes = DOCUMENT_FORMATS.map((f) => documentContentTypes[f].split(';')[0]).join(', ');
