import { todayIn } from '../../domain/clock.js';
import type { LocalDate } from '../../domain/local-date.js';

// Every "today" of the actions module — the day `overdue` is judged on when no `asOf` is given,
// the day a response is recorded on — comes from here, so that the committee's own time zone
// (DESIGN.md) can replace the fixed one in one place.
const LONDON = 'Europe/London';

export function today(): LocalDate {
  return todayIn(LONDON);
}
