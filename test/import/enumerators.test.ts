import t from 'tap';
import { splitEnumerated } from '../../src/import/enumerators.js';

const parts = (text: string) => splitEnumerated(text).parts.map((p) => [p.marker, p.text]);

t.test('numbered sub-resolutions in each style', async (t) => {
  t.same(parts('that: (1) the report be noted; (2) an update be provided.'), [['1', 'the report be noted;'], ['2', 'an update be provided.']]);
  t.same(parts('(a) noted; and (b) agreed'), [['a', 'noted; and'], ['b', 'agreed']]);
  t.same(parts('That 1. the report be noted 2. an update be given'), [['1', 'the report be noted'], ['2', 'an update be given']]);
  t.same(parts('(i) first;\n(ii) second;\n(iii) third'), [['i', 'first;'], ['ii', 'second;'], ['iii', 'third']]);
  t.same(parts('1) one\n2) two'), [['1', 'one'], ['2', 'two']]);
});

t.test('nested and stray markers stay in the text', async (t) => {
  t.same(parts('(1) the Board notes: (a) x (b) y; (2) done'), [['1', 'the Board notes: (a) x (b) y;'], ['2', 'done']]);
  t.same(parts('That the report outlined in paragraph (3) be noted'), [], 'no list starts at (3)');
  t.same(parts('That the report be noted and item (1) be deferred'), [], 'a marker mid-sentence cannot open a list');
  t.equal(splitEnumerated('that: (1) noted').preamble, 'that:');
});
