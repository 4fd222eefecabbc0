// A program (src/db/program.ts) is a generator: calling a repository function that returns one
// runs nothing until it is `yield*`ed or given to an engine's runner. Forgetting that is a write
// silently not made, which no type error catches (a discarded value is legal). This rule, typed,
// reports a generator object made and dropped: an expression statement whose value is one, or a
// `yield` (not `yield*`) of one.

/** @param {import('typescript').Type} type */
function isGenerator(type) {
  if (type.isUnion()) return type.types.some(isGenerator);
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
  return name === 'Generator' || name === 'Program';
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'a program (generator) made but neither yield*ed nor run' },
    messages: {
      unused: 'This program is made but never run: `yield*` it inside a program, or run it (engine.run, a service method).',
      yielded: 'A program yielded with `yield`, not `yield*`: it is never run.',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const typeOf = (node) => services.program.getTypeChecker().getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    return {
      ExpressionStatement(node) {
        const e = node.expression;
        if (e.type === 'YieldExpression' || e.type === 'AssignmentExpression' || e.type === 'AwaitExpression') return;
        if (isGenerator(typeOf(e))) context.report({ node, messageId: 'unused' });
      },
      YieldExpression(node) {
        if (!node.delegate && node.argument && isGenerator(typeOf(node.argument))) context.report({ node, messageId: 'yielded' });
      },
    };
  },
};

export default { rules: { 'no-unused-program': rule } };
