// The draft the minutes parser returns. Nothing here is saved: an officer reviews the draft
// and commits it against a committee. Indexes (`itemIndex`, `resolutionIndex`) point into the
// draft's own arrays (0-based); `position` is the item's 1-based order in the meeting.

import type { ActionKind, AttendanceStatus, DeclarationKind, PersonKind, ResolutionKind } from '../domain/vocabulary.js';

export type { ActionKind, AttendanceStatus, DeclarationKind, PersonKind, ResolutionKind };

export type MinutesLayout = 'moderngov' | 'numbered' | 'unnumbered' | 'report' | 'fragment' | 'empty';

export interface DraftMeeting {
  committeeName: string | null;
  /** Local calendar date, YYYY-MM-DD. */
  date: string | null;
  /** Local time, HH:MM (24-hour). */
  time: string | null;
  /** ISO 8601 with offset in the meeting's time zone; null unless both date and time are known. */
  startsAt: string | null;
  venue: string | null;
}

export interface DraftAttendance {
  name: string;
  status: AttendanceStatus;
  kind?: PersonKind;
  /** What a co-optee or partner represents, e.g. "Roman Catholic Church Representative". */
  represents?: string;
  substituteFor?: string;
}

export type ItemVisibility = 'public' | 'exempt';

export interface DraftItem {
  number: string | null;
  title: string;
  minutes: string;
  position: number;
  visibility: ItemVisibility;
  /** Schedule 12A paragraph (1–7) when the minutes name it. */
  exemptParagraph?: number;
}

export interface DraftResolution {
  itemIndex: number;
  number: string | null;
  text: string;
  kind: ResolutionKind;
}

export interface DraftDeclaration {
  itemIndex: number | null;
  itemNumber?: string;
  personName: string;
  kind: DeclarationKind;
  detail: string;
}


export type DueHint =
  | { rule: 'next_meeting' }
  | { rule: 'quarter'; quarter: string }
  | { rule: 'date'; date: string };

export interface DraftAction {
  itemIndex: number;
  resolutionIndex: number | null;
  kind: ActionKind;
  title: string;
  detail: string;
  /** The sentence (or sub-resolution) the action was read from, as it appears in the text. */
  sourceSentence: string;
  dueHint: DueHint | null;
  requestedBy?: string;
  owner?: string;
  /** The reference the minutes cite it by ("CYPF (24/25) 07"), kept when the committee has no action by it. */
  reference?: string;
}

/** A statement that something has already been circulated, sent or done. */
export interface DraftProgress {
  itemIndex: number;
  sourceSentence: string;
}

export interface MinutesDraft {
  layout: MinutesLayout;
  meeting: DraftMeeting;
  attendance: DraftAttendance[];
  items: DraftItem[];
  resolutions: DraftResolution[];
  declarations: DraftDeclaration[];
  actions: DraftAction[];
  progress: DraftProgress[];
  warnings: string[];
}

export interface ParseMinutesOptions {
  /** IANA zone for `startsAt`: the committee's the minutes are for; Europe/London when none is named. */
  timeZone?: string;
}
