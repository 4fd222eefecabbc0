// Path, query-string and header values arrive as text. Ajv's type coercion reads them the way
// JavaScript's Number() does — "0x1", "1.0", "+1" and " 1" all become the id 1, "" becomes 0 —
// and would also bend JSON bodies (`true` into 1, `[1]` into 1, `null` into 0). So Ajv coerces
// nothing, and these parts are parsed here first, strictly: an integer is decimal digits, a
// number a plain decimal, a boolean `true` or `false`. Anything else stays text, which the
// schema then refuses (a 400 naming the parameter).

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The JSON types a (sub)schema admits: its `type`, or its branches' types. */
function typesOf(schema: unknown, into = new Set<string>()): Set<string> {
  if (!isObject(schema)) return into;
  const type = schema.type;
  for (const name of Array.isArray(type) ? type : [type]) if (typeof name === 'string') into.add(name);
  for (const key of ['anyOf', 'oneOf']) {
    const branches = schema[key];
    if (Array.isArray(branches)) for (const branch of branches) typesOf(branch, into);
  }
  return into;
}

function parseText(text: string, types: Set<string>): unknown {
  if (types.has('string')) return text;
  if (types.has('integer') && INTEGER.test(text)) return Number(text);
  if (types.has('number') && DECIMAL.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/**
 * A parser for one route's path, query or header parameters: replaces, in place, each text value
 * that its property's schema wants as a number or boolean. The schema is read once, here, not
 * on every request.
 */
export function parametersParser(schema: unknown): ((data: unknown) => void) | undefined {
  if (!isObject(schema) || !isObject(schema.properties)) return undefined;
  const typed = Object.entries(schema.properties)
    .map(([name, property]) => [name, typesOf(property)] as const)
    .filter(([, types]) => !types.has('string'));
  if (typed.length === 0) return undefined;
  return (data) => {
    if (data === null || typeof data !== 'object') return;
    const values = data as Json;
    for (const [name, types] of typed) {
      const value = values[name];
      if (typeof value === 'string') values[name] = parseText(value, types);
    }
  };
}
