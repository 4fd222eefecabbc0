import type { MinutesLayout } from './types.js';
import { countMinutesMarkers } from './split-moderngov.js';
import type { HeadingAt } from './split-numbered.js';

// Which kind of document this is decides how items are split:
// - moderngov: a Modern.gov page, items anchored on "Minutes:" blocks;
// - numbered: printed minutes, items at rising minute-number headings;
// - report: a committee report (REPORT TO / PURPOSE OF THE REPORT), not minutes at all;
// - fragment: prose with no recognisable item structure, read as one untitled item.

const REPORT_LABEL = /^(?:report to|reporting officer|report of|report author|portfolio|wards?) ?:/i;
const REPORT_HEADING = /\b(?:purpose of (?:the |this )?report|recommendations? ?:|background papers)\b/i;
const RESOLUTION_AT_START = /^(?:- )?(?:RESOLVED|Resolved|RECOMMENDED)\b/;

export interface LayoutSignals {
  minutesMarkers: number;
  numberedHeadings: number;
  reportLabels: number;
  reportHeadings: number;
  resolutions: number;
}

export function layoutSignals(lines: readonly string[], headings: readonly HeadingAt[]): LayoutSignals {
  let reportLabels = 0;
  let reportHeadings = 0;
  let resolutions = 0;
  for (const line of lines) {
    if (REPORT_LABEL.test(line)) reportLabels++;
    if (line.length < 120 && REPORT_HEADING.test(line)) reportHeadings++;
    if (RESOLUTION_AT_START.test(line)) resolutions++;
  }
  return {
    minutesMarkers: countMinutesMarkers(lines),
    numberedHeadings: headings.length,
    reportLabels,
    reportHeadings,
    resolutions,
  };
}

export function chooseLayout(s: LayoutSignals, hasText: boolean): MinutesLayout {
  if (!hasText) return 'empty';
  if (s.reportLabels >= 2 && s.reportHeadings >= 1 && s.resolutions === 0 && s.minutesMarkers === 0) return 'report';
  if (s.minutesMarkers > 0 && s.minutesMarkers * 2 >= s.numberedHeadings) return 'moderngov';
  if (s.numberedHeadings > 0) return 'numbered';
  return 'fragment';
}
