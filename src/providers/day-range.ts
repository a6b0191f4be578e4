/** Calendar days of a provider's time zone as instants, for providers whose listings take instants. */
import type { DayRange } from './capabilities.js';

/** `-05:00` for -300 minutes: the offset as ISO 8601 writes it. */
export function isoOffset(utcOffsetMinutes: number): string {
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** From the start of `from` to the last millisecond of `to`, both days read at `utcOffset` (`-05:00`). */
export function dayRangeInstants(range: DayRange, utcOffset: string): { from: Date; to: Date } {
  return { from: new Date(`${range.from}T00:00:00${utcOffset}`), to: new Date(`${range.to}T23:59:59.999${utcOffset}`) };
}
