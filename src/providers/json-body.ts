/**
 * The JSON text of every request body Pasarela sends a provider. Plain values are written as
 * JSON.stringify writes them; a `JsonDecimal` (an amount a provider documents as a decimal number) is
 * written as a JSON number token made of the decimal's own digits (`"amount":12.30`), never through a
 * JavaScript number, so no amount is ever rounded on the way out. lossless-json writes the tokens.
 */
import { LosslessNumber, stringify } from 'lossless-json';

/** A decimal amount to be written as a JSON number with exactly these digits. */
export type JsonDecimal = LosslessNumber;

/** `text` must be a plain decimal (`1500.50`): what a caller validated as an amount. */
export function jsonDecimal(text: string): JsonDecimal {
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new TypeError('jsonDecimal needs a plain decimal such as 1500.50');
  return new LosslessNumber(text);
}

/** The body's JSON text (undefined for no body). */
export function jsonBody(value: unknown): string | undefined {
  return value === undefined ? undefined : stringify(value);
}
