import {
  AlignmentType, Document, Footer, Header, HeadingLevel, Packer, PageNumber, PageOrientation, Paragraph, ShadingType,
  Table, TableCell, TableRow, TextRun, WidthType,
} from 'docx';
import { cellText, COLUMNS, type DocumentModel, type DocumentRow, type DocumentTable } from './model.js';

// The document as Word (DOCX, through the `docx` library): landscape A4, Word's own heading
// styles (so the navigation pane and a pack's contents page pick them up), real Word tables with
// the same columns as the HTML, their header row repeated on every page and rows kept whole;
// the running header names the authority and committee, the footer numbers the pages.

/** A4 in twentieths of a point; `docx` swaps them for landscape. */
const A4 = { width: 11906, height: 16838 };
/** Relative column widths (they add up to 100): the action's text and its progress get the room. */
const WIDTHS: Record<(typeof COLUMNS)[number]['key'], number> = {
  reference: 8, raisedAt: 10, action: 24, owner: 9, due: 12, progress: 19, rag: 6, status: 6, flagged: 6,
};
const hex = (colour: string) => colour.replace('#', '').toUpperCase();

function cell(paragraphs: string[], options: { header?: boolean; fill?: string; bold?: boolean; width?: number } = {}): TableCell {
  return new TableCell({
    width: options.width === undefined ? undefined : { size: options.width, type: WidthType.PERCENTAGE },
    shading: options.fill ? { type: ShadingType.CLEAR, color: 'auto', fill: options.fill } : undefined,
    children: paragraphs.map((text, i) => new Paragraph({
      children: [new TextRun({ text, bold: options.header || options.bold || (i === 0 && paragraphs.length > 1 && options.bold !== false) ? true : undefined })],
    })),
  });
}

function rowCells(row: DocumentRow): TableCell[] {
  return COLUMNS.map(({ key }) => {
    const text = cellText(row, key);
    if (key === 'rag') {
      const light = row.rag.value === 'amber' || row.rag.value === null;
      return new TableCell({
        width: { size: WIDTHS[key], type: WidthType.PERCENTAGE },
        shading: { type: ShadingType.CLEAR, color: 'auto', fill: hex(row.rag.colour) },
        children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: text[0]!, bold: true, color: light ? '0B0C0C' : 'FFFFFF' })] })],
      });
    }
    return cell(text, { width: WIDTHS[key], bold: key === 'reference' ? true : key === 'action' ? undefined : false });
  });
}

function table({ caption, rows, empty }: DocumentTable): (Paragraph | Table)[] {
  const heading = new Paragraph({ text: caption, heading: HeadingLevel.HEADING_3 });
  if (rows.length === 0) return [heading, new Paragraph({ children: [new TextRun({ text: empty, italics: true })] })];
  return [
    heading,
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, cantSplit: true, children: COLUMNS.map((c) => cell([c.heading], { header: true, fill: 'DEE0E2', width: WIDTHS[c.key] })) }),
        ...rows.map((row) => new TableRow({ cantSplit: true, children: rowCells(row) })),
      ],
    }),
  ];
}

function ragKey(model: DocumentModel): (Paragraph | Table)[] {
  return [
    new Paragraph({ text: 'RAG key', heading: HeadingLevel.HEADING_2 }),
    new Table({
      width: { size: 60, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: [cell(['RAG'], { header: true, fill: 'DEE0E2' }), cell(['Meaning'], { header: true, fill: 'DEE0E2' })] }),
        ...model.ragKey.map((k) => new TableRow({
          cantSplit: true,
          children: [
            new TableCell({
              shading: { type: ShadingType.CLEAR, color: 'auto', fill: hex(k.colour) },
              children: [new Paragraph({ children: [new TextRun({ text: k.word, bold: true, color: k.rag === 'amber' || k.rag === null ? '0B0C0C' : 'FFFFFF' })] })],
            }),
            cell([k.meaning], { bold: false }),
          ],
        })),
      ],
    }),
  ];
}

/** The document as a .docx file. */
export async function documentDocx(model: DocumentModel): Promise<Buffer> {
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
  const document = new Document({
    creator: 'Scrutiny Tracker',
    title: `${model.title} – ${model.runningHeader}`,
    styles: { default: { document: { run: { font: 'Arial', size: 20 } } } },
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
  return Packer.toBuffer(document);
}
