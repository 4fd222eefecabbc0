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
  for (const row of rows) out.push(`| ${COLUMNS.map((c) => cellText(row, c.key).map(markdownText).join('<br>')).join(' | ')} |`);
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
