import { trimBlankLines, type SplitMinutes } from './raw-item.js';

// A Modern.gov "Issue - decisions" page heads the decision with the date of the meeting that
// took it and the title: "14/05/2024 - Play Area Refurbishment Programme", then the
// minutes. The page states no committee and has no "Meeting:" line, so that dated line is the
// only place the meeting's date is given. Read only when the page has exactly one such line
// near its top: a page listing decisions of several meetings does not say which one it is.

/** "14/05/2024 - <title>": a UK numeric date, a dash, then the title. */
export const DATED_DECISION_LINE = /^(\d{1,2}\/\d{1,2}\/\d{4}) ?[-\u2013\u2014] ?(\S.{0,300})$/;
const TOP_LINES = 12;

/** The page split at its one dated decision line: the line is the meeting line, its title the item's. */
export function splitDatedDecision(lines: readonly string[]): SplitMinutes | null {
  const dated = lines.flatMap((l, i) => (DATED_DECISION_LINE.test(l) ? [i] : []));
  const at = dated[0];
  if (dated.length !== 1 || at === undefined || lines.slice(0, at).filter((l) => l !== '').length > TOP_LINES) return null;
  const line = lines[at] ?? '';
  const title = (DATED_DECISION_LINE.exec(line)?.[2] ?? '').trim();
  const rest = trimBlankLines(lines.slice(at + 1));
  return {
    headerLines: trimBlankLines(lines.slice(0, at)),
    items: rest.length > 0 ? [{ number: null, title, lines: rest }] : [],
    meetingLines: [line],
  };
}

// A Modern.gov "Decision details" page states its meeting at the foot of the page, after the
// decision: "Date of decision: 05/03/2025" and "Decided at meeting: 05/03/2025 - Cabinet".
// ("Publication date:" and "Effective from:" are the call-in dates, not the meeting's.)
const DECISION_FOOTER = /^(?:decided at meeting|date of decision) ?: ?\S/i;

/** The page's "Decided at meeting:" and "Date of decision:" lines, wherever they stand. */
export function decisionFooterLines(lines: readonly string[]): string[] {
  return lines.filter((l) => l.length <= 300 && DECISION_FOOTER.test(l)).slice(0, 4);
}
