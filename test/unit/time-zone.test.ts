/**
 * The calendar-day arithmetic of the read API's time-zone rule (src/domain/time-zone.ts), against known
 * offsets, a daylight-saving zone whose clocks skip midnight, and the providers' own zone constants.
 */
import { describe, expect, it } from 'vitest';
import { addDays, dayStart, daysInstants, isoWeekStart, isTimeZone, localDate, monthStart, offsetAt } from '../../src/domain/time-zone.js';
import { ARGENTINA_UTC_OFFSET, TELEPAGOS_TIME_ZONE } from '../../src/providers/telepagos/assumptions.js';
import { TUPAY_TIME_ZONE, TUPAY_UTC_OFFSET_MINUTES } from '../../src/providers/tupay/assumptions.js';

const at = (iso: string) => Date.parse(iso);

describe('time zones', () => {
  it('knows IANA names and refuses anything else', () => {
    for (const name of ['America/Argentina/Buenos_Aires', 'America/Lima', 'UTC', 'Europe/Madrid', 'Etc/GMT+5']) expect(isTimeZone(name), name).toBe(true);
    for (const name of ['Mars/Olympus', '-05:00', '+03:00', 'UTC+5', '', 'America/Lima ', '../etc/passwd', 'a'.repeat(300)])
      expect(isTimeZone(name), name).toBe(false);
  });

  it('reads a day as its local instants', () => {
    expect(daysInstants('2026-01-05', '2026-01-05', 'America/Lima')).toEqual({ from: at('2026-01-05T05:00:00Z'), to: at('2026-01-06T04:59:59.999Z') });
    expect(daysInstants('2026-01-05', '2026-01-06', 'America/Argentina/Buenos_Aires')).toEqual({
      from: at('2026-01-05T03:00:00Z'),
      to: at('2026-01-07T02:59:59.999Z'),
    });
    expect(daysInstants('2026-07-01', '2026-07-01', 'Europe/Madrid')).toEqual({ from: at('2026-06-30T22:00:00Z'), to: at('2026-07-01T21:59:59.999Z') });
  });

  it('puts 23:30 in Lima on that Lima day and the next Argentina day', () => {
    const instant = at('2026-01-06T04:30:00Z');
    expect(localDate(instant, 'America/Lima')).toBe('2026-01-05');
    expect(localDate(instant, 'America/Argentina/Buenos_Aires')).toBe('2026-01-06');
  });

  it('starts a day whose midnight a daylight-saving jump skips at its first instant', () => {
    // Chile (America/Santiago) moved its clocks from 24:00 to 01:00 on 2024-09-08: that day has no midnight.
    const start = dayStart('2024-09-08', 'America/Santiago');
    expect(new Date(start).toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(localDate(start, 'America/Santiago')).toBe('2024-09-08');
    expect(localDate(start - 1, 'America/Santiago')).toBe('2024-09-07');
    // …so the day before is 24 hours long and that day 23.
    expect(start - dayStart('2024-09-07', 'America/Santiago')).toBe(24 * 3_600_000);
    expect(dayStart('2024-09-09', 'America/Santiago') - start).toBe(23 * 3_600_000);
  });

  it('names buckets: ISO weeks from Monday, months from the 1st', () => {
    expect(isoWeekStart('2026-01-04')).toBe('2025-12-29'); // a Sunday belongs to the week of the Monday before
    expect(isoWeekStart('2026-01-05')).toBe('2026-01-05');
    expect(isoWeekStart('2026-01-07')).toBe('2026-01-05');
    expect(monthStart('2026-02-28')).toBe('2026-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -2)).toBe('2025-12-30');
  });

  it('agrees with the providers’ fixed-offset assumptions', () => {
    const minutes = (offset: string) => (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    for (const instant of [at('2026-01-15T12:00:00Z'), at('2026-07-15T12:00:00Z')]) {
      expect(offsetAt(instant, TELEPAGOS_TIME_ZONE) / 60_000).toBe(minutes(ARGENTINA_UTC_OFFSET));
      expect(offsetAt(instant, TUPAY_TIME_ZONE) / 60_000).toBe(TUPAY_UTC_OFFSET_MINUTES);
    }
  });
});

describe('localDate from remembered day starts', () => {
  /** The day straight from Intl, as the module did before it remembered day starts. */
  const formats = new Map<string, Intl.DateTimeFormat>();
  function intlDay(ms: number, timeZone: string): string {
    let format = formats.get(timeZone);
    if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
    const parts = format.formatToParts(ms);
    const part = (type: string) => parts.find((p) => p.type === type)!.value;
    return `${part('year')}-${part('month')}-${part('day')}`;
  }
  const zones = [
    'America/Argentina/Buenos_Aires',
    'America/Lima',
    'America/Santiago',
    'Europe/Madrid',
    'Australia/Lord_Howe',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'Pacific/Apia',
    'UTC',
  ];

  it('agrees with Intl around daylight-saving jumps and a skipped day', () => {
    const edges = [
      '2024-09-08T04:00:00Z', // Santiago skips midnight
      '2024-04-07T03:00:00Z', // Santiago repeats an hour
      '2026-03-29T01:00:00Z', // Madrid springs forward
      '2026-10-25T01:00:00Z', // Madrid falls back
      '2011-12-30T10:00:00Z', // Samoa (Pacific/Apia) skipped 30 December 2011 entirely
      '2026-04-04T15:00:00Z', // Lord Howe's half-hour change
    ];
    for (const timeZone of zones)
      for (const edge of edges)
        for (let minutes = -26 * 60; minutes <= 26 * 60; minutes += 7) {
          const ms = at(edge) + minutes * 60_000;
          expect(localDate(ms, timeZone), `${new Date(ms).toISOString()} in ${timeZone}`).toBe(intlDay(ms, timeZone));
        }
  });

  it('agrees with Intl on instants spread over centuries, in any order', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let i = 0; i < 3_000; i++) {
      const ms = Date.parse('1900-01-01T00:00:00Z') + Math.floor(next() * 250 * 365.25 * 86_400_000);
      const timeZone = zones[i % zones.length]!;
      expect(localDate(ms, timeZone), `${new Date(ms).toISOString()} in ${timeZone}`).toBe(intlDay(ms, timeZone));
    }
  });

  it('refuses an instant that is not one, as Intl does', () => {
    expect(() => localDate(Number.NaN, 'America/Lima')).toThrow(RangeError);
  });
});
