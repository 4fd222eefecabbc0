import t from 'tap';
import { renderDocument } from '../../src/documents/formats.js';
import type { DocumentModel } from '../../src/documents/model.js';
import { Utf8Writer } from '../../src/documents/utf8-writer.js';

// Documents are written out as UTF-8 while they are made (documents/utf8-writer.ts): what comes
// out must be exactly the text written, whatever its characters and however it was cut up.

t.test('the bytes are the UTF-8 of everything written, in order', async (t) => {
  const pieces = ['plain ', 'café ', 'the officer’s reply – ', '😀 ', 'lone \uD800 surrogate ', 'x'.repeat(40_000), '€'];
  const out = new Utf8Writer();
  const written: string[] = [];
  // Many writes, so that the text is encoded several times over and the buffer grows.
  for (let i = 0; i < 3_000; i++) {
    const piece = `${i}:${pieces[i % pieces.length]}`;
    out.write(piece);
    written.push(piece);
  }
  const bytes = out.bytes();
  t.ok(bytes.equals(Buffer.from(written.join(''), 'utf8')), 'the same bytes as the whole text encoded at once');
  t.equal(bytes.buffer.byteLength, bytes.length, 'in memory of its own, exactly its length');
  t.equal(new Utf8Writer().bytes().length, 0, 'nothing written: no bytes');
});

t.test('a character written in two halves is still one character', async (t) => {
  // A surrogate pair split across two writes, the first of them ending a 16K stretch of text.
  const out = new Utf8Writer();
  out.write(`${'x'.repeat(16 * 1024 - 1)}\uD83D`);
  out.write('\uDE00 and after');
  t.ok(out.bytes().equals(Buffer.from(`${'x'.repeat(16 * 1024 - 1)}😀 and after`, 'utf8')));
  const alone = new Utf8Writer();
  alone.write('ends on half a pair \uD83D');
  t.ok(alone.bytes().equals(Buffer.from('ends on half a pair \uD83D', 'utf8')), 'a half left at the end is written as what it is (U+FFFD)');
});

t.test('a document as JSON is exactly JSON.stringify of its model, as bytes of its own', async (t) => {
  const row = (n: number, text: string) => ({ id: n, title: text, rag: { value: null, colour: '#fff' }, lines: [text, 'more'] });
  const model = {
    document: 'overdue-report',
    title: 'Overdue "report"',
    runningHeader: 'Halton – Board',
    asOf: '2024-08-23',
    lines: ['As of Friday 23 August 2024.'],
    sections: [
      {
        heading: 'One',
        lines: [],
        tables: [
          { name: 'overdue', caption: 'Overdue (2)', rows: [row(1, 'a "quoted" reply'), row(2, 'rows-00000000-0000-0000-0000-000000000000-0')], empty: 'None.' },
          { name: 'due_soon', caption: 'Due soon (0)', rows: [], empty: 'Nothing is due soon.' },
        ],
      },
      { heading: 'Two', lines: ['x'], tables: [{ name: 'overdue', caption: 'Overdue (1)', rows: [row(3, 'café 😀 \u2028')], empty: 'None.' }] },
    ],
    ragKey: [{ rag: 'red', word: 'Red', colour: '#d4351c', meaning: 'Off track' }],
  } as unknown as DocumentModel;
  const { body, contentType } = await renderDocument(model, 'json');
  t.equal(contentType, 'application/json; charset=utf-8');
  t.equal(body.toString('utf8'), JSON.stringify(model));
  t.equal(body.buffer.byteLength, body.length, 'in memory of its own, exactly its length');
});
