// The minutes importer's public surface: one pure parser and its draft types.
export { parseMinutes } from './parse-minutes.js';
export { MINUTES_TEXT_MAX_CHARS } from './limits.js';
export type * from './types.js';
