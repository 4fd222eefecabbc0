// Minutes that keep an action column write the follow-up on its own line: "ACTION: JS to
// circulate the slides", "ACTION: Chief Inspector Dunn to provide…", or, from an action table,
// "ACTION: Share the audit results with the Committee – Owner: Director of Housing – Due: Next
// meeting". A short line with no verb ("ACTION: J Saltmarsh") names who owes the request above.

export const ACTION_LINE = /^(?:ACTION|Action)(?: (?:BY|by|POINT|point|OWNER|owner))? ?[:\u2013-] ?(.*)$/;

export interface ActionLine {
  /** What is to be done, without the owner and due labels. */
  what: string;
  owner?: string;
  /** The due column as written ("15 December 2023", "Next meeting"). */
  due?: string;
  /** Only a name: it names the owner of the action minuted just above. */
  ownerOnly: boolean;
}

const LABELLED_PART = / [\u2013\u2014-] (Owner|Lead|Responsible|By whom|Due|Deadline|By when|Date due|Target date|Timescale): /i;
// An imperative opening the line is the action itself, not the name of who owes it.
const IMPERATIVE =
  /^(?:provide|circulate|share|send|arrange|report|bring|update|check|confirm|investigate|write|contact|liaise|prepare|produce|add|include|invite|review|consider|look|seek|obtain|find|organise|forward|e-?mail|ask|request|draft|present|feed|follow|clarify)\b/i;

export function parseActionLine(line: string): ActionLine | null {
  const m = ACTION_LINE.exec(line);
  if (!m) return null;
  let rest = (m[1] ?? '').trim();
  const labels: Record<string, string> = {};
  for (let part = LABELLED_PART.exec(rest); part !== null; part = LABELLED_PART.exec(rest)) {
    const head = rest.slice(0, part.index);
    const tail = rest.slice(part.index + part[0].length);
    const next = LABELLED_PART.exec(tail);
    const value = (next ? tail.slice(0, next.index) : tail).trim().replace(/[.;]$/, '');
    const key = /^(?:owner|lead|responsible|by whom)$/i.test(part[1] ?? '') ? 'owner' : 'due';
    labels[key] ??= value;
    rest = head + (next ? tail.slice(next.index) : '');
  }
  const what = rest.trim();
  const named = /^(.{2,60}?) to [a-z]/.exec(what)?.[1];
  const owner = labels.owner || (named && !IMPERATIVE.test(named) ? named : undefined);
  const ownerOnly = labels.owner === undefined && !/ to [a-z]/.test(what) && what.split(' ').length <= 5 && !IMPERATIVE.test(what);
  return { what, ownerOnly, ...(owner ? { owner } : {}), ...(labels.due ? { due: labels.due } : {}) };
}
