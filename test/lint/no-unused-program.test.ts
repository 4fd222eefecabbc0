import { ESLint } from 'eslint';
import t from 'tap';
import { projectRoot } from '../helper.js';

// The project's own lint rule (eslint-rules/no-unused-program.js): a program made and dropped is
// a write silently not made. Linted with the project's configuration, typed, as `npm test` lints:
// the code below stands in for a file of the project (this one), so its imports resolve.

const eslint = new ESLint({ cwd: projectRoot });
const HEADER = "import { run, tx, type Program } from '../../src/db/program.js';\ndeclare const write: () => Program<void>;\n";

async function problems(body: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${HEADER}${body}\n`, { filePath: `${projectRoot}test/lint/no-unused-program.test.ts` });
  return result!.messages.filter((m) => m.ruleId === 'local/no-unused-program').map((m) => m.messageId ?? m.message);
}

t.test('a program made and dropped, or yielded without *, is reported', async (t) => {
  t.same(await problems('export function f() { write(); }'), ['unused'], 'called as a statement');
  t.same(await problems('export function* f(): Program<void> { yield write(); }'), ['yielded'], 'yield, not yield*');
  t.same(await problems('export function f() { tx(function* () { yield* write(); }); }'), ['unused'], 'a transaction made and dropped');
});

t.test('a program run or yield*ed is not', async (t) => {
  t.same(await problems('export function* f(): Program<void> { yield* write(); }'), []);
  t.same(await problems('export const f = () => write();'), [], 'returned to its caller');
  t.same(await problems('export function* f(): Program<void> { const p = write(); yield* p; }'), [], 'kept, then yield*ed');
  t.same(await problems('declare const engine: { run<T>(p: Program<T>): Promise<T> };\nexport async function f() { await engine.run(write()); }'), [], 'given to a runner');
  t.same(await problems("export function* f(): Program<void> { yield* run(undefined as never); }"), []);
});
