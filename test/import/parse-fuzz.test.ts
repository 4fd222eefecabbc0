import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { parseMinutes } from '../../src/import/index.js';
import type { MinutesDraft } from '../../src/import/types.js';

// parseMinutes is total: random text, and the project's own minutes cut anywhere, give a
// well-formed draft and never an exception (parse-minutes.ts turns a thrown bug into an
// "could not be read" draft; that must not happen either, so it is checked here).

const LAYOUTS = ['moderngov', 'numbered', 'unnumbered', 'report', 'fragment', 'empty'];
const ownMinutes = [join(import.meta.dirname, '..', 'fixtures', 'minutes'), join(import.meta.dirname, 'fixtures')].flatMap((folder) =>
  readdirSync(folder)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(folder, f), 'utf8')),
);

function problems(draft: MinutesDraft): string[] {
  const found: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) found.push(what);
  };
  check(LAYOUTS.includes(draft.layout), `layout ${draft.layout}`);
  check(draft.meeting.date === null || /^\d{4}-\d{2}-\d{2}$/.test(draft.meeting.date), `date ${draft.meeting.date}`);
  check(draft.meeting.time === null || /^\d{2}:\d{2}$/.test(draft.meeting.time), `time ${draft.meeting.time}`);
  draft.items.forEach((item, i) => check(item.position === i + 1 && typeof item.title === 'string' && typeof item.minutes === 'string', `item ${i}`));
  const itemOk = (index: number) => Number.isInteger(index) && index >= 0 && index < draft.items.length;
  draft.resolutions.forEach((r, i) => check(itemOk(r.itemIndex) && r.text !== '', `resolution ${i}`));
  draft.actions.forEach((a, i) =>
    check(itemOk(a.itemIndex) && (a.resolutionIndex === null || (a.resolutionIndex >= 0 && a.resolutionIndex < draft.resolutions.length)) && a.title !== '', `action ${i}`),
  );
  draft.progress.forEach((p, i) => check(itemOk(p.itemIndex), `progress ${i}`));
  check(draft.warnings.every((w) => typeof w === 'string' && !w.startsWith('The minutes could not be read')), `warnings ${draft.warnings.join(' | ')}`);
  return found;
}

const minutesWords = fc.constantFrom(
  'RESOLVED', 'That', 'a.', '(1)', '1)', '2.', 'Minutes:', 'Meeting:', 'CONCLUDED that', 'It was moved by', 'seconded by', 'and',
  'would be circulated', 'had been circulated', 'offered to', 'Members', 'the Committee', 'requested', 'a breakdown', 'by ward',
  'These would', 'be set up', 'will come to the', 'Panel', '12 March 2024', '\n', '\n\n', '\f', ' – ', ':', '.', '(Item 4)', 'Noted that',
);

t.test('random text gives a well-formed draft', async () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (text) => problems(parseMinutes(text)).length === 0),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(minutesWords, { maxLength: 120 }).map((words) => words.join(' ')), (text) => problems(parseMinutes(text)).length === 0),
    { numRuns: 300 },
  );
});

t.test('the project\u2019s own minutes cut anywhere, or with a slice removed, give a well-formed draft', async (t) => {
  t.ok(ownMinutes.length > 0);
  fc.assert(
    fc.property(fc.constantFrom(...ownMinutes), fc.nat(), fc.nat(), (text, a, b) => {
      const cut = a % (text.length + 1);
      const from = Math.min(cut, b % (text.length + 1));
      return problems(parseMinutes(text.slice(0, cut))).length === 0 && problems(parseMinutes(text.slice(0, from) + text.slice(cut))).length === 0;
    }),
    { numRuns: 150 },
  );
});

t.test('a draft that breaks the shape is caught by the check', async (t) => {
  const draft = parseMinutes('1. Apologies\n\nRESOLVED: That the report be noted.');
  t.same(problems(draft), []);
  t.not(problems({ ...draft, resolutions: [{ itemIndex: 9, number: null, text: 'x', kind: 'noted' }] }).length, 0);
});
