import { cellText, COLUMNS, type DocumentModel, type DocumentTable } from './model.js';

// Text from users is shown as written: every character Markdown (CommonMark and GitHub's tables)
// would act on is backslash-escaped, and a line break, which would end the table row, becomes
// <br> between paragraphs and a space within one.
const MARKDOWN_ACTIVE = /[\\`*_{}[\]<>#+\-!|~]/g;
export const markdownText = (text: string) => text.replace(MARKDOWN_ACTIVE, '\\$&').replace(/\r\n?|\n/g, ' ');

function table({ caption, rows, empty }: DocumentTable): string[] {
  const out = [`### ${markdownText(caption)}`, ''];
  if (rows.length === 0) return [...out, markdownText(empty), ''];
  out.push(`| ${COLUMNS.map((c) => c.heading).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`);
  // Each row appended piece by piece (the engine joins the pieces once, when written).
  for (const row of rows) {
    let line = '|';
    for (const column of COLUMNS) {
      const paragraphs = cellText(row, column.key);
      line += ` ${markdownText(paragraphs[0]!)}`;
      for (let i = 1; i < paragraphs.length; i++) line += `<br>${markdownText(paragraphs[i]!)}`;
      line += ' |';
    }
    out.push(line);
  }
  return [...out, ''];
}

/** The document as Markdown: a heading per section, a GitHub table per table, the RAG key last. */
export function documentMarkdown(model: DocumentModel): string {
  const out = [`# ${markdownText(model.title)}`, '', `*${markdownText(model.runningHeader)}*`, ''];
  for (const line of model.lines) out.push(markdownText(line), '');
  for (const section of model.sections) {
    if (section.heading) out.push(`## ${markdownText(section.heading)}`, '');
    for (const line of section.lines) out.push(markdownText(line), '');
    for (const t of section.tables) out.push(...table(t));
  }
  out.push('## RAG key', '');
  for (const key of model.ragKey) out.push(`- **${key.word}**: ${markdownText(key.meaning)}`);
  return `${out.join('\n')}\n`;
}
