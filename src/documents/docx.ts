import {
  AlignmentType, Document, Footer, Header, HeadingLevel, Packer, PageNumber, PageOrientation, Paragraph, ShadingType,
  Table, TableCell, TableRow, TextRun, WidthType, type IParagraphStyleOptions,
} from 'docx';
import { cellText, COLUMNS, type DocumentModel, type DocumentRow, type DocumentTable } from './model.js';

// The document as Word (DOCX, through the `docx` library): landscape A4, Word's own heading
// styles (so the navigation pane and a pack's contents page pick them up), real Word tables with
// the same columns as the HTML, their header row repeated on every page and rows kept whole;
// the running header names the authority and committee, the footer numbers the pages.
//
// A tracker is hundreds of rows of nine cells, and `docx` builds, then serialises, an object for
// every element and property of each: the time goes with their number. So a cell is a plain
// paragraph per line of text (the document's default style), or one naming a shared paragraph
// style for bold and RAG text (the look set once, in styles.xml, not on every run), and the
// column widths are given once, for the table's grid.

/** A4 in twentieths of a point; `docx` swaps them for landscape. */
const A4 = { width: 11906, height: 16838 };
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

function rowCells(row: DocumentRow): TableCell[] {
  return COLUMNS.map(({ key }) => {
    const text = cellText(row, key);
    if (key === 'rag') return new TableCell({ shading: shading(hex(row.rag.colour)), children: [paragraph(text[0]!, ragStyle(row.rag.value))] });
    // The reference, and an action's title above its detail, in bold.
    const strong = (i: number) => key === 'reference' || (key === 'action' && i === 0 && text.length > 1);
    return new TableCell({ children: text.map((line, i) => paragraph(line, strong(i) ? STYLE.strong : undefined)) });
  });
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

function table({ caption, rows, empty }: DocumentTable): (Paragraph | Table)[] {
  const heading = new Paragraph({ text: caption, heading: HeadingLevel.HEADING_3 });
  if (rows.length === 0) return [heading, new Paragraph({ children: [new TextRun({ text: empty, italics: true })] })];
  return [
    heading,
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      columnWidths: grid(COLUMNS.map((c) => WIDTHS[c.key])),
      rows: [headerRow(COLUMNS.map((c) => c.heading)), ...rows.map((row) => new TableRow({ cantSplit: true, children: rowCells(row) }))],
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

/** The document as `docx`'s object model. */
export function wordDocument(model: DocumentModel): Document {
  const body: (Paragraph | Table)[] = [
    new Paragraph({ text: model.title, heading: HeadingLevel.HEADING_1 }),
    ...model.lines.map((line) => new Paragraph({ text: line })),
  ];
  for (const section of model.sections) {
    if (section.heading) body.push(new Paragraph({ text: section.heading, heading: HeadingLevel.HEADING_2 }));
    body.push(...section.lines.map((line) => new Paragraph({ text: line })));
    for (const t of section.tables) body.push(...table(t));
  }
  body.push(...ragKey(model));
  return new Document({
    creator: 'Scrutiny Tracker',
    title: `${model.title} – ${model.runningHeader}`,
    styles: { default: { document: { run: { font: 'Arial', size: 20 } } }, paragraphStyles: cellStyles },
    sections: [{
      properties: { page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: { top: 1000, bottom: 900, left: 700, right: 700 } } },
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

/** The document as a .docx file. */
export function documentDocx(model: DocumentModel): Promise<Buffer> {
  return Packer.toBuffer(wordDocument(model));
}
