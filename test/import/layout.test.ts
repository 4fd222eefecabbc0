import t from 'tap';
import { chooseLayout, layoutSignals } from '../../src/import/layout.js';
import { normaliseMinutesText } from '../../src/import/normalise.js';
import { findNumberedHeadings } from '../../src/import/split-numbered.js';

function layoutOf(text: string): string {
  const { lines } = normaliseMinutesText(text);
  return chooseLayout(layoutSignals(lines, findNumberedHeadings(lines)), lines.length > 0);
}

t.test('each layout is recognised', async (t) => {
  t.equal(layoutOf('1.\n\nApologies\n\nMinutes:\n\nNone.\n\n2.\n\nBudget\n\nMinutes:\n\nNoted.'), 'moderngov');
  t.equal(layoutOf('Apologies\n\nMinutes:\n\nNone.'), 'moderngov', 'a single item with no number');
  t.equal(layoutOf('20 APOLOGIES FOR ABSENCE\nNone.\n21 MINUTES\nResolved that the minutes be approved.'), 'numbered');
  t.equal(layoutOf('REPORT TO: Scrutiny Board\nDATE: 1 May 2024\nREPORTING OFFICER: Director\n1.0 PURPOSE OF THE REPORT\nTo inform.'), 'report');
  t.equal(layoutOf('Members discussed the budget. RESOLVED: That the report be noted.'), 'fragment');
  t.equal(layoutOf('   \n\n  '), 'empty');
});

t.test('report labels do not win over minutes', async (t) => {
  const s = { minutesMarkers: 0, numberedHeadings: 4, reportLabels: 2, reportHeadings: 1, resolutions: 3 };
  t.equal(chooseLayout(s, true), 'numbered');
  t.equal(chooseLayout({ ...s, resolutions: 0 }, true), 'report');
});

t.test('a decisions page anchors on "Decision:" lines of their own', async (t) => {
  t.equal(layoutOf('118.\n\nBusiness Plan\n\nDecision:\n\nCabinet RESOLVED to approve the Plan.\n\n119.\n\nLand at Hatch Lane\n\nDecision:\n\nCabinet RESOLVED to approve the disposal.'), 'moderngov');
  t.equal(layoutOf('20 BUDGET\nDecision: That the budget be approved.\n21 WORK PROGRAMME\nDecision: That the work programme be agreed.'), 'numbered', 'printed minutes writing "Decision: That …"');
});
