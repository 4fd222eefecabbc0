import { createHash } from 'node:crypto';
import { cellText, COLUMNS, type DocumentModel, type DocumentRow, type DocumentTable } from './model.js';
import type { TextOut } from './utf8-writer.js';

// The document as a printable A4 page for the agenda pack. One inline stylesheet, allowed by its
// hash in the response's Content-Security-Policy; no scripts, images, fonts or anything fetched.
// Print: landscape A4 with the authority and committee in a running header and "Page n of m" in
// the footer (CSS Paged Media margin boxes), table headers repeated on every page, no row split
// across pages where it fits on one, and each RAG cell coloured *and* worded, so a greyscale
// copy still reads.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A CSS string literal that no text can break out of (every character but letters, digits and spaces escaped). */
const cssString = (text: string) => `"${text.replace(/[^A-Za-z0-9 ]/g, (c) => `\\${c.codePointAt(0)!.toString(16)} `)}"`;

const RAG_CLASSES = ['red', 'amber', 'green', 'none'] as const;

const TABLE_HEAD = `<thead><tr>${COLUMNS.map((c) => `<th scope="col">${escapeHtml(c.heading)}</th>`).join('')}</tr></thead>`;

function stylesheet(model: DocumentModel): string {
  const ragRules = model.ragKey
    .map((k, i) => `.rag-${RAG_CLASSES[i]}{background:${k.colour};color:${k.rag === 'amber' || k.rag === null ? '#0b0c0c' : '#fff'}}`)
    .join('\n');
  return `
@page{size:A4 landscape;margin:18mm 12mm 16mm;
@top-left{content:${cssString(model.runningHeader)};font:9pt Arial,Helvetica,sans-serif;color:#333}
@top-right{content:${cssString(model.title)};font:9pt Arial,Helvetica,sans-serif;color:#333}
@bottom-right{content:"Page " counter(page) " of " counter(pages);font:9pt Arial,Helvetica,sans-serif}}
html{font-family:Arial,Helvetica,sans-serif;font-size:10pt;line-height:1.35;color:#0b0c0c;background:#fff}
body{margin:1.5rem}
.running{color:#333;border-bottom:2px solid #0b0c0c;padding-bottom:.25rem;margin:0 0 1rem;font-weight:700}
h1{font-size:16pt;margin:0 0 .5rem}
h2{font-size:13pt;margin:1.25rem 0 .5rem;break-after:avoid}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
caption{text-align:left;font-weight:700;font-size:11pt;padding:.25rem 0;caption-side:top}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
th,td{border:1px solid #505a5f;padding:3pt 4pt;text-align:left;vertical-align:top}
thead th{background:#dee0e2}
tbody th{font-weight:700;white-space:nowrap}
td p{margin:0 0 3pt}
td p:last-child{margin:0}
td p.title{font-weight:700}
td.rag{font-weight:700;text-align:center;white-space:nowrap}
${ragRules}
td.overdue{font-weight:700}
.none{font-style:italic}
@media print{body{margin:0}.running{display:none}
td.rag{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`.trim();
}

function cell(row: DocumentRow, key: (typeof COLUMNS)[number]['key']): string {
  const paragraphs = cellText(row, key);
  if (key === 'reference') return `<th scope="row">${escapeHtml(paragraphs.join(''))}</th>`;
  if (key === 'rag') return `<td class="rag rag-${row.rag.value ?? 'none'}">${escapeHtml(paragraphs.join(''))}</td>`;
  const cls = key === 'due' && row.due.daysOverdue !== null ? ' class="overdue"' : '';
  if (paragraphs.length === 1) return `<td${cls}>${escapeHtml(paragraphs[0]!)}</td>`;
  let html = `<td${cls}>`;
  for (let i = 0; i < paragraphs.length; i++) html += `<p${i === 0 && key === 'action' ? ' class="title"' : ''}>${escapeHtml(paragraphs[i]!)}</p>`;
  return `${html}</td>`;
}

function table({ caption, rows, empty }: DocumentTable, out: TextOut): void {
  if (rows.length === 0) {
    out.write(`<table><caption>${escapeHtml(caption)}</caption><tbody><tr><td class="none">${escapeHtml(empty)}</td></tr></tbody></table>\n`);
    return;
  }
  out.write(`<table>\n<caption>${escapeHtml(caption)}</caption>\n${TABLE_HEAD}\n<tbody>`);
  for (const row of rows) {
    let html = '\n<tr>';
    for (const column of COLUMNS) html += cell(row, column.key);
    out.write(`${html}</tr>`);
  }
  out.write('\n</tbody>\n</table>\n');
}

function ragKey(model: DocumentModel): string {
  const rows = model.ragKey
    .map((k, i) => `<tr><td class="rag rag-${RAG_CLASSES[i]}">${escapeHtml(k.word)}</td><td>${escapeHtml(k.meaning)}</td></tr>`)
    .join('\n');
  return `<table class="key">\n<caption>RAG key</caption>\n<thead><tr><th scope="col">RAG</th><th scope="col">Meaning</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

export interface HtmlDocument {
  /** Writes the page. */
  write(out: TextOut): void;
  /** The Content-Security-Policy the page needs: its own stylesheet by hash, nothing else. */
  contentSecurityPolicy: string;
}

/** The document as an HTML page, with the policy to send it under. */
export function documentHtml(model: DocumentModel): HtmlDocument {
  const css = stylesheet(model);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { write: (out) => writePage(model, css, out), contentSecurityPolicy };
}

function writePage(model: DocumentModel, css: string, out: TextOut): void {
  out.write(`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`${model.title} – ${model.runningHeader}`)}</title>
<style>${css}</style>
</head>
<body>
<header class="running">${escapeHtml(model.runningHeader)}</header>
<main>
<h1>${escapeHtml(model.title)}</h1>
`);
  for (const line of model.lines) out.write(`<p>${escapeHtml(line)}</p>\n`);
  for (const s of model.sections) {
    out.write('<section>\n');
    if (s.heading) out.write(`<h2>${escapeHtml(s.heading)}</h2>\n`);
    for (const line of s.lines) out.write(`<p>${escapeHtml(line)}</p>\n`);
    for (const t of s.tables) table(t, out);
    out.write('</section>\n');
  }
  out.write(`${ragKey(model)}
</main>
</body>
</html>
`);
}
