/**
 * A statistics period as a caller may write it. TelePagos documents `{period}` without its form (we
 * assume `YYYY-MM`: STATISTICS_PERIOD_PATTERN), so any plausible form is passed through and TelePagos
 * judges it; only what cannot be a period is refused before sending.
 */

/** Longest period text sent. */
export const MAX_PERIOD_LENGTH = 32;
/** Letters (`enero`), digits and the separators dates use; one path segment, never `.` or `..`. */
const PERIOD_TEXT = /^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u;
/** A text shaped like a date (`2026-01`, `2026-01-31`, `2026/1`): its month and day must exist. */
const DATE_SHAPED = /^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?$/;

/** Why `period` cannot be a statistics period, or undefined when it is plausible. */
export function periodProblem(period: string): string | undefined {
  if (period.trim() === '') return 'must not be empty';
  if (period !== period.trim()) return 'must not start or end with spaces';
  if (period.length > MAX_PERIOD_LENGTH) return `must be at most ${MAX_PERIOD_LENGTH} characters`;
  if (!PERIOD_TEXT.test(period)) return "must be letters, digits and ' ', '.', '_', '/' or '-'";
  const date = DATE_SHAPED.exec(period);
  if (date) {
    const month = Number(date[2]);
    const day = date[3] === undefined ? 1 : Number(date[3]);
    if (month < 1 || month > 12) return 'names no month';
    if (day < 1 || day > new Date(Date.UTC(Number(date[1]), month, 0)).getUTCDate()) return 'names no day';
  }
  return undefined;
}
