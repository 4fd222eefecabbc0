import t from 'tap';
import { parseActionLine } from '../../src/import/action-lines.js';

t.test('"ACTION:" lines as minutes write them', async (t) => {
  t.same(parseActionLine('ACTION: Chief Inspector Dunn to provide a monthly breakdown.'), {
    what: 'Chief Inspector Dunn to provide a monthly breakdown.',
    ownerOnly: false,
    owner: 'Chief Inspector Dunn',
  });
  t.same(parseActionLine('ACTION: J Saltmarsh'), { what: 'J Saltmarsh', ownerOnly: true });
  t.equal(parseActionLine('Members asked for the figures.'), null);
});

t.test('rows of an action table carry owner and due labels', async (t) => {
  t.same(parseActionLine('ACTION: Share the audit results with the Committee – Owner: Director of Housing – Due: Next meeting'), {
    what: 'Share the audit results with the Committee',
    ownerOnly: false,
    owner: 'Director of Housing',
    due: 'Next meeting',
  });
  t.same(parseActionLine('ACTION: Provide the figures by ward – Due: 15 December 2023'), { what: 'Provide the figures by ward', ownerOnly: false, due: '15 December 2023' });
});

t.test('an imperative opening the line is the action, not who owes it', async (t) => {
  t.same(parseActionLine('ACTION: Circulate the slides'), { what: 'Circulate the slides', ownerOnly: false });
  t.equal(parseActionLine('ACTION: Send the revised figures to members')?.owner, undefined);
});
