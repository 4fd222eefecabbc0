import { MAX_LINE_CHARS } from './limits.js';
import { removeFormFeedPageNumbers, removePageFurniture } from './page-furniture.js';

// Text copied from a Modern.gov page, a Word document or a PDF carries the furniture of its
// source: non-breaking spaces, Symbol-font bullets, "pdf icon PDF 336 KB" link labels,
// markdown from converters, tables drawn with pipes. Everything downstream reads plain
// trimmed lines, with '' for a paragraph break, so all of that is settled here once.

export interface NormalisedMinutes {
  lines: string[];
  /** Item numbers whose minutes a Modern.gov page cut short ("… view the full minutes text"). */
  truncatedItems: string[];
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\f\v\u0085]/g;
const ODD_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
// C0/C1 controls other than the newline, and the replacement character left by bad decoding.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\uFFFD]/g;
const HTML_ENTITIES: Record<string, string> = {
  '&nbsp;': ' ', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&apos;': "'", '&lt;': '<', '&gt;': '>',
  '&rsquo;': "'", '&lsquo;': "'", '&ldquo;': '"', '&rdquo;': '"', '&ndash;': '–', '&mdash;': '—',
};

/** Characters only: line breaks, spaces, invisible characters, quotes, entities, <br>. */
export function normaliseCharacters(raw: string): string {
  return raw
    .replace(ZERO_WIDTH, '')
    .replace(LINE_BREAKS, '\n')
    .replace(/<br\s{0,3}\/?>/gi, '\n')
    .replace(/&(?:nbsp|amp|quot|#39|apos|lt|gt|rsquo|lsquo|ldquo|rdquo|ndash|mdash);/g, (e) => HTML_ENTITIES[e] ?? e)
    .replace(ODD_SPACES, ' ')
    .replace(CONTROLS, ' ')
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"');
}

const PIPE_SEPARATOR_ROW = /^[|:\-+ ]+$/;

// An action log drawn as a table: a header row naming an "Action" column, and perhaps who owns
// it and when it is due.
const ACTION_HEADER = /^(?:actions?(?: (?:required|agreed|point|arising|to be taken))?|agreed actions?)$/i;
const OWNER_HEADER = /^(?:owner|lead(?: officer| member)?|responsible(?: officer)?|by whom|who|action by|assigned to|officer)$/i;
const DUE_HEADER = /^(?:due(?: date| by)?|deadline|by when|date due|target date|when|timescale|completion date|by)$/i;

interface ActionColumns {
  action: number;
  owner: number;
  due: number;
}

function cellsOf(row: string): string[] {
  return row.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
}

/** The columns of an action table, from its header row; null for any other table. */
export function actionTableColumns(headerCells: readonly string[]): ActionColumns | null {
  const plain = headerCells.map((c) => c.replace(/\*\*|__/g, '').replace(/[.:]$/, '').trim());
  const action = plain.findIndex((c) => ACTION_HEADER.test(c));
  if (action < 0) return null;
  return { action, owner: plain.findIndex((c) => OWNER_HEADER.test(c)), due: plain.findIndex((c) => DUE_HEADER.test(c)) };
}

/** One row of an action table as an "ACTION:" line that the action rules read. */
export function actionRowLine(cells: readonly string[], columns: ActionColumns): string | null {
  const action = cells[columns.action] ?? '';
  if (action === '') return null;
  const owner = columns.owner >= 0 ? (cells[columns.owner] ?? '') : '';
  const due = columns.due >= 0 ? (cells[columns.due] ?? '') : '';
  return `ACTION: ${action}${owner !== '' ? ` – Owner: ${owner}` : ''}${due !== '' ? ` – Due: ${due}` : ''}`;
}

/**
 * A table drawn with pipes becomes one line per non-empty cell, one paragraph per row — except
 * an action table, whose rows become "ACTION: … – Owner: … – Due: …" lines.
 */
export function expandPipeTables(lines: string[]): string[] {
  const out: string[] = [];
  let inTable = false;
  let columns: ActionColumns | null = null;
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('|') || trimmed.indexOf('|', 1) < 0) {
      inTable = false;
      columns = null;
      out.push(line);
      continue;
    }
    if (PIPE_SEPARATOR_ROW.test(trimmed)) continue;
    const cells = cellsOf(trimmed);
    if (!inTable) {
      inTable = true;
      columns = actionTableColumns(cells);
      if (columns) continue;
    }
    const actionLine = columns ? actionRowLine(cells, columns) : null;
    if (actionLine !== null) out.push(actionLine);
    else for (const text of cells) if (text !== '') out.push(text);
    out.push('');
  }
  return out;
}

const DOCUMENT_SIZE = /[([]?\b(?:PDF|DOCX?|XLSX?|PPTX?|RTF|HTML?|ODT|TXT|ZIP)\b,? {0,3}\d{1,6}(?:\.\d{1,3})? {0,3}[KMG]B\b[)\]]?/gi;
const DOCUMENT_ICON = /\b(?:pdf|docx?|xlsx?|pptx?|rtf|html?|odt|txt|zip) icon\b/gi;
const DOCUMENTS_HEADER = /^(?:additional|supporting) documents:?$/i;
const DOCUMENT_LINK = /(?:\b(?:PDF|DOCX?|XLSX?|PPTX?|RTF|ODT) {0,3}\d{1,6}(?:\.\d{1,3})? {0,3}[KMG]B\b|\bicon\b|, item \d)/i;

/**
 * Modern.gov lists an item's papers under "Additional documents:" (above the minutes) or
 * "Supporting documents:" (below them); the list itself is link labels, not minutes.
 */
export function dropDocumentLists(lines: string[]): string[] {
  const out: string[] = [];
  let inList = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (DOCUMENTS_HEADER.test(trimmed)) {
      inList = true;
      continue;
    }
    if (inList) {
      if (trimmed === '') continue;
      if (DOCUMENT_LINK.test(trimmed)) continue;
      inList = false;
    }
    out.push(line);
  }
  return out;
}

const BULLET_CHARS = /^(?:[·\u2022\u25CF\u25AA\u25E6\u2023\u2043\u2219\u25CB\u25A0\u25A1\u27A2\u25BA\u2713\uF0B7\uF0A7\uF076\uF0D8\uF0FC*]|o(?= [A-Za-z]))\s*/;
const DASH_BULLET = /^[-\u2013\u2014](?=\s*[^\s\d-])\s*/;
const LETTER_SPACED = /(?<![A-Za-z])(?:[A-Z] ){2,}[A-Z](?![A-Za-z])/g;
const LETTER_SPACED_WORDS = new Set(['THAT', 'RESOLVED', 'RECOMMENDED', 'AGREED', 'NOTED', 'DECISION']);
const TRUNCATION = / ?(?:\.{3}|\u2026)? ?view the full minutes text for item (\S{1,12}) ?$/i;
const LINK_ONLY_LINE = /^view the (?:background to|reasons why|declarations of interest for|decision for) item\b/i;

export interface LineResult {
  line: string;
  truncatedItem?: string;
}

/** One line: spacing, markdown emphasis, bullets, letter-spaced words, link-label noise. */
export function normaliseLine(raw: string): LineResult {
  let line = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
  line = line.replace(/\*\*|__/g, '').replace(/ {2,}/g, ' ').trim();
  line = line.replace(DOCUMENT_ICON, '').replace(DOCUMENT_SIZE, '').replace(/ {2,}/g, ' ').trim();
  if (/^[*·\u2022\u25CF\u25AA\u25E6\-\u2013\u2014]$/.test(line) || /^no\.? item$/i.test(line) || LINK_ONLY_LINE.test(line)) {
    return { line: '' };
  }
  let truncatedItem: string | undefined;
  const cut = TRUNCATION.exec(line);
  if (cut) {
    truncatedItem = (cut[1] ?? '').replace(/\.$/, '');
    line = line.slice(0, cut.index).replace(/(?:\.{3}|\u2026)$/, '').trim();
  }
  if (BULLET_CHARS.test(line)) line = '- ' + line.replace(BULLET_CHARS, '');
  else if (DASH_BULLET.test(line)) line = '- ' + line.replace(DASH_BULLET, '');
  line = line.replace(LETTER_SPACED, (m) => {
    const word = m.replace(/ /g, '');
    return LETTER_SPACED_WORDS.has(word) ? word : m;
  });
  if (line === '-') line = '';
  return truncatedItem === undefined ? { line } : { line, truncatedItem };
}

/** Collapse runs of blank lines to one and trim blank lines at both ends. */
export function collapseBlankLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

export function normaliseMinutesText(raw: string): NormalisedMinutes {
  const rawLines = expandPipeTables(normaliseCharacters(removeFormFeedPageNumbers(raw)).split('\n'));
  const truncatedItems: string[] = [];
  const lines: string[] = [];
  for (const rawLine of dropDocumentLists(rawLines)) {
    const { line, truncatedItem } = normaliseLine(rawLine);
    if (truncatedItem !== undefined) truncatedItems.push(truncatedItem);
    lines.push(line);
  }
  return { lines: collapseBlankLines(removePageFurniture(lines)), truncatedItems };
}
