import { ESLint } from 'eslint';
import t from 'tap';
import { projectRoot } from '../helper.js';

// The project's rule that keeps the server bundle Latin-1 (eslint-rules/latin1-regex.js): a
// character above U+00FF in a regular expression literal is reported, and the fix matches the
// same text as the pattern it replaces.

const eslint = new ESLint({ cwd: projectRoot, fix: true });
// Linted as if it were a file of src/ (the rule applies there); nothing is written.
const filePath = `${projectRoot}src/documents/utf8-writer.ts`;

/** The literal's messages, and the literal as fixed. */
async function lint(literal: string): Promise<{ reported: number; fixed: string }> {
  const [result] = await eslint.lintText(`export const r = ${literal};\n`, { filePath });
  const reported = result!.messages.filter((m) => m.ruleId === 'local/latin1-regex').length;
  // Reported problems that were fixed are not among the messages; the output shows them.
  const fixed = /^export const r = (.*);\n$/s.exec(result!.output ?? '')?.[1] ?? literal;
  return { reported: reported + (result!.output !== undefined && fixed !== literal ? 1 : 0), fixed };
}

const cases: [string, string, string[], string[]][] = [
  // [literal, as fixed, texts it matches, texts it does not]
  ['/[\u2013\u2014-]/', '/[\\u2013\\u2014-]/', ['\u2013', '\u2014', '-'], ['a']],
  ["/officer\u2019s/i", '/officer\\u2019s/i', ['OFFICER\u2019S'], ["officer's"]],
  ['/a\\\u2013b/', '/a\\u2013b/', ['a\u2013b'], ['a\\u2013b', 'a\\\u2013b']],
  ['/a\\\\\u2013/', '/a\\\\\\u2013/', ['a\\\u2013'], ['a\u2013']],
  ['/^\u{1F600}$/', '/^\\uD83D\\uDE00$/', ['\u{1F600}'], ['\uD83D']],
  ['/^\u{1F600}$/u', '/^\\u{1F600}$/u', ['\u{1F600}'], ['\uD83D']],
  ['/[\u00e9\u00b7]/', '/[\u00e9\u00b7]/', ['\u00e9', '\u00b7'], ['e']],
];

for (const [literal, expected, matches, misses] of cases) {
  t.test(`${literal} is fixed as ${expected}`, async (t) => {
    const { fixed } = await lint(literal);
    t.equal(fixed, expected);
    const source = /^\/(.*)\/([a-z]*)$/s.exec(fixed)!;
    const original = /^\/(.*)\/([a-z]*)$/s.exec(literal)!;
    for (const [pattern, flags] of [[original[1]!, original[2]!], [source[1]!, source[2]!]] as const) {
      const re = new RegExp(pattern, flags);
      for (const text of matches) t.ok(re.test(text), `/${pattern}/${flags} matches ${JSON.stringify(text)}`);
      for (const text of misses) t.notOk(re.test(text), `/${pattern}/${flags} does not match ${JSON.stringify(text)}`);
    }
    t.ok([...fixed].every((c) => c.codePointAt(0)! <= 0xff), 'Latin-1');
  });
}

t.test('a Latin-1 pattern is left alone, and a wide one reported', async (t) => {
  t.equal((await lint('/caf\u00e9/')).reported, 0);
  t.equal((await lint('/[\u2013]/')).reported, 1);
});
