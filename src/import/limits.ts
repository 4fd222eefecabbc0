// Real minutes, even a long council meeting with every appendix pasted in, stay well under
// a few hundred thousand characters. Past this limit the parser reads only the beginning and
// says so in `warnings`; the HTTP layer may refuse larger bodies outright (413).
export const MINUTES_TEXT_MAX_CHARS = 1_000_000;

// Regular expressions below run on one line or one sentence at a time; capping their input
// keeps every match linear even on a pasted binary file with no line breaks.
export const MAX_SENTENCE_CHARS = 2_000;
export const MAX_LINE_CHARS = 5_000;

// An officer reviews every candidate action by hand; no real item has more than a few dozen.
// The cap bounds the draft (and the commit) whatever the text; the warning says what it cut.
export const MAX_ACTIONS_PER_ITEM = 100;
