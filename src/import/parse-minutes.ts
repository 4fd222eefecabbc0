import { DEFAULT_TIME_ZONE } from '../domain/clock.js';
import { resolutionFollowUps, discussionFollowUps } from './actions.js';
import { applyAttendanceSentences, extractAttendance } from './attendance.js';
import { extractDeclarations } from './declarations.js';
import { applyExemptVisibility } from './exempt.js';
import { chooseLayout, layoutSignals } from './layout.js';
import { MAX_ACTIONS_PER_ITEM, MINUTES_TEXT_MAX_CHARS } from './limits.js';
import { decisionFooterLines, splitDatedDecision } from './decision-dated.js';
import { committeeInDecisions, extractMeeting } from './meeting-header.js';
import { committeeOfThisMeeting } from './this-meeting.js';
import { normaliseMinutesText } from './normalise.js';
import { trimBlankLines, type SplitMinutes } from './raw-item.js';
import { notesStatementOnly } from './resolution-limbs.js';
import { findResolutionBlocks, parseResolutionBlock } from './resolutions.js';
import { segmentSentences } from './sentences.js';
import { splitModernGovMinutes } from './split-moderngov.js';
import { isHeadingText } from './headings.js';
import { findNumberedHeadings, splitNumberedMinutes } from './split-numbered.js';
import { findTitledItems, splitTitledMinutes } from './split-titled.js';
import { findCapsHeadings, splitUnnumberedMinutes } from './split-unnumbered.js';
import type { DraftAction, DraftItem, DraftProgress, DraftResolution, MinutesDraft, MinutesLayout, ParseMinutesOptions } from './types.js';
import { warningsFor } from './warnings.js';

// Minutes text → a draft of the meeting, its items, resolutions, declarations and candidate
// follow-ups. Pure and total: any string gives a draft (possibly empty) and never an
// exception; what could not be read is said in `warnings`.


function emptyDraft(layout: MinutesLayout, warnings: string[]): MinutesDraft {
  return {
    layout,
    meeting: { committeeName: null, date: null, time: null, startsAt: null, venue: null },
    attendance: [],
    items: [],
    resolutions: [],
    declarations: [],
    actions: [],
    progress: [],
    warnings,
  };
}

/** Binary or encoded data has few letters; minutes are mostly words. */
export function looksLikeText(text: string): boolean {
  const sample = text.slice(0, 200_000);
  let letters = 0;
  let visible = 0;
  for (const ch of sample) {
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    visible++;
    if (/\p{L}/u.test(ch)) letters++;
  }
  return visible === 0 || letters / visible >= 0.55;
}

// "Minutes of a meeting of the Health Scrutiny Sub-Committee held on 8 November 2023 at 2.00 pm":
// a printed header in one line, with a date, over minutes that have no item headings.
// (Not "The minutes of the meeting held on 3 May were agreed": the body must be named.)
const PRINTED_HEADER = /^(?:(?:the )?minutes of (?:the |an? )?(?:\w+ )?(?:meeting of )?|at an? (?:\w+ )?meeting of |(?:an? )?(?:\w+ )?meeting of )(?:the )?(?!(?:\w+ )?meeting\b)[^.]{0,120}?\b(?:committee|sub-committee|board|panel|cabinet|council|commission|forum|executive|assembly|partnership)\b[^.]{0,60}?\b(?:held|convened)\b.{0,40}?\b\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b/i;

function split(lines: string[], layout: MinutesLayout): SplitMinutes {
  if (layout === 'moderngov') return splitModernGovMinutes(lines);
  if (layout === 'numbered') return splitNumberedMinutes(lines, findNumberedHeadings(lines));
  if (layout === 'report') return { headerLines: lines.slice(0, 60), items: [], meetingLines: [] };
  // A fragment: a Modern.gov meeting line at the top is its header; the rest is one item.
  const first = lines.findIndex((l) => l !== '');
  const titled = titleOverMeetingLine(lines, first) ?? splitDatedDecision(lines);
  if (titled) return titled;
  const headerLike = /^(?:meeting ?:|.{3,200} [-\u2013\u2014] (?:\w+day,? )?\d{1,2}(?:st|nd|rd|th)? [A-Za-z]+,? \d{4})/i.test(lines[first] ?? '') || PRINTED_HEADER.test(lines[first] ?? '');
  const body = headerLike ? lines.slice(first + 1) : lines;
  const rest = trimBlankLines(body);
  // A ModernGov decision page labels its decision maker in its first lines.
  const labelled = lines.slice(0, 20).filter((l) => /^(?:decision maker|committee) ?: ?\S/i.test(l));
  return {
    headerLines: headerLike ? [lines[first] ?? ''] : [],
    items: rest.length > 0 ? [{ number: null, title: '', lines: rest }] : [],
    meetingLines: labelled,
  };
}

/**
 * A Modern.gov issue page without its "Minutes:" label: the item's title, then "Meeting: <date> -
 * <committee> (Item N)", then the minutes. The meeting line is the header, the title the item's.
 */
function titleOverMeetingLine(lines: readonly string[], first: number): SplitMinutes | null {
  const at = lines.findIndex((l, i) => i > first && i <= first + 6 && /^meeting ?: ?\S/i.test(l));
  if (at < 0) return null;
  const above = lines.slice(first, at).filter((l) => l !== '' && !/^issue - (?:meetings|decisions)$/i.test(l));
  const title = above[above.length - 1] ?? '';
  if (above.length > 2 || !isHeadingText(title)) return null;
  const rest = trimBlankLines(lines.slice(at + 1));
  return { headerLines: [lines[at] ?? ''], items: rest.length > 0 ? [{ number: null, title: title.replace(/:$/, ''), lines: rest }] : [], meetingLines: [] };
}

// A sentence does not end on an article, a preposition, a conjunction or an auxiliary.
const DANGLING_END = /\b(?:a|an|the|to|of|for|with|by|on|in|at|from|into|that|which|and|or|but|be|is|are|was|were|been|being|as|than|its|their|his|her|regarding|including|under|between)$/i;

/** The text of a resolution the text stops in: no closing stop, and a last word that cannot end it. */
function cutOff(text: string): boolean {
  return !/[.!?;:)"']$/.test(text) && DANGLING_END.test(text.trim());
}

function parse(input: string, timeZone: string): MinutesDraft {
  const warnings: string[] = [];
  let text = input;
  if (text.length > MINUTES_TEXT_MAX_CHARS) {
    warnings.push(`The text is longer than ${MINUTES_TEXT_MAX_CHARS} characters; only the first ${MINUTES_TEXT_MAX_CHARS} were read.`);
    text = text.slice(0, MINUTES_TEXT_MAX_CHARS);
  }
  if (text.replace(/[\s\u200B-\u200D\u2060\uFEFF\u00AD]/g, '') === '') {
    return emptyDraft('empty', [...warnings, 'The text is empty: there were no minutes to read.']);
  }
  if (!looksLikeText(text)) {
    return emptyDraft('empty', [...warnings, 'The text does not look like minutes (it is mostly not letters, perhaps a binary file); nothing was read.']);
  }
  const { lines, truncatedItems } = normaliseMinutesText(text);
  const headings = findNumberedHeadings(lines);
  let layout = chooseLayout(layoutSignals(lines, headings), lines.some((l) => l !== ''));
  if (layout === 'empty') return emptyDraft('empty', [...warnings, 'The text is empty: there were no minutes to read.']);
  const capsHeadings = layout === 'fragment' ? findCapsHeadings(lines) : [];
  if (capsHeadings.length >= 2) layout = 'unnumbered';
  // A Modern.gov page with neither numbers nor "Minutes:" labels, items under plain titles.
  const titled = layout === 'fragment' ? findTitledItems(lines) : [];
  if (titled.length > 0) layout = 'moderngov';
  const parts =
    layout === 'numbered'
      ? splitNumberedMinutes(lines, headings)
      : layout === 'unnumbered'
        ? splitUnnumberedMinutes(lines, capsHeadings)
        : titled.length > 0
          ? splitTitledMinutes(lines, titled)
          : split(lines, layout);
  const { meeting, itemNumber } = extractMeeting(parts.headerLines, [...parts.meetingLines, ...decisionFooterLines(lines)], timeZone);
  const attendance = layout === 'report' ? [] : extractAttendance(parts.headerLines);

  const items: DraftItem[] = [];
  const resolutions: DraftResolution[] = [];
  const actions: DraftAction[] = [];
  const progress: DraftProgress[] = [];
  const context = { committeeName: meeting.committeeName };
  const itemSentences: Array<{ number: string | null; title: string; sentences: string[] }> = [];
  const capWarnings: string[] = [];
  parts.items.forEach((raw, itemIndex) => {
    const number = raw.number ?? (parts.items.length === 1 ? itemNumber : null);
    items.push({ number, title: raw.title, minutes: raw.lines.join('\n'), position: itemIndex + 1, visibility: 'public' });
    const blocks = findResolutionBlocks(raw.lines);
    const inBlock = new Set<number>();
    const itemResolutions: Array<{ index: number; resolution: DraftResolution }> = [];
    // Limbs that only note what the meeting was told are read as discussion, each as one statement.
    const told: string[] = [];
    const lastLine = itemIndex === parts.items.length - 1 ? raw.lines.findLastIndex((l) => l !== '') : -1;
    for (const block of blocks) {
      for (let i = block.start; i < block.end; i++) inBlock.add(i);
      const parsedBlock = parseResolutionBlock(block, context);
      // An excerpt cut mid-decision ("(2) Authority be delegated to") ends the text: not a decision.
      const cut = lastLine >= block.start && lastLine < block.end ? parsedBlock[parsedBlock.length - 1] : undefined;
      if (cut && cutOff(cut.text)) {
        parsedBlock.pop();
        capWarnings.push(`The text stops in the middle of a resolution ("${cut.text.slice(0, 80)}"); it was left out.`);
      }
      for (const parsed of parsedBlock) {
        if (notesStatementOnly(block, parsed.text)) {
          told.push(parsed.text);
          continue;
        }
        const resolution: DraftResolution = { itemIndex, ...parsed };
        itemResolutions.push({ index: resolutions.length, resolution });
        resolutions.push(resolution);
      }
    }
    const discussion = raw.lines.map((line, i) => (inBlock.has(i) ? '' : line));
    const spoken = segmentSentences(discussion);
    const lastParagraph = spoken.reduce((max, s) => Math.max(max, s.paragraph), -1);
    const sentences = [...spoken, ...told.map((text, k) => ({ text, paragraph: lastParagraph + 1 + k }))];
    // Resolutions are the meeting's decisions: their follow-ups are kept first under the cap.
    const decided = resolutionFollowUps(itemResolutions, meeting.date, context);
    const kept = decided.slice(0, MAX_ACTIONS_PER_ITEM);
    const followUps = discussionFollowUps(itemIndex, sentences, meeting.date, context, MAX_ACTIONS_PER_ITEM - kept.length);
    actions.push(...followUps.actions, ...kept);
    progress.push(...followUps.progress);
    const leftOut = followUps.leftOut + decided.length - kept.length;
    if (leftOut > 0) {
      const name = number ? `Item ${number}` : raw.title ? `The item "${raw.title.slice(0, 80)}"` : 'The item';
      capWarnings.push(
        `${name} has ${MAX_ACTIONS_PER_ITEM + leftOut} candidate actions; only the first ${MAX_ACTIONS_PER_ITEM} were drafted and ${leftOut} were left out: read its minutes for the rest.`,
      );
    }
    itemSentences.push({ number, title: raw.title, sentences: segmentSentences(raw.lines).map((s) => s.text) });
  });
  if (meeting.committeeName === null && layout !== 'report') {
    meeting.committeeName = committeeOfThisMeeting(lines.slice(0, 400).filter((l) => l !== '').join(' ')) ?? committeeInDecisions(resolutions.map((r) => r.text));
  }
  applyAttendanceSentences(attendance, itemSentences.flatMap((it) => it.sentences));
  applyExemptVisibility(items);
  const declarations = extractDeclarations(itemSentences);
  warnings.push(...warningsFor({ layout, meeting, items, truncatedItems, lines, headerLines: parts.headerLines }), ...capWarnings);
  return { layout, meeting, attendance, items, resolutions, declarations, actions, progress, warnings };
}

/**
 * Read minutes text into a draft. Never throws: on any input it returns a draft, empty if
 * nothing could be read, with `warnings` saying why.
 */
export function parseMinutes(text: string, options: ParseMinutesOptions = {}): MinutesDraft {
  const input = typeof text === 'string' ? text : '';
  const timeZone = typeof options?.timeZone === 'string' && options.timeZone !== '' ? options.timeZone : DEFAULT_TIME_ZONE;
  try {
    return parse(input, timeZone);
  } catch (error) {
    // A parser bug must not become a 500: the caller still gets a (empty) draft and a reason.
    return unreadableDraft(error instanceof Error ? error.message : String(error));
  }
}

/** The draft of minutes that could not be read, saying why. */
export function unreadableDraft(reason: string): MinutesDraft {
  return emptyDraft('empty', [`The minutes could not be read (${reason.slice(0, 200)}).`]);
}
