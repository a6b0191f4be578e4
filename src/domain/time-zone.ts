/**
 * Calendar days of an IANA time zone as instants, with the platform's own time-zone data (Intl, ICU):
 * no dependency, and the same tables Node uses for every Date. One formatter per zone is kept.
 *
 * The read API's one rule: a `from`/`to` date is a calendar day in the caller's `timeZone`; a day runs
 * from its first instant (local midnight, or the first instant after it when a daylight-saving jump
 * skips midnight) to the last millisecond before the next day's first instant.
 */
import type { LocalDate } from './models.js';

/** The zone read when a caller names none: where most of Pasarela's merchants are. */
export const DEFAULT_TIME_ZONE = 'America/Argentina/Buenos_Aires';

/** An IANA name as written (`America/Lima`, `UTC`, `Etc/GMT+5`); offsets such as `-05:00` are not names. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether `name` is an IANA time-zone name this platform knows. */
export function isTimeZone(name: string): boolean {
  if (!ZONE_NAME.test(name)) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
export function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The calendar day an instant falls on in a zone, `YYYY-MM-DD`, from Intl (a few µs… tens of µs each). */
function computeLocalDate(ms: number, timeZone: string): LocalDate {
  const w = wallClock(ms, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * First instants (and last milliseconds) of days already worked out, per zone and day. Each costs
 * several Intl calls (tens of µs), and every read with a date range asks for the same few days again; a
 * zone's rules do not change while the process runs. Bounded: emptied when full (a caller can name any
 * day of 10,000 years).
 */
const dayStarts = new Map<string, number>();
const MAX_REMEMBERED_DAYS = 10_000;
/** Instants whose local day is certainly in years 1…9998 (a day's margin at each end). */
const FIRST_INSTANT = Date.parse('0001-01-02T00:00:00Z');
const END_INSTANT = Date.parse('9998-12-31T00:00:00Z');

/**
 * Per zone, the last few days `localDate` answered: rows come in time order, and a range's two ends
 * alternate, so most lookups hit one of them.
 */
const recentDays = new Map<string, { day: LocalDate; from: number; to: number }[]>();
const RECENT_DAYS = 4;

/**
 * The calendar day an instant falls on in a zone, `YYYY-MM-DD`: the day whose first instant is at or
 * before it and whose next day's first instant is after it. No zone is 24 hours or more from UTC, so that
 * day is the instant's UTC day or one beside it; the first instants come from `dayStart`, remembered.
 */
export function localDate(ms: number, timeZone: string): LocalDate {
  const recent = recentDays.get(timeZone);
  if (recent) for (const known of recent) if (ms >= known.from && ms < known.to) return known.day;
  // At the ends of years 1…9998 or beyond them (where a day is not written YYYY-MM-DD), Intl answers
  // directly, and refuses an instant that is not one.
  if (!(ms >= FIRST_INSTANT && ms < END_INSTANT)) return computeLocalDate(ms, timeZone);
  let day = new Date(ms).toISOString().slice(0, 10);
  for (let step = 0; step < 3; step++) {
    const from = dayStart(day, timeZone);
    if (ms < from) {
      day = addDays(day, -1);
      continue;
    }
    const to = dayStart(addDays(day, 1), timeZone);
    if (ms >= to) {
      day = addDays(day, 1);
      continue;
    }
    if (!recent) recentDays.set(timeZone, [{ day, from, to }]);
    else if (recent.unshift({ day, from, to }) > RECENT_DAYS) recent.pop();
    return day;
  }
  // Not reached with real zone data (days are contiguous); Intl answers directly if it ever is.
  return computeLocalDate(ms, timeZone);
}

/** The first instant of a calendar day in a zone (ms). */
export function dayStart(day: LocalDate, timeZone: string): number {
  return remembered(`${timeZone} ${day}`, () => computeDayStart(day, timeZone));
}

/** `compute()`, once per key while it is remembered. */
function remembered(key: string, compute: () => number): number {
  let ms = dayStarts.get(key);
  if (ms === undefined) {
    ms = compute();
    if (dayStarts.size >= MAX_REMEMBERED_DAYS) dayStarts.clear();
    dayStarts.set(key, ms);
  }
  return ms;
}

function computeDayStart(day: LocalDate, timeZone: string): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  // Two rounds settle the offset in force at local midnight; a third covers a jump between the guesses.
  let ms = midnightUtc - offsetAt(midnightUtc, timeZone);
  for (let i = 0; i < 2; i++) ms = midnightUtc - offsetAt(ms, timeZone);
  // A daylight-saving jump that skips midnight: the day starts at the first instant that is on it.
  if (computeLocalDate(ms, timeZone) < day) ms += offsetAt(ms + DAY_MS / 4, timeZone) - offsetAt(ms, timeZone);
  return ms;
}

/** `day` plus `days` calendar days. */
export function addDays(day: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instants of the days `from`..`to` (both inclusive) in a zone: [from's first instant, to's last millisecond]. */
export function daysInstants(from: LocalDate, to: LocalDate, timeZone: string): { from: number; to: number } {
  return { from: dayStart(from, timeZone), to: dayEnd(to, timeZone) };
}

/** The last millisecond of a calendar day in a zone, remembered with the day's first instant. */
function dayEnd(day: LocalDate, timeZone: string): number {
  return remembered(`${timeZone} ${day} end`, () => dayStart(addDays(day, 1), timeZone) - 1);
}

/** The Monday starting the ISO week `day` is in. */
export function isoWeekStart(day: LocalDate): LocalDate {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The first day of the month `day` is in. */
export function monthStart(day: LocalDate): LocalDate {
  return `${day.slice(0, 7)}-01`;
}
