import t from 'tap';
import { buildParagraphs, segmentSentences, splitSentences } from '../../src/import/sentences.js';

t.test('full stops that do not end a sentence', async (t) => {
  t.same(splitSentences('Cllr. Jones spoke. No. 5 was discussed, e.g. the budget, i.e. revenue.'), [
    'Cllr. Jones spoke.',
    'No. 5 was discussed, e.g. the budget, i.e. revenue.',
  ]);
  t.same(splitSentences('The meeting began at 6.30 p.m. Members attended. Costs rose by £1.5m. The Chair closed.'), [
    'The meeting began at 6.30 p.m. Members attended.',
    'Costs rose by £1.5m.',
    'The Chair closed.',
  ]);
  t.same(splitSentences('Councillors Logan and P. Lloyd Jones took part. It went well.'), ['Councillors Logan and P. Lloyd Jones took part.', 'It went well.']);
  t.same(splitSentences('Was it clear? Yes. "Quite so." Then more'), ['Was it clear?', 'Yes.', '"Quite so."', 'Then more']);
  t.same(splitSentences('Figures rose 3.2 per cent. 87 indicators were met.'), ['Figures rose 3.2 per cent.', '87 indicators were met.']);
});

t.test('paragraphs: bullets stand alone, wrapped lines join, a page break mid-sentence is mended', async (t) => {
  t.same(buildParagraphs(['First line', 'wraps here.', '', '- bullet one', '- bullet two', '', 'Equally there were areas where', '', 'performance was weak.']), [
    'First line wraps here.',
    'bullet one',
    'bullet two',
    'Equally there were areas where performance was weak.',
  ]);
  t.same(buildParagraphs(['13.1 The Committee noted the report.', '13.2 Members asked questions.']), ['The Committee noted the report.', 'Members asked questions.']);
});

t.test('sentences remember their paragraph', async (t) => {
  const s = segmentSentences(['One. Two.', '', 'Three.']);
  t.same(s.map((x) => x.paragraph), [0, 0, 1]);
});
