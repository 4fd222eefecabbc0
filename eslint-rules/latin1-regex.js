// V8 keeps a script's source in its heap for as long as the script runs, one byte a character
// only if no character in it is above U+00FF. esbuild writes strings and untagged template
// literals in ASCII but leaves a regular expression literal (and a tagged template) as it is
// written, so one dash (U+2013) in one pattern made the server bundle's 6 MB of source 12 MB of
// heap (docs/performance.md). This rule reports such a character in a regular expression literal,
// and fixes it with an escape that matches the same text. (test/process/build.test.ts checks the
// built bundle itself.)

const hex = (n) => n.toString(16).toUpperCase().padStart(4, '0');

/** The escape of one code point in a pattern with or without the u (or v) flag. */
function escapeOf(codePoint, unicode) {
  if (codePoint <= 0xffff) return `\\u${hex(codePoint)}`;
  if (unicode) return `\\u{${hex(codePoint)}}`;
  // Without the flag the pattern sees the two UTF-16 code units; so does their escape.
  const offset = codePoint - 0x10000;
  return `\\u${hex(0xd800 + (offset >> 10))}\\u${hex(0xdc00 + (offset & 0x3ff))}`;
}

/**
 * The pattern with every character above U+00FF escaped. One already behind a backslash (`\–`,
 * an identity escape, meaning the character itself) loses that backslash to its \u escape.
 */
function escapedPattern(pattern, unicode) {
  let out = '';
  let backslashes = 0;
  for (const c of pattern) {
    if (c.codePointAt(0) > 0xff) {
      if (backslashes % 2 === 1) out = out.slice(0, -1);
      out += escapeOf(c.codePointAt(0), unicode);
    } else {
      out += c;
    }
    backslashes = c === '\\' ? backslashes + 1 : 0;
  }
  return out;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    fixable: 'code',
    docs: { description: 'a character above U+00FF written as itself in a regular expression literal' },
    messages: {
      wide: 'Write {{char}} as {{escape}}: a character above U+00FF in a regular expression makes V8 keep the whole bundle two bytes a character (docs/performance.md).',
    },
    schema: [],
  },
  create(context) {
    return {
      Literal(node) {
        if (!node.regex) return;
        const first = [...node.regex.pattern].find((c) => c.codePointAt(0) > 0xff);
        if (first === undefined) return;
        const unicode = /[uv]/.test(node.regex.flags);
        context.report({
          node,
          messageId: 'wide',
          data: { char: first, escape: escapeOf(first.codePointAt(0), unicode) },
          fix: (fixer) => fixer.replaceText(node, `/${escapedPattern(node.regex.pattern, unicode)}/${node.regex.flags}`),
        });
      },
    };
  },
};

export default rule;
