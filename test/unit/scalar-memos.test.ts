/**
 * The remembered scalars (src/graphql/scalars/date-time.ts, local-date.ts) answer exactly as
 * graphql-scalars' own do, before and after a value is remembered, and when their memo has been dropped.
 */
import { describe, expect, it } from 'vitest';
import { DateTimeISOResolver, LocalDateResolver } from 'graphql-scalars';
import { DATE_TIME_MEMO_SIZE, DateTimeISOScalar } from '../../src/graphql/scalars/date-time.js';
import { LOCAL_DATE_MEMO_SIZE, LocalDateScalar } from '../../src/graphql/scalars/local-date.js';

/** What `run` returns or the message it throws. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('remembered scalars', () => {
  it('LocalDate takes and refuses what graphql-scalars does, every time', () => {
    const inputs = ['2026-01-15', '2024-02-29', '2026-02-29', '2026-02-30', '2026-13-01', '2026-1-5', ' 2026-01-15', '', 15, null];
    for (let round = 0; round < 3; round++)
      for (const input of inputs) {
        expect(
          outcome(() => LocalDateScalar.parseValue(input)),
          `parse ${String(input)}`,
        ).toEqual(outcome(() => LocalDateResolver.parseValue(input)));
        expect(
          outcome(() => LocalDateScalar.serialize(input)),
          `serialize ${String(input)}`,
        ).toEqual(outcome(() => LocalDateResolver.serialize(input)));
      }
    expect(outcome(() => LocalDateScalar.parseValue('2026-02-30'))).toEqual({ error: 'Value is not a valid LocalDate: 2026-02-30' });
  });

  it('LocalDate still answers once its memo has been dropped', () => {
    for (let i = 0; i <= LOCAL_DATE_MEMO_SIZE; i++) LocalDateScalar.parseValue(new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    expect(LocalDateScalar.parseValue('2026-01-15')).toBe('2026-01-15');
    expect(() => LocalDateScalar.parseValue('2026-02-30')).toThrow('Value is not a valid LocalDate');
  });

  it('DateTimeISO writes what graphql-scalars does, every time', () => {
    const inputs = ['2026-01-15T12:00:00Z', '2026-01-15T09:00:00-03:00', '2026-01-15T12:00:00.123456Z', '2026-02-30T00:00:00Z', 'yesterday', ''];
    for (let round = 0; round < 3; round++)
      for (const input of inputs)
        expect(
          outcome(() => DateTimeISOScalar.serialize(input)),
          input,
        ).toEqual(outcome(() => DateTimeISOResolver.serialize(input)));
    for (let i = 0; i <= DATE_TIME_MEMO_SIZE; i++) DateTimeISOScalar.serialize(new Date(Date.UTC(2000, 0, 1) + i * 1000).toISOString());
    expect(DateTimeISOScalar.serialize('2026-01-15T09:00:00-03:00')).toBe(DateTimeISOResolver.serialize('2026-01-15T09:00:00-03:00'));
  });
});
