/**
 * Exact decimal money. Amounts travel as normalized decimal strings ("1500.50") and are computed with
 * big.js; a binary float never holds money. JSON numbers from a provider are read through their
 * shortest round-trip text (String(n)), which is the decimal the provider wrote for any amount with
 * up to 15 significant digits.
 */
import Big from 'big.js';

export const CURRENCIES = ['ARS', 'PEN', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  /** Normalized decimal string: at least two decimals, no exponent, e.g. "1500.50", "-3.125". */
  amount: string;
  currency: Currency;
}

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export class InvalidDecimalError extends Error {}

/** Normalizes a provider amount (number or decimal string); throws InvalidDecimalError otherwise. */
export function toDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  let big: Big;
  try {
    big = new Big(text);
  } catch {
    throw new InvalidDecimalError(`not a decimal amount: ${JSON.stringify(value)}`);
  }
  return formatDecimal(big);
}

function formatDecimal(big: Big): string {
  const plain = big.toFixed();
  const decimals = plain.includes('.') ? plain.length - plain.indexOf('.') - 1 : 0;
  return decimals >= 2 ? plain : big.toFixed(2);
}

/** Whether text is a plain decimal (no exponent, no spaces). */
export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

export function money(value: unknown, currency: Currency): Money {
  return { amount: toDecimal(value), currency };
}

export function sumDecimals(values: readonly string[]): string {
  return formatDecimal(values.reduce((sum, v) => sum.plus(v), new Big(0)));
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  return new Big(a).cmp(b) as -1 | 0 | 1;
}

/** Number of decimal places written (for "at most two decimals" rules). */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}
