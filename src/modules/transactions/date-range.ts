/** Date ranges of the read API, validated once (each provider's adapter turns them into its own terms). */
import { addDays, daysInstants, isTimeZone, localDate } from '../../domain/time-zone.js';
import { userInputError } from '../../graphql/errors.js';
import type { DayRange, InstantRange, TransactionSource } from '../../providers/capabilities.js';

/** The longest range one query may ask for: bounds the upstream work a single query can cause. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

/** from ≤ to, at most MAX_RANGE_DAYS days apart (inclusive). Dates are validated LocalDate strings. */
export function checkRange(from: string, to: string): void {
  if (from > to) throw userInputError('from must not be after to', { field: 'from' });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) throw userInputError(`the range may span at most ${MAX_RANGE_DAYS} days`, { field: 'to' });
}

/** An IANA time-zone name the platform knows, or BAD_USER_INPUT naming the argument. */
export function checkTimeZone(timeZone: string): string {
  if (!isTimeZone(timeZone))
    throw userInputError('timeZone must be an IANA time-zone name such as America/Argentina/Buenos_Aires or America/Lima', { field: 'timeZone' });
  return timeZone;
}

/**
 * The read API's one rule: `from` and `to` are calendar days in `timeZone`, both inclusive. Checked
 * (range, zone) before anything is asked upstream; the answer is the instants those days span.
 */
export function readDays(from: string, to: string, timeZone: string): InstantRange {
  checkRange(from, to);
  return daysInstants(from, to, checkTimeZone(timeZone));
}

/**
 * The provider days to ask a source for so that every instant of `range` is in them: the days of its
 * own zone that the range touches, or, for a source that names no zone, the caller's days and two more
 * on each side (no two zones are more than 26 hours apart).
 */
export function coveringDays(range: InstantRange, source: TransactionSource, callerDays: DayRange): DayRange {
  if (source.timeZone) return { from: localDate(range.from, source.timeZone), to: localDate(range.to, source.timeZone) };
  return { from: addDays(callerDays.from, -2), to: addDays(callerDays.to, 2) };
}

/** Whether `days` of the source's zone are exactly `range` (then its own counts and shortcuts hold). */
export function sameInstants(range: InstantRange, source: TransactionSource, days: DayRange): boolean {
  if (!source.timeZone) return false;
  const own = daysInstants(days.from, days.to, source.timeZone);
  return own.from === range.from && own.to === range.to;
}
