import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw } from 'node:zlib';
import {
  AlignmentType, Document, Footer, Header, HeadingLevel, Packer, PageNumber, PageOrientation, Paragraph, ShadingType,
  Table, TableCell, TableRow, TextRun, WidthType, type IParagraphStyleOptions,
} from 'docx';
import { strFromU8, unzipSync, Zip, type ZipInputFile } from 'fflate';
import { cellText, COLUMNS, type ColumnKey, type DocumentModel, type DocumentRow, type DocumentTable } from './model.js';
import { LRUCache } from 'lru-cache';
import { Utf8Writer } from './utf8-writer.js';

// The document as Word (DOCX, through the `docx` library): landscape A4, Word's own heading
// styles (so the navigation pane and a pack's contents page pick them up), real Word tables with
// the same columns as the HTML, their header row repeated on every page and rows kept whole;
// the running header names the authority and committee, the footer numbers the pages.
//
// A tracker is thousands of rows of nine cells, and `docx` builds, then serialises, an object for
// every element and property of each: at a million actions that was a second for one committee.
// So `docx` writes the package with each table's header row and a marker row in place of its
// rows, and the rows are written here as WordprocessingML text (rowXml), in the marker's place.
// A cell is a plain paragraph per line of text (the document's default style), or one naming a
// shared paragraph style for bold and RAG text (the look set once, in styles.xml, not on every
// run).

/** A4 in twentieths of a point; `docx` swaps them for landscape. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = { top: 1000, bottom: 900, left: 700, right: 700 };
/** Relative column widths (they add up to 100): the action's text and its progress get the room. */
const WIDTHS: Record<(typeof COLUMNS)[number]['key'], number> = {
  reference: 8, raisedAt: 10, action: 24, owner: 9, due: 12, progress: 19, rag: 6, status: 6, flagged: 6,
};
const hex = (colour: string) => colour.replace('#', '').toUpperCase();

/** The paragraph styles of table cells, defined once in styles.xml. */
const STYLE = { strong: 'TableTextStrong', rag: 'TableRag', ragOnDark: 'TableRagOnDark' } as const;
const cellStyles: IParagraphStyleOptions[] = [
  { id: STYLE.strong, name: 'Table text (strong)', basedOn: 'Normal', quickFormat: true, run: { bold: true } },
  { id: STYLE.rag, name: 'Table RAG', basedOn: STYLE.strong, paragraph: { alignment: AlignmentType.CENTER }, run: { color: '0B0C0C' } },
  { id: STYLE.ragOnDark, name: 'Table RAG (on a dark colour)', basedOn: STYLE.rag, run: { color: 'FFFFFF' } },
];

/** A paragraph in the document's default style, or in one of the cell styles. */
const paragraph = (text: string, style?: string) => new Paragraph(style ? { text, style } : { text });
/** Amber and "not rated" are light: black text on them; red and green take white. */
const ragStyle = (rag: string | null) => (rag === 'amber' || rag === null ? STYLE.rag : STYLE.ragOnDark);
const shading = (colour: string) => ({ type: ShadingType.CLEAR, color: 'auto', fill: colour });

/**
 * Text as the content of `<w:t>`: markup characters escaped; a line break a `<w:br/>` and a tab
 * a `<w:tab/>` (inside <w:t> Word would show either as a space); and each character XML 1.0 does
 * not allow (C0 controls, unpaired surrogates, U+FFFE, U+FFFF), which would make Word refuse the
 * whole file, shown as U+FFFD. Nothing is cut.
 */
// eslint-disable-next-line no-control-regex -- the control characters XML forbids are what it looks for
const WORD_TEXT_SPECIAL = /[&<>]|\r\n?|\n|\t|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;
const WORD_TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '\t': '</w:t><w:tab/><w:t xml:space="preserve">',
};
const BREAK = '</w:t><w:br/><w:t xml:space="preserve">';
export const wordText = (text: string) => text.replace(WORD_TEXT_SPECIAL, (c) =>
  WORD_TEXT_ESCAPES[c] ?? (c[0] === '\r' || c === '\n' ? BREAK : '\uFFFD'));

/** A paragraph of a table cell, as WordprocessingML: what `paragraph` above has `docx` write. */
const paragraphStart = (style?: string) => `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">`;
const PARAGRAPH = paragraphStart();
const PARAGRAPH_STRONG = paragraphStart(STYLE.strong);
const PARAGRAPH_END = '</w:t></w:r></w:p>';

/**
 * Each column's cell, up to its first paragraph, as `docx` writes it for the cells of a
 * full-width table: its width is its share of the width between the page's margins, in
 * twentieths of a point; a RAG cell is shaded in the RAG's colour.
 */
const cellStart = (key: ColumnKey, fill?: string) => {
  const width = Math.round(((A4.height - MARGIN.left - MARGIN.right) * WIDTHS[key]) / 100);
  return `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${width}"/>${fill ? `<w:shd w:fill="${fill}" w:color="auto" w:val="clear"/>` : ''}</w:tcPr>`;
};
const CELL_STARTS = COLUMNS.map(({ key }) => cellStart(key));
const RAG_CELL_STARTS = new Map<string, string>();
const ragCellStart = (colour: string) => RAG_CELL_STARTS.get(colour) ?? RAG_CELL_STARTS.set(colour, cellStart('rag', hex(colour))).get(colour)!;

/**
 * A row of a table as WordprocessingML text, written directly (as html.ts writes HTML): a
 * tracker has thousands of rows, and `docx` building and serialising an object for every element
 * of each took most of a second for one committee. The package around the rows (styles, page,
 * header and footer, the table's properties and its header row) is still `docx`'s.
 */
export function rowXml(row: DocumentRow): string {
  let xml = '<w:tr><w:trPr><w:cantSplit/></w:trPr>';
  for (const [column, { key }] of COLUMNS.entries()) {
    const text = cellText(row, key);
    if (key === 'rag') {
      xml += `${ragCellStart(row.rag.colour)}${paragraphStart(ragStyle(row.rag.value))}${wordText(text[0]!)}${PARAGRAPH_END}</w:tc>`;
      continue;
    }
    xml += CELL_STARTS[column];
    // The reference, and an action's title above its detail, in bold.
    for (const [i, line] of text.entries()) {
      const strong = key === 'reference' || (key === 'action' && i === 0 && text.length > 1);
      xml += `${strong ? PARAGRAPH_STRONG : PARAGRAPH}${wordText(line)}${PARAGRAPH_END}`;
    }
    xml += '</w:tc>';
  }
  return `${xml}</w:tr>`;
}

/** A table's grid: the relative widths as shares of the page's text width (docx scales them to it). */
const grid = (widths: number[]) => widths.map((w) => w * 100);

function headerRow(headings: string[]): TableRow {
  return new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: headings.map((heading) => new TableCell({ shading: shading('DEE0E2'), children: [paragraph(heading, STYLE.strong)] })),
  });
}

/**
 * Stands for a table's rows in what `docx` writes, until they are put in its place. Random, so
 * that no text in the document (a committee's name, say) can be taken for one.
 */
const MARKER = `rows-${randomUUID()}-`;

function table({ caption, rows, empty }: DocumentTable, index: number): (Paragraph | Table)[] {
  const heading = new Paragraph({ text: caption, heading: HeadingLevel.HEADING_3 });
  if (rows.length === 0) return [heading, new Paragraph({ children: [new TextRun({ text: empty, italics: true })] })];
  const marker = new TableRow({ children: [new TableCell({ children: [paragraph(`${MARKER}r${index}.`)] })] });
  return [
    heading,
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      columnWidths: grid(COLUMNS.map((c) => WIDTHS[c.key])),
      rows: [headerRow(COLUMNS.map((c) => c.heading)), marker],
    }),
  ];
}

function ragKey(model: DocumentModel): (Paragraph | Table)[] {
  return [
    new Paragraph({ text: 'RAG key', heading: HeadingLevel.HEADING_2 }),
    new Table({
      width: { size: 60, type: WidthType.PERCENTAGE },
      columnWidths: grid([15, 45]),
      rows: [
        headerRow(['RAG', 'Meaning']),
        ...model.ragKey.map((k) => new TableRow({
          cantSplit: true,
          children: [
            new TableCell({ shading: shading(hex(k.colour)), children: [paragraph(k.word, ragStyle(k.rag))] }),
            new TableCell({ children: [paragraph(k.meaning)] }),
          ],
        })),
      ],
    }),
  ];
}

/** The document as `docx`'s object model, each table's rows a marker row (the tables are numbered in document order). */
function wordDocument(model: DocumentModel, tables: DocumentTable[]): Document {
  const body: (Paragraph | Table)[] = [
    new Paragraph({ text: model.title, heading: HeadingLevel.HEADING_1 }),
    ...model.lines.map((line) => new Paragraph({ text: line })),
  ];
  for (const section of model.sections) {
    if (section.heading) body.push(new Paragraph({ text: section.heading, heading: HeadingLevel.HEADING_2 }));
    body.push(...section.lines.map((line) => new Paragraph({ text: line })));
    for (const t of section.tables) body.push(...table(t, tables.push(t) - 1));
  }
  body.push(...ragKey(model));
  return new Document({
    creator: 'Scrutiny Tracker',
    title: `${model.title} – ${model.runningHeader}`,
    styles: { default: { document: { run: { font: 'Arial', size: 20 } } }, paragraphStyles: cellStyles },
    sections: [{
      properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: MARGIN } },
      headers: { default: new Header({ children: [new Paragraph({ children: [new TextRun({ text: model.runningHeader, size: 18 })] })] }) },
      footers: {
        default: new Footer({
          children: [new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [new TextRun({ size: 18, children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })],
          })],
        }),
      },
      children: body,
    }],
  });
}

/**
 * Every text of the document outside its tables' rows, in one order, put through `f`: a
 * package written with markers for them is the same for every document of the same shape.
 */
function mapTexts(model: DocumentModel, f: (text: string) => string): DocumentModel {
  return {
    ...model,
    title: f(model.title),
    runningHeader: f(model.runningHeader),
    lines: model.lines.map(f),
    sections: model.sections.map((section) => ({
      ...section,
      heading: section.heading === null ? null : f(section.heading),
      lines: section.lines.map(f),
      tables: section.tables.map((t) => ({ ...t, caption: f(t.caption), empty: f(t.empty) })),
    })),
    ragKey: model.ragKey.map((k) => ({ ...k, word: f(k.word), meaning: f(k.meaning) })),
  };
}

/** What `docx` writes differently for two documents with the same texts: how many of each thing, which tables have rows, the RAG colours. */
const shapeOf = (model: DocumentModel) => JSON.stringify([
  model.lines.length,
  model.sections.map((s) => [s.heading === null, s.lines.length, s.tables.map((t) => t.rows.length > 0)]),
  model.ragKey.map((k) => [k.rag, k.colour]),
]);

/** Text as XML element content outside WordprocessingML runs (docProps/core.xml's title). */
// eslint-disable-next-line no-control-regex -- the control characters XML forbids are what it looks for
const XML_SPECIAL = /[&<>]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;
const xmlText = (text: string) => text.replace(XML_SPECIAL, (c) => WORD_TEXT_ESCAPES[c] ?? '\uFFFD');

/**
 * A part of the package deflated, with what the zip's headers say of it. Node's zlib deflates, in C
 * on the thread pool: fflate's own (JavaScript) deflate of a long tracker's document.xml took
 * three times zlib's CPU (a fifth more for the whole Word tracker), all of it on the event loop.
 * fflate writes the zip around the parts.
 */
interface DeflatedPart { name: string; deflated: Buffer<ArrayBuffer>; crc: number; size: number }

const deflate = promisify(deflateRaw);
// zlib's fastest level: a long tracker's document.xml (2.3 MB for 1,308 rows) deflates in 2.8 ms
// of processor time instead of 8 ms at the default level; the file grows from 83 to 126 KB.
const deflatePart = async (name: string, data: Uint8Array): Promise<DeflatedPart> =>
  // zlib's output is in memory of its own, never a SharedArrayBuffer (fflate's types ask).
  ({ name, deflated: (await deflate(data, { level: constants.Z_BEST_SPEED })) as Buffer<ArrayBuffer>, crc: crc32(data), size: data.length });

/** 1 January 1980, the earliest date a zip can give: the parts carry no meaningful time (docProps/core.xml has the document's). */
const ZIP_EPOCH = new Date(1980, 0, 1);
/** APPNOTE.TXT's number for DEFLATE. */
const DEFLATED = 8;

/**
 * A zip archive of the parts, in their order. fflate's streaming zip gives each part's CRC and
 * sizes in a data descriptor after its data (general purpose flag bit 3), as ECMA-376 Part 2
 * allows for an Office package and as LibreOffice writes its own.
 */
function zipOf(parts: DeflatedPart[]): Buffer {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const { name, deflated, crc, size } of parts) {
    const file: ZipInputFile = { filename: name, compression: DEFLATED, crc, size, mtime: ZIP_EPOCH };
    zip.add(file);
    file.ondata!(null, deflated, true);
  }
  zip.end();
  return Buffer.concat(chunks);
}

/** A part of the package with markers in it: literal text, then a marker, then text … (odd places are markers). */
interface FilledPart { name: string; pieces: string[] }
interface Template { fixed: Map<string, DeflatedPart>; filled: FilledPart[]; order: string[] }

const MARKERS = new RegExp(`${MARKER}([rt][0-9]+)\\.`, 'g');
const templates = new LRUCache<string, Promise<Template>>({ max: 32 });

/**
 * The package `docx` writes for documents of this shape, texts and rows as markers: its parts
 * without markers (styles, theme, settings, footer…) deflated once, those with markers cut at
 * them. A marker row, from its <w:tr> to its </w:tr>, stands for its table's rows.
 */
async function templateFor(model: DocumentModel): Promise<Template> {
  let n = 0;
  const marked = mapTexts(model, () => `${MARKER}t${n++}.`);
  // The parts in the order of the package's central directory.
  const parts = unzipSync(await Packer.toBuffer(wordDocument(marked, [])));
  const fixed = new Map<string, DeflatedPart>();
  const filled: FilledPart[] = [];
  for (const [name, data] of Object.entries(parts)) {
    let xml = strFromU8(data);
    if (!xml.includes(MARKER)) {
      fixed.set(name, await deflatePart(name, data));
      continue;
    }
    xml = xml.replace(new RegExp(`<w:tr>(?:(?!</w:tr>).)*?(${MARKER}r[0-9]+\\.)(?:(?!</w:tr>).)*?</w:tr>`, 'gs'), '$1');
    filled.push({ name, pieces: xml.split(MARKERS) });
  }
  return { fixed, filled, order: Object.keys(parts) };
}

/** The document as a .docx file. */
export async function documentDocx(model: DocumentModel): Promise<Buffer> {
  const shape = shapeOf(model);
  let template = templates.get(shape);
  if (!template) {
    template = templateFor(model);
    templates.set(shape, template);
    template.catch(() => templates.delete(shape));
  }
  const { fixed, filled, order } = await template;
  const texts: string[] = [];
  mapTexts(model, (text) => String(texts.push(text)));
  const tables = model.sections.flatMap((section) => section.tables);
  const now = new Date().toISOString();
  const parts = new Map(await Promise.all(filled.map(async ({ name, pieces }) => {
    const inRuns = name.startsWith('word/');
    const out = new Utf8Writer();
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      // The package's own dates are the day it is written, as docx would have stamped them.
      if (i % 2 === 0) out.write(name === 'docProps/core.xml' ? piece.replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*/g, `$1${now}`) : piece);
      else if (piece[0] === 'r') for (const row of tables[Number(piece.slice(1))]!.rows) out.write(rowXml(row));
      else out.write((inRuns ? wordText : xmlText)(texts[Number(piece.slice(1))]!));
    }
    return [name, await deflatePart(name, out.bytes())] as const;
  })));
  return zipOf(order.map((name) => fixed.get(name) ?? parts.get(name)!));
}
