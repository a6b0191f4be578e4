/** Date ranges of the read API, validated once (each provider's adapter turns them into its own terms). */
import { userInputError } from '../../graphql/errors.js';

/** The longest range one query may ask for: bounds the upstream work a single query can cause. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;

/** from ≤ to, at most MAX_RANGE_DAYS days apart (inclusive). Dates are validated LocalDate strings. */
export function checkRange(from: string, to: string): void {
  if (from > to) throw userInputError('from must not be after to', { field: 'from' });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) throw userInputError(`the range may span at most ${MAX_RANGE_DAYS} days`, { field: 'to' });
}
