// The minutes importer's public surface: one pure parser, the same parser off the caller's
// thread for long texts, and the draft types.
export { parseMinutes } from './parse-minutes.js';
export { createMinutesParser, PARSE_INLINE_MAX_CHARS, type MinutesParser } from './parse-off-thread.js';
export { MAX_ACTIONS_PER_ITEM, MINUTES_TEXT_MAX_CHARS } from './limits.js';
export type * from './types.js';
