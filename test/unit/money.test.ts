import { describe, expect, it } from 'vitest';
import { compareDecimals, decimalPlaces, InvalidDecimalError, money, sumDecimals, toDecimal } from '../../src/domain/money.js';

describe('exact decimal money', () => {
  it('normalizes numbers and strings to at least two decimals, keeping extra precision', () => {
    expect(toDecimal(1500)).toBe('1500.00');
    expect(toDecimal('1500.5')).toBe('1500.50');
    expect(toDecimal(0.1)).toBe('0.10');
    expect(toDecimal('3.125')).toBe('3.125');
    expect(toDecimal(-42.1)).toBe('-42.10');
    expect(money('10', 'PEN')).toEqual({ amount: '10.00', currency: 'PEN' });
  });

  it('adds without binary float drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(['0.10', '0.20'])).toBe('0.30');
    expect(sumDecimals([])).toBe('0.00');
    expect(sumDecimals(Array.from({ length: 1000 }, () => '0.01'))).toBe('10.00');
  });

  it('compares and counts decimal places', () => {
    expect(compareDecimals('10.00', '10')).toBe(0);
    expect(compareDecimals('9.99', '10')).toBe(-1);
    expect(decimalPlaces('1.234')).toBe(3);
    expect(decimalPlaces('12')).toBe(0);
  });

  it('refuses what is not a decimal', () => {
    for (const bad of ['abc', '', null, undefined, Number.NaN, Infinity, {}]) {
      expect(() => toDecimal(bad), String(bad)).toThrow(InvalidDecimalError);
    }
  });
});
