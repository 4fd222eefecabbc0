import { cellText, COLUMNS, type DocumentModel, type DocumentTable } from './model.js';
import type { TextOut } from './utf8-writer.js';

// Text from users is shown as written: every character Markdown (CommonMark and GitHub's tables)
// would act on is backslash-escaped, and a line break, which would end the table row, becomes
// <br> between paragraphs and a space within one.
const MARKDOWN_ACTIVE = /[\\`*_{}[\]<>#+\-!|~]/g;
export const markdownText = (text: string) => text.replace(MARKDOWN_ACTIVE, '\\$&').replace(/\r\n?|\n/g, ' ');

const HEADER = `| ${COLUMNS.map((c) => c.heading).join(' | ')} |\n|${COLUMNS.map(() => '---').join('|')}|\n`;

function table({ caption, rows, empty }: DocumentTable, out: TextOut): void {
  out.write(`### ${markdownText(caption)}\n\n`);
  if (rows.length === 0) {
    out.write(`${markdownText(empty)}\n\n`);
    return;
  }
  out.write(HEADER);
  for (const row of rows) {
    let line = '|';
    for (const column of COLUMNS) {
      const paragraphs = cellText(row, column.key);
      line += ` ${markdownText(paragraphs[0]!)}`;
      for (let i = 1; i < paragraphs.length; i++) line += `<br>${markdownText(paragraphs[i]!)}`;
      line += ' |';
    }
    out.write(`${line}\n`);
  }
  out.write('\n');
}

/** The document as Markdown: a heading per section, a GitHub table per table, the RAG key last. */
export function documentMarkdown(model: DocumentModel, out: TextOut): void {
  out.write(`# ${markdownText(model.title)}\n\n*${markdownText(model.runningHeader)}*\n\n`);
  for (const line of model.lines) out.write(`${markdownText(line)}\n\n`);
  for (const section of model.sections) {
    if (section.heading) out.write(`## ${markdownText(section.heading)}\n\n`);
    for (const line of section.lines) out.write(`${markdownText(line)}\n\n`);
    for (const t of section.tables) table(t, out);
  }
  out.write('## RAG key\n\n');
  out.write(`${model.ragKey.map((key) => `- **${key.word}**: ${markdownText(key.meaning)}`).join('\n')}\n`);
}
