/** The shared wire readers: the date parser every provider's mappers use, and the unknown-field check. */
import { describe, expect, it } from 'vitest';
import { fieldKey, knownFields, parseWireDate, wireDateForm, wireReaders, type WireSurprise } from '../../src/providers/wire.js';

const ARGENTINA = -180;

describe('parseWireDate', () => {
  it.each([
    ['2025-06-15 10:58:32', '2025-06-15T13:58:32.000Z'],
    ['2025-06-15T10:58:32', '2025-06-15T13:58:32.000Z'],
    ['2025-06-15T10:58', '2025-06-15T13:58:00.000Z'],
    ['2025-06-15', '2025-06-15T03:00:00.000Z'],
    ['2025-06-15T13:58:32Z', '2025-06-15T13:58:32.000Z'],
    ['2025-06-15t13:58:32z', '2025-06-15T13:58:32.000Z'],
    ['2025-06-15T13:58:32.123456Z', '2025-06-15T13:58:32.123Z'],
    ['2025-06-15T08:58:32-05:00', '2025-06-15T13:58:32.000Z'],
    ['2025-06-15T19:28:32+0530', '2025-06-15T13:58:32.000Z'],
    ['2025-06-15T15:58:32+02', '2025-06-15T13:58:32.000Z'],
    ['2024-02-29 00:00:00', '2024-02-29T03:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseWireDate(text, ARGENTINA)).toISOString()).toBe(iso);
  });

  it.each([
    '',
    'ayer',
    '2025-13-01',
    '2025-02-29',
    '2025-06-15T24:00:00',
    '2025-06-15T10:60',
    '2025-06-15X10:00',
    '2025-06-15T10:00:00+25:00',
    '2025-06-15T10:00:00.Z',
    '15/06/2025',
    '2025-06-15T10:00:00 ',
  ])('refuses %j', (text) => {
    expect(parseWireDate(text, ARGENTINA)).toBeNaN();
  });

  it('names the form of a date for a surprise', () => {
    expect(['2025-06-15', '2025-06-15T10:00:00Z', '2025-06-15T10:00:00-03:00', '2025-06-15T10:00:00', '2025-06-15 10:00:00'].map(wireDateForm)).toEqual([
      'date-only',
      'iso-utc',
      'iso-offset',
      'iso-without-offset',
      'date-time-without-offset',
    ]);
  });
});

describe('readers', () => {
  const { checkFields, decimalAt, countAt, readRows, objectAt } = wireReaders('TUPAY');

  it('tells each unknown key of an object, with list indices left out of the field', () => {
    const surprises: WireSurprise[] = [];
    checkFields({ a: 1, b: 2, c: 3 }, knownFields('a'), 'data[7]', { endpoint: 'GET x', observe: (s) => surprises.push(s) });
    expect(surprises.map((s) => s.field)).toEqual(['data[].b', 'data[].c']);
    expect(fieldKey('a[1].b[22].c')).toBe('a[].b[].c');
  });

  it('reads decimals exactly and counts from digits, refusing anything else', () => {
    const source = { endpoint: 'GET x' };
    expect(decimalAt('0.1', 'p', source, 'string')).toBe('0.10');
    expect(decimalAt(0.1, 'p', source, 'number')).toBe('0.10');
    expect(decimalAt('123456789012345678901234.99', 'p', source, 'string')).toBe('123456789012345678901234.99');
    expect(() => decimalAt('1,5', 'p', source, 'string')).toThrow(/p is missing or not an amount/);
    expect(countAt(' 12 ', 'n', source)).toBe(12);
    expect(() => countAt('1.5', 'n', source)).toThrow(/n is missing or not a count/);
    expect(() => countAt(-1, 'n', source)).toThrow(/not a count/);
  });

  it('skips only unreadable rows; other errors still fail', () => {
    const source = { endpoint: 'GET x' };
    const read = readRows([{}, 5, {}], 'data', source, (item, path) => objectAt(item, path, source));
    expect([read.rows.length, read.skipped.map((e) => e.message)]).toEqual([2, [expect.stringContaining('data[1] is missing or not an object')]]);
    expect(() =>
      readRows([1], 'data', source, () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});
